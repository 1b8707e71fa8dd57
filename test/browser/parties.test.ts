// The parties in the console (docs/parties.md), in a real browser: the agency picker finds 厦门 by
// part of its name, the form sends scheme and employer, a second open case for the same person is
// refused with the agencies handling the open one and a button to it, and the case page lists the
// person's other cases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { client, freshPerson, setUpAgencies, type TestServer } from "../support/server.ts";
import { a11yProblems, logIn, newContext, startServiceAndBrowser, watch } from "./support.ts";

let server: TestServer;
let browser: Browser;
let api: ReturnType<typeof client>;
let tokens: Awaited<ReturnType<typeof setUpAgencies>>;

beforeAll(async () => {
  ({ server, browser } = await startServiceAndBrowser());
  api = client(server.url);
  tokens = await setUpAgencies(api);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the parties in the console", () => {
  it("picks agencies by name, refuses a double enrolment with who handles it, and shows the person's other cases", async () => {
    const p = freshPerson();
    const first = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: { type: "renewal", insured: p, fromAgency: "FZ" },
    });
    expect(first.status).toBe(201);
    const open = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: { type: "medicalTransfer", insured: p, fromAgency: "FZ", toAgency: "XM" },
    });
    expect(open.status).toBe(201);

    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const w = watch(page);
    await logIn(page, server.url, "console", "fz-clerk", "staff-password-123");
    await page.goto(`${server.url}/console#/new`);
    await page.locator('select[name="type"]').selectOption("medicalTransfer");
    await page.locator('input[name="insured.name"]').fill(p.name);
    await page.locator('input[name="insured.idNumber"]').fill(p.idNumber);

    // the picker: part of the name finds the agency, the live region names it once chosen
    const to = page.locator('input[name="toAgency"]');
    await to.fill("厦门");
    const listId = await to.getAttribute("list");
    const offered = () =>
      page.locator(`datalist#${listId} option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    await expect.poll(offered).toEqual(["XM"]);
    await to.fill("XM");
    await expect.poll(() => page.locator(".picker-status").last().textContent()).toContain("厦门市医保中心");

    await page.locator("details.party-fields summary").click();
    await page.locator('select[name="scheme"]').selectOption("flexible");
    await page.getByRole("button", { name: "登记", exact: true }).click();
    const alert = page.locator(".form-messages .msg-error");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("不能重复参保");
    expect(await alert.textContent()).toContain("厦门市医保中心");
    await page.getByRole("button", { name: `打开该业务 ${open.body.caseNumber}` }).click();
    await page.waitForURL(new RegExp(`#/case/${open.body.id}$`));

    // the case page: the parties card with the person's other case
    const card = page.locator('section[aria-labelledby="sec-parties"]');
    await card.locator(".related-list a").first().waitFor();
    expect(await card.locator(".related-list a").allTextContents()).toEqual([first.body.caseNumber]);
    expect(await card.textContent()).toContain("职工");
    expect(await a11yProblems(page)).toEqual([]);
    w.assertClean();
    await ctx.close();
  });
});

// The admin page's API clients view in a real browser: create one (the key shown once), see it in
// the list, revoke it; and the flow of an online medical transfer in the console facts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { ADMIN, client, setUpAgencies, type TestServer } from "../support/server.ts";
import { a11yProblems, logIn, newContext, shot, startServiceAndBrowser, watch } from "./support.ts";

let server: TestServer;
let browser: Browser;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  ({ server, browser } = await startServiceAndBrowser());
  api = client(server.url);
  await setUpAgencies(api);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("admin: API clients", () => {
  it("creates a client, shows its key once, lists it and revokes it", async () => {
    const T = "admin-api-clients";
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const w = watch(page);
    await logIn(page, server.url, "admin", ADMIN.username, ADMIN.password);
    await page.getByRole("link", { name: "接口客户端" }).click();
    await page.getByText("尚无接口客户端。").waitFor();
    await page.getByLabel("名称").fill("national-platform");
    await page.getByLabel("经办机构代码").fill("XM");
    await page.getByRole("button", { name: "创建" }).click();
    const key = page.locator("#api-client-key code");
    await key.waitFor();
    expect(await key.textContent()).toMatch(/^sitk_\d+_[A-Za-z0-9_-]{43}$/);
    expect(await page.locator("table.data tbody tr").count()).toBe(1);
    await shot(page, T, "01-created");
    expect(await a11yProblems(page)).toEqual([]);
    // the key is not shown again
    await page.reload();
    await page.locator("table.data").waitFor();
    expect(await page.locator("#api-client-key").count()).toBe(0);
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "吊销" }).click();
    await page.getByText("客户端“national-platform”已吊销。").waitFor();
    const list = await api.call("GET", "/api/admin/api-clients", {
      token: await api.login(ADMIN.username, ADMIN.password),
    });
    expect(list.body.items[0]).toMatchObject({
      name: "national-platform",
      active: false,
      events: ["CASE_OPENED", "APPLY_ONLINE"],
    });
    w.assertClean();
    await ctx.close();
  });
});

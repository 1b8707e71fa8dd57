// A clerk's day in Chromium (docs/clerk-tools.md): the Xiamen clerk finds a case in the
// "unassigned" queue, takes it, leaves a note, is refused the next step while its documents are
// missing (the agency makes them binding), attaches the ID card and the application form, records
// the step, and hands the case over to a colleague, whose "mine" queue then holds it. Screenshots
// of each step are kept in artifacts/screenshots.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import type { Browser } from "playwright-core";
import { ADMIN, client, person, setUpAgencies, type TestServer } from "../support/server.ts";
import { a11yProblems, logIn, newContext, shot, startServiceAndBrowser, watch } from "./support.ts";

let server: TestServer;
let browser: Browser;
let api: ReturnType<typeof client>;
let tokens: Awaited<ReturnType<typeof setUpAgencies>>;
const PASSWORD = "staff-password-123";
const T = "clerk-day";
let files: { png: string; pdf: string };

beforeAll(async () => {
  ({ server, browser } = await startServiceAndBrowser());
  api = client(server.url);
  tokens = await setUpAgencies(api);
  const admin = await api.login(ADMIN.username, ADMIN.password);
  const u = await api.call("POST", "/api/admin/users", {
    token: admin,
    body: { username: "xm-clerk2", password: PASSWORD, role: "staff", agencyCode: "XM" },
  });
  expect(u.status).toBe(201);
  expect(
    (await api.call("PATCH", "/api/admin/agencies/XM", { token: admin, body: { requireDocuments: true } })).status,
  ).toBe(200);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-day-"));
  files = { png: path.join(dir, "林小明-身份证.png"), pdf: path.join(dir, "申请表.pdf") };
  fs.writeFileSync(
    files.png,
    Buffer.from(
      "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f5d8a80000000049454e44ae426082",
      "hex",
    ),
  );
  fs.writeFileSync(files.pdf, "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("a clerk's day", () => {
  it("assign, note, attach, advance, hand over", async () => {
    const opened = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: { type: "medicalTransfer", insured: person, fromAgency: "FZ", toAgency: "XM" },
    });
    const c = opened.body;
    const cert = await api.call("POST", `/api/cases/${c.id}/events`, {
      token: tokens.out,
      body: { type: "ISSUE_CERTIFICATE", contributionMonths: 36, accountBalanceFen: 52_000, arrearsFen: 0 },
    });
    expect(cert.status).toBe(200);

    const ctx = await newContext(browser);
    const xm = await ctx.newPage();
    const problems = watch(xm);
    await logIn(xm, server.url, "console", "xm-clerk", PASSWORD, { keyboard: true });
    await xm.getByRole("button", { name: "English" }).click();

    // the unassigned queue holds the case
    await xm.locator('button[data-queue="none"]').click();
    await xm.locator('input[name="mine"]').setChecked(false);
    await xm.locator('form[role="search"] button[type="submit"]').click();
    const row = xm.locator(`tr[data-case="${c.caseNumber}"]`);
    await row.waitFor();
    await shot(xm, T, "01-unassigned-queue");

    // take it
    await row.getByRole("link").click();
    await xm.locator('[data-fact="state"]').waitFor();
    await xm.locator("[data-take]").click();
    await expect.poll(() => xm.locator('[data-assignee="XM"]').innerText()).toBe("xm-clerk");

    // a note, shown in the timeline
    await xm.getByLabel(/^New note/).fill("Employer called: the signed form comes tomorrow.");
    await xm.getByRole("button", { name: "Add note" }).click();
    await xm.locator(".tl-note").waitFor();
    expect(await xm.locator(".tl-note .tl-note-text").innerText()).toBe(
      "Employer called: the signed form comes tomorrow.",
    );
    expect(await xm.locator(".tl-assignment").count()).toBe(1);
    // the checklist: both documents missing
    await xm.locator('.checklist li[data-kind="idCard"][data-missing="true"]').waitFor();
    await shot(xm, T, "02-taken-note-checklist");

    // the step is refused while its documents are missing
    await xm.getByRole("button", { name: "File transfer application", exact: true }).click();
    await xm.getByLabel("Channel").selectOption("offline");
    await xm.getByLabel("Applicant").selectOption("individual");
    await xm.getByRole("button", { name: "Record: File transfer application" }).click();
    await xm.locator(".msg-error").first().waitFor();
    expect(await xm.locator("#view").innerText()).toContain(
      "Attach these under Attachments below first: Application form, ID card.",
    );
    expect(await xm.getByRole("button", { name: "Reload the case" }).count()).toBe(0);
    await shot(xm, T, "03-refused-missing-documents");

    // attach the ID card and the application form
    await xm.getByLabel("Kind").selectOption("idCard");
    await xm.getByLabel("File", { exact: true }).setInputFiles(files.png);
    await xm.getByRole("button", { name: "Upload" }).click();
    await xm.locator('.checklist li[data-kind="idCard"][data-missing="false"]').waitFor();
    await xm.getByLabel("Kind").selectOption("applicationForm");
    await xm.getByLabel("File", { exact: true }).setInputFiles(files.pdf);
    await xm.getByRole("button", { name: "Upload" }).click();
    await xm.locator('.checklist li[data-kind="applicationForm"][data-missing="false"]').waitFor();
    expect(await xm.locator("ul.attachments li").count()).toBe(2);
    expect(await xm.locator("ul.attachments").innerText()).toContain("林小明-身份证.png");
    await shot(xm, T, "04-attached");
    // a download comes back as a file
    const [download] = await Promise.all([
      xm.waitForEvent("download"),
      xm.locator("ul.attachments li button.link").first().click(),
    ]);
    expect(download.suggestedFilename()).toBe("林小明-身份证.png");

    // advance (on the page as it is now)
    await xm.reload();
    await xm.locator('[data-fact="state"]').waitFor();
    await xm.getByRole("button", { name: "File transfer application", exact: true }).click();
    await xm.getByLabel("Channel").selectOption("offline");
    await xm.getByLabel("Applicant").selectOption("individual");
    await xm.getByRole("button", { name: "Record: File transfer application" }).click();
    await xm.locator(".msg-success").waitFor();
    expect(await xm.locator('[data-fact="state"] dd').innerText()).toBe(
      "Application filed, awaiting eligibility check",
    );
    await xm.locator(".tl-note").waitFor();
    await shot(xm, T, "05-advanced");

    // hand over to the colleague
    await xm.getByLabel("Hand over to").selectOption("xm-clerk2");
    await xm.locator("[data-handover]").click();
    await expect.poll(() => xm.locator('[data-assignee="XM"]').innerText()).toBe("xm-clerk2");
    await expect.poll(() => xm.locator(".tl-assignment").count()).toBe(2);
    await shot(xm, T, "06-handed-over");
    expect(await a11yProblems(xm)).toEqual([]);
    problems.assertClean();
    await ctx.close();

    // the colleague's "mine" queue and the workload
    const ctx2 = await newContext(browser);
    const xm2 = await ctx2.newPage();
    await logIn(xm2, server.url, "console", "xm-clerk2", PASSWORD, { keyboard: true });
    await xm2.getByRole("button", { name: "English" }).click();
    await xm2.locator('button[data-queue="me"]').click();
    await xm2.locator('input[name="mine"]').setChecked(false);
    await xm2.locator('form[role="search"] button[type="submit"]').click();
    await xm2.locator(`tr[data-case="${c.caseNumber}"]`).waitFor();
    await xm2.locator("button[data-workload]").click();
    await xm2.locator("section.workload").waitFor();
    await shot(xm2, T, "07-colleague-mine-and-workload");
    expect(await a11yProblems(xm2)).toEqual([]);
    await ctx2.close();
  });
});

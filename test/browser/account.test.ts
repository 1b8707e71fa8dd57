// The account controls in a real browser: "change password" in the console, "log out" ending the
// token on the server, and the administrative audit view in the admin pages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { ADMIN, type TestServer } from "../support/server.ts";
import type { Api, Tokens } from "../support/fixtures.ts";
import { a11yProblems, logIn, newContext, shot, startSuite, stopSuite, watch } from "./support.ts";

let server: TestServer, browser: Browser, api: Api, tokens: Tokens;

beforeAll(async () => {
  ({ server, browser, api, tokens } = await startSuite());
});

afterAll(() => stopSuite({ browser, server }));

const sessionToken = (page: Page) =>
  page.evaluate(() => JSON.parse(sessionStorage.getItem("tracker.session") ?? "null")?.token as string | undefined);

describe("account controls", () => {
  it("a clerk changes their password, logs out (the token ends on the server), and the audit view shows it", async () => {
    const T = "account";
    const created = await api.call("POST", "/api/admin/users", {
      token: tokens.admin,
      body: { username: "pw-clerk", password: "staff-password-123", role: "staff", agencyCode: "FZ" },
    });
    expect(created.status).toBe(201);
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const w = watch(page);
    await logIn(page, server.url, "console", "pw-clerk", "staff-password-123");
    const first = await sessionToken(page);

    await page.getByRole("button", { name: "修改密码" }).click();
    const dialog = page.getByRole("dialog", { name: "修改密码" });
    await dialog.getByLabel("当前密码").fill("staff-password-123");
    await dialog.getByLabel("新密码（至少 12 个字符，不能是常见密码）").fill("password1234");
    await dialog.getByLabel("再次输入新密码").fill("password1234");
    await dialog.getByRole("button", { name: "修改", exact: true }).click();
    await dialog.locator(".msg-error").waitFor();
    expect(await dialog.locator(".msg-error").innerText()).toContain("too easy to guess");
    await shot(page, T, "01-weak-password");
    expect(await a11yProblems(page)).toEqual([]);

    await dialog.getByLabel("新密码（至少 12 个字符，不能是常见密码）").fill("a-better-clerk-pass-9");
    await dialog.getByLabel("再次输入新密码").fill("a-better-clerk-pass-9");
    await dialog.getByRole("button", { name: "修改", exact: true }).click();
    await page.locator("#messages .msg-success").waitFor();
    expect(await page.getByRole("dialog").count()).toBe(0);
    const second = await sessionToken(page);
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    expect((await api.call("GET", "/api/me", { token: first })).status).toBe(401);
    expect((await api.call("GET", "/api/me", { token: second })).status).toBe(200);

    await page.locator("#logout").click();
    await page.getByLabel("用户名").waitFor();
    await expect.poll(async () => (await api.call("GET", "/api/me", { token: second })).status).toBe(401);
    w.assertClean();
    await ctx.close();

    const admin = await newContext(browser);
    const apage = await admin.newPage();
    const aw = watch(apage);
    await logIn(apage, server.url, "admin", ADMIN.username, ADMIN.password);
    await apage.getByRole("link", { name: "操作审计" }).click();
    await apage.getByRole("heading", { name: "操作审计" }).waitFor();
    await apage.locator("td", { hasText: "user:pw-clerk" }).first().waitFor();
    const rows = await apage.locator("tbody tr").allInnerTexts();
    expect(rows.some((r) => r.includes("user.password_changed") && r.includes("pw-clerk"))).toBe(true);
    expect(rows.some((r) => r.includes("user.created") && r.includes(ADMIN.username))).toBe(true);
    await apage.getByLabel("操作", { exact: true }).selectOption("user.created");
    await apage.getByRole("button", { name: "筛选" }).click();
    await expect
      .poll(async () => (await apage.locator("tbody tr").allInnerTexts()).every((r) => r.includes("user.created")))
      .toBe(true);
    await shot(apage, T, "02-audit");
    expect(await a11yProblems(apage)).toEqual([]);
    aw.assertClean();
    await admin.close();
  });
});

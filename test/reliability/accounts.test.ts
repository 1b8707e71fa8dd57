// Accounts and administration (issue 22, rows 3, 4, 8, 12 and 13): text that is not well-formed
// or hides what it says, the token lifecycle (logout, own password change, revocation on reset,
// disabling and role change, on every node), login throttling that cannot lock an owner out,
// common passwords, and the administrative audit.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { SignJWT } from "jose";
import { ADMIN, client, root, setUpAgencies, startService, tempDir, type TestServer } from "../support/server.ts";
import { expectProblem, makePeople, medicalCaseIn, openMedical, openStore, type Api } from "../support/reliability.ts";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOKEN_SECRET = "accounts-test-secret-0123456789-abcdefgh";
const PASSWORD = "staff-password-123";
const people = makePeople(20, 41);

let server: TestServer;
let api: Api;
let t: Awaited<ReturnType<typeof setUpAgencies>>;
const dirs: string[] = [];

beforeAll(async () => {
  const dir = tempDir("tracker-accounts-");
  dirs.push(dir);
  server = await startService({ dir, env: { TOKEN_SECRET, JOBS: "off", WEBHOOK_ALLOWED_NETWORKS: "127.0.0.0/8" } });
  api = client(server.url);
  t = await setUpAgencies(api);
});

afterAll(async () => {
  if (process.env.H6_DEBUG) process.stdout.write(server.output().slice(-6000));
  await server?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

let serial = 0;
async function newStaff(agencyCode = "SZ", password = PASSWORD): Promise<{ username: string; token: string }> {
  const username = `acct-${++serial}`;
  const r = await api.call("POST", "/api/admin/users", {
    token: t.admin,
    body: { username, password, role: "staff", agencyCode },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { username, token: await api.login(username, password) };
}

// ------------------------------------------------------------------ row 3

describe("text that is not well-formed Unicode, or hides what it says", () => {
  const lone = ["\ud800", "a\udfffb", "林\udbff"];

  it("refuses a lone surrogate anywhere in any JSON body with 422, and changes nothing", async () => {
    const store = openStore(server.databaseUrl);
    try {
      const before = store.fingerprint();
      for (const s of lone) {
        const sends = [
          api.call("POST", "/api/auth/login", { body: { username: s, password: "whatever-password" } }),
          api.call("POST", "/api/auth/login", { body: { username: "fz-clerk", password: s } }),
          api.call("POST", "/api/cases", {
            token: t.out,
            body: {
              type: "medicalTransfer",
              insured: { name: s, idNumber: people[0].idNumber },
              fromAgency: "FZ",
              toAgency: "XM",
            },
          }),
          api.call("POST", "/api/admin/agencies", {
            token: t.admin,
            body: { code: "LONE", name: s, region: "350100" },
          }),
          api.call("POST", "/api/admin/webhooks", {
            token: t.admin,
            body: { url: `http://example.test/${s}`, events: ["case.state_changed"] },
          }),
          api.call("POST", "/api/status", { body: { caseNumber: s, idNumber: people[0].idNumber } }),
          // in a key, and deep inside a value no route looks at
          api.call("POST", "/api/admin/agencies", {
            token: t.admin,
            body: { code: "LONE", name: "x", region: "350100", limits: { [s]: 1 } },
          }),
          api.call("PATCH", "/api/admin/agencies/FZ", { token: t.admin, body: { nested: [[{ deep: s }]] } }),
        ];
        for (const r of await Promise.all(sends)) {
          expect(r.status, JSON.stringify(r.body)).toBe(422);
          expectProblem(r);
          expect(JSON.stringify(r.body)).toContain("well-formed Unicode");
        }
      }
      expect(store.fingerprint()).toBe(before);
    } finally {
      store.close();
    }
  });

  const hidden = {
    bidiOverride: "林\u202e明",
    isolate: "林\u2066明",
    zeroWidth: "林\u200b明",
    joiner: "林\u200d明",
    bom: "林\ufeff明",
    bell: "林\u0007明",
    escape: "林\u001b[31m明",
    nul: "林\u0000",
    lineSeparator: "林\u2028明",
    newline: "林\n明",
  };

  it.each(Object.entries(hidden))(
    "refuses %s in an insured person's name and an agency's name",
    async (_kind, name) => {
      const c = await api.call("POST", "/api/cases", {
        token: t.out,
        body: {
          type: "medicalTransfer",
          insured: { name, idNumber: people[1].idNumber },
          fromAgency: "FZ",
          toAgency: "XM",
        },
      });
      expect(c.status).toBe(422);
      expect(c.body.errors[0]).toMatchObject({
        path: "insured.name",
        message: expect.stringContaining("control, zero-width or bidirectional"),
      });
      const a = await api.call("POST", "/api/admin/agencies", {
        token: t.admin,
        body: { code: `H${++serial}`, name, region: "350100" },
      });
      expect(a.status).toBe(422);
      expect(a.body.errors[0].path).toBe("name");
      const p = await api.call("PATCH", "/api/admin/agencies/SZ", { token: t.admin, body: { name } });
      expect(p.status).toBe(422);
    },
  );

  it("refuses them in event reasons (before the machine sees them), keeps ordinary text and line breaks", async () => {
    const c = await medicalCaseIn(api, t, "applicationFiled", people[2]);
    for (const reason of ["材料不全\u202e", "\u200b", "缺少\u0000证明"]) {
      const r = await api.call("POST", `/api/cases/${c.id}/events`, { token: t.in, body: { type: "REFUSE", reason } });
      expect(r.status).toBe(422);
      expect(r.body.errors[0]).toMatchObject({ path: "reason" });
    }
    expect((await api.call("GET", `/api/cases/${c.id}`, { token: t.in })).body.state).toBe("applicationFiled");
    const ok = await api.call("POST", `/api/cases/${c.id}/events`, {
      token: t.in,
      body: { type: "REFUSE", reason: "材料不全：\n缺少参保缴费凭证 (№ 3)" },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    // names in any script, with ordinary punctuation, are accepted
    const named = await openMedical(api, t.out, { name: "阿卜杜·热合曼 O'Neil-李", idNumber: people[3].idNumber });
    expect((await api.call("GET", `/api/cases/${named.id}`, { token: t.out })).body.insured.name).toBe(
      "阿卜杜·热合曼 O'Neil-李",
    );
  });
});

// ------------------------------------------------------------------ row 4

describe("token lifecycle", () => {
  const me = (token: string, base = api) => base.call("GET", "/api/me", { token });

  it("logout ends the presented token only", async () => {
    const { username } = await newStaff();
    const a = await api.login(username, PASSWORD);
    const b = await api.login(username, PASSWORD);
    expect((await me(a)).status).toBe(200);
    const out = await api.call("POST", "/api/auth/logout", { token: a });
    expect(out.status).toBe(204);
    const after = await me(a);
    expect(after.status).toBe(401);
    expectProblem(after);
    expect((await api.call("POST", "/api/auth/logout", { token: a })).status).toBe(401);
    expect((await me(b)).status).toBe(200);
  });

  it("an own password change ends every earlier token and returns a new one", async () => {
    const { username, token } = await newStaff();
    const other = await api.login(username, PASSWORD);
    const wrong = await api.call("POST", "/api/me/password", {
      token,
      body: { currentPassword: "not-my-password", newPassword: "a-new-staff-pass-456" },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].path).toBe("currentPassword");
    const weak = await api.call("POST", "/api/me/password", {
      token,
      body: { currentPassword: PASSWORD, newPassword: "password1234" },
    });
    expect(weak.status).toBe(422);
    expect(weak.body.errors[0]).toMatchObject({
      path: "newPassword",
      message: expect.stringContaining("too easy to guess"),
    });
    expect((await me(token)).status).toBe(200); // refusals changed nothing

    const r = await api.call("POST", "/api/me/password", {
      token,
      body: { currentPassword: PASSWORD, newPassword: "a-new-staff-pass-456" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await me(token)).status).toBe(401);
    expect((await me(other)).status).toBe(401);
    expect((await me(r.body.token)).status).toBe(200);
    expect((await api.call("POST", "/api/auth/login", { body: { username, password: PASSWORD } })).status).toBe(401);
    expect((await api.login(username, "a-new-staff-pass-456")).length).toBeGreaterThan(20);
  });

  it("a reset, a disabling and re-enabling, and a role change each end the user's earlier tokens", async () => {
    const patch = (username: string, body: unknown) =>
      api.call("PATCH", `/api/admin/users/${username}`, { token: t.admin, body });

    const reset = await newStaff();
    expect((await patch(reset.username, { password: "reset-by-admin-789" })).status).toBe(200);
    expect((await me(reset.token)).status).toBe(401);

    const toggled = await newStaff();
    expect((await patch(toggled.username, { disabled: true })).status).toBe(200);
    expect((await patch(toggled.username, { disabled: false })).status).toBe(200);
    expect((await me(toggled.token)).status).toBe(401);
    expect((await me(await api.login(toggled.username, PASSWORD))).status).toBe(200);

    const promoted = await newStaff();
    const up = await patch(promoted.username, { role: "admin" });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body).toMatchObject({ role: "admin", agencyCode: null });
    expect((await me(promoted.token)).status).toBe(401);
    const adminToken = await api.login(promoted.username, PASSWORD);
    expect((await api.call("GET", "/api/admin/users", { token: adminToken })).status).toBe(200);
    // back to staff: an agency is required
    const noAgency = await patch(promoted.username, { role: "staff" });
    expect(noAgency.status).toBe(422);
    expect(noAgency.body.errors[0].path).toBe("agencyCode");
    expect((await me(adminToken)).status).toBe(200);
    expect((await patch(promoted.username, { role: "staff", agencyCode: "XM" })).body).toMatchObject({
      role: "staff",
      agencyCode: "XM",
    });
    expect((await me(adminToken)).status).toBe(401);
    // an administrator cannot demote themselves
    expect((await patch(ADMIN.username, { role: "staff", agencyCode: "FZ" })).status).toBe(409);
  });

  it("refuses a token signed with the secret whose lifetime exceeds TOKEN_TTL_MINUTES", async () => {
    const { token } = await newStaff();
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
    const now = Math.floor(Date.now() / 1000);
    const sign = (exp: number) =>
      new SignJWT({ role: claims.role, ver: claims.ver })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(claims.sub)
        .setJti(`forged-${exp}`)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(TOKEN_SECRET));
    expect((await me(await sign(now + 60))).status).toBe(200); // the forgery itself is sound
    expect((await me(await sign(now + 480 * 60 + 1))).status).toBe(401);
    expect((await me(await sign(now + 10 * 365 * 86_400))).status).toBe(401);
  });

  it("logout and a reset on one node end the tokens on another node at once", async () => {
    const second = await startService({
      dir: server.dir,
      env: { TOKEN_SECRET, JOBS: "off", DATABASE_URL: server.databaseUrl },
    });
    try {
      const api2 = client(second.url);
      const { username, token } = await newStaff();
      const other = await api.login(username, PASSWORD);
      expect((await me(token, api2)).status).toBe(200);
      expect((await api2.call("POST", "/api/auth/logout", { token })).status).toBe(204);
      expect((await me(token, api)).status).toBe(401);
      expect((await me(other, api2)).status).toBe(200);
      expect(
        (
          await api2.call("PATCH", `/api/admin/users/${username}`, {
            token: await api2.login(ADMIN.username, ADMIN.password),
            body: { password: "reset-on-node-two-1" },
          })
        ).status,
      ).toBe(200);
      expect((await me(other, api)).status).toBe(401);
    } finally {
      await second.stop();
    }
  });
});

// ------------------------------------------------------------------ row 8

describe("login throttling cannot lock an owner out", () => {
  let proxied: TestServer;
  let papi: Api;

  beforeAll(async () => {
    const dir = tempDir("tracker-accounts-");
    dirs.push(dir);
    proxied = await startService({ dir, env: { LOGIN_RATE_LIMIT_PER_MINUTE: "5", TRUST_PROXY: "true", JOBS: "off" } });
    papi = client(proxied.url);
    await setUpAgencies(papi);
  });
  afterAll(async () => {
    await proxied?.stop();
  });

  const login = (ip: string, username: string, password = "wrong-password") =>
    papi.call("POST", "/api/auth/login", { body: { username, password }, headers: { "x-forwarded-for": ip } });

  it("lets the owner in from their address within seconds while many other addresses fail for the account", async () => {
    for (let i = 1; i <= 20; i++) expect([401, 429]).toContain((await login(`10.20.0.${i}`, "fz-clerk")).status);
    for (let i = 1; i <= 20; i++) expect((await login(`10.20.0.${i}`, "fz-clerk")).status).toBe(429);
    const started = Date.now();
    const owner = await login("10.20.9.9", "fz-clerk", PASSWORD);
    expect(owner.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("still limits guessing per account across addresses: an address that failed is refused, even with the right password", async () => {
    for (let i = 1; i <= 5; i++) expect((await login(`10.21.0.${i}`, "xm-clerk")).status).toBe(401);
    const again = await login("10.21.0.1", "xm-clerk", PASSWORD);
    expect(again.status).toBe(429);
    expectProblem(again);
    expect(again.headers.get("retry-after")).toMatch(/^\d+$/);
    // a fresh address gets one try, then it too is a failing address for this account
    expect((await login("10.21.0.77", "xm-clerk")).status).toBe(401);
    expect((await login("10.21.0.77", "xm-clerk")).status).toBe(429);
    // other accounts are not affected from those addresses
    expect((await login("10.21.0.1", "sz-clerk", PASSWORD)).status).toBe(200);
  });

  it("does not count requests that were not refused passwords", async () => {
    for (let i = 1; i <= 8; i++) expect((await login("10.22.0.1", "sz-clerk", PASSWORD)).status).toBe(200);
    for (let i = 1; i <= 8; i++)
      expect(
        (
          await papi.call("POST", "/api/auth/login", {
            body: { username: "sz-clerk" },
            headers: { "x-forwarded-for": `10.22.1.${i}` },
          })
        ).status,
      ).toBe(422);
    expect((await login("10.22.1.1", "sz-clerk", PASSWORD)).status).toBe(200);
  });
});

// ------------------------------------------------------------------ row 12

describe("common and blank passwords", () => {
  const refused = [
    "aaaaaaaaaaaa",
    "password1234",
    " ".repeat(12),
    "\t".repeat(12),
    "123456789012",
    "qwertyuiop12",
    "Password1234!",
  ];

  it.each(refused)("refuses %j at user creation, reset and own change with a 422 that says why", async (password) => {
    const created = await api.call("POST", "/api/admin/users", {
      token: t.admin,
      body: { username: `weak-${++serial}`, password, role: "staff", agencyCode: "SZ" },
    });
    expect(created.status).toBe(422);
    expectProblem(created);
    expect(created.body.errors[0]).toMatchObject({
      path: "password",
      message: expect.stringMatching(/too easy to guess: .+|must not be blank/),
    });
    const { username, token } = await newStaff();
    const reset = await api.call("PATCH", `/api/admin/users/${username}`, { token: t.admin, body: { password } });
    expect(reset.status).toBe(422);
    expect(reset.body.errors[0].path).toBe("password");
    const own = await api.call("POST", "/api/me/password", {
      token,
      body: { currentPassword: PASSWORD, newPassword: password },
    });
    expect(own.status).toBe(422);
    expect(own.body.errors[0].path).toBe("newPassword");
    expect((await api.call("GET", "/api/me", { token })).status).toBe(200);
  });

  it("accepts the passphrases used across the test suite", async () => {
    for (const password of [
      "staff-password-123",
      "temporary-pass-1",
      "temporary-pass-123",
      "victim-password-123",
      "long-enough-password",
      ADMIN.password,
    ]) {
      const r = await api.call("POST", "/api/admin/users", {
        token: t.admin,
        body: { username: `strong-${++serial}`, password, role: "staff", agencyCode: "SZ" },
      });
      expect(r.status, password).toBe(201);
    }
  });

  it.each([["password1234"], [" ".repeat(16)]])(
    "refuses ADMIN_PASSWORD %j as a configuration error",
    async (password) => {
      // asynchronously: a blocked event loop would leave the test client's kept-alive sockets stale
      const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: `file:${tempDir()}/x.db`,
          PORT: "0",
          HOST: "127.0.0.1",
          ADMIN_USERNAME: "boss",
          ADMIN_PASSWORD: password,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const [code] = (await once(child, "exit")) as [number];
      expect(code).toBe(2);
      expect(stderr).toContain("Invalid configuration");
      expect(stderr).toMatch(/ADMIN_PASSWORD (is too easy to guess|must not be blank)/);
    },
  );
});

// ------------------------------------------------------------------ row 13

describe("administrative audit", () => {
  const audit = (query = "") => api.call("GET", `/api/admin/audit-log${query}`, { token: t.admin });

  it("records who did what to what, before and after, with secrets and password hashes masked", async () => {
    const start = (await audit("?limit=1")).body.items[0]?.id ?? 0;
    const code = `AU${++serial}`;
    expect(
      (
        await api.call("POST", "/api/admin/agencies", {
          token: t.admin,
          body: { code, name: "审计测试中心", region: "350100" },
        })
      ).status,
    ).toBe(201);
    expect(
      (await api.call("PATCH", `/api/admin/agencies/${code}`, { token: t.admin, body: { name: "审计测试中心（新）" } }))
        .status,
    ).toBe(200);
    expect(
      (
        await api.call("PATCH", `/api/admin/agencies/${code}`, {
          token: t.admin,
          body: { limits: { "medicalTransfer.transferOut": 10 } },
        })
      ).status,
    ).toBe(200);
    const username = `audited-${++serial}`;
    expect(
      (
        await api.call("POST", "/api/admin/users", {
          token: t.admin,
          body: { username, password: PASSWORD, role: "staff", agencyCode: code },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api.call("PATCH", `/api/admin/users/${username}`, {
          token: t.admin,
          body: { password: "audited-reset-pass-1" },
        })
      ).status,
    ).toBe(200);
    expect(
      (await api.call("PATCH", `/api/admin/users/${username}`, { token: t.admin, body: { disabled: true } })).status,
    ).toBe(200);
    expect(
      (await api.call("PATCH", `/api/admin/users/${username}`, { token: t.admin, body: { disabled: false } })).status,
    ).toBe(200);
    expect(
      (await api.call("PATCH", `/api/admin/users/${username}`, { token: t.admin, body: { role: "admin" } })).status,
    ).toBe(200);
    const cal = (await api.call("GET", "/api/admin/calendar/2026", { token: t.admin })).body;
    expect(
      (
        await api.call("PUT", "/api/admin/calendar/2026", {
          token: t.admin,
          body: { holidays: cal.holidays, workdays: cal.workdays },
        })
      ).status,
    ).toBe(200);
    const policy = {
      region: "350100",
      effectiveFrom: "2031-01-01",
      contributionBaseFen: 500_000,
      rateBasisPoints: 1000,
      lateFeePerDayPpm: 500,
      lateFeeAppliesToFlexible: false,
      maxBackPayMonths: 3,
      waitingPeriodMonths: 6,
    };
    expect((await api.call("POST", "/api/admin/policies", { token: t.admin, body: policy })).status).toBe(201);
    const secret = "webhook-secret-0123456789-WXYZ";
    const hook = await api.call("POST", "/api/admin/webhooks", {
      token: t.admin,
      body: { url: "http://127.0.0.1:9/hook", secret, events: ["case.state_changed"] },
    });
    expect(hook.status).toBe(201);
    expect(
      (
        await api.call("PATCH", `/api/admin/webhooks/${hook.body.id}`, {
          token: t.admin,
          body: { active: false, secret: "another-secret-0123456789-QRST" },
        })
      ).status,
    ).toBe(200);
    // refused changes leave no entry
    expect(
      (
        await api.call("POST", "/api/admin/agencies", {
          token: t.admin,
          body: { code, name: "重复", region: "350100" },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await api.call("POST", "/api/admin/users", {
          token: t.admin,
          body: { username: `w-${++serial}`, password: "password1234", role: "staff", agencyCode: code },
        })
      ).status,
    ).toBe(422);

    const entries = (await audit("?limit=200")).body.items.filter((e: any) => e.id > start).reverse();
    expect(entries.map((e: any) => e.action)).toEqual([
      "agency.created",
      "agency.renamed",
      "agency.limits_changed",
      "user.created",
      "user.password_reset",
      "user.disabled",
      "user.enabled",
      "user.role_changed",
      "calendar.published",
      "policy.added",
      "webhook.created",
      "webhook.changed",
    ]);
    for (const e of entries) {
      expect(e.actor.username).toBe(ADMIN.username);
      expect(Date.now() - Date.parse(e.at)).toBeLessThan(120_000);
    }
    const byAction = Object.fromEntries(entries.map((e: any) => [e.action, e]));
    expect(byAction["agency.renamed"]).toMatchObject({
      target: `agency:${code}`,
      before: { name: "审计测试中心" },
      after: { name: "审计测试中心（新）" },
    });
    expect(byAction["agency.limits_changed"].after.limits).toEqual({ "medicalTransfer.transferOut": 10 });
    expect(byAction["user.created"]).toMatchObject({
      target: `user:${username}`,
      before: null,
      after: { username, role: "staff", agencyCode: code },
    });
    expect(byAction["user.role_changed"]).toMatchObject({
      before: { role: "staff", agencyCode: code },
      after: { role: "admin", agencyCode: null },
    });
    expect(byAction["webhook.changed"]).toMatchObject({
      before: { active: true, secret: "••••WXYZ" },
      after: { active: false, secret: "••••QRST" },
    });
    const text = JSON.stringify(entries);
    expect(text).not.toContain(secret);
    expect(text).not.toContain("0123456789");
    expect(text).not.toContain("$argon2");
    expect(text).not.toContain("audited-reset-pass-1");
    expect(text).not.toContain(PASSWORD);

    // filters and paging
    const resets = (await audit("?action=user.password_reset&limit=200")).body.items;
    // this file's three: the reset that ends a user's tokens, the one on the second node, and the audited one
    expect(resets).toHaveLength(3);
    expect(resets.every((e: any) => e.action === "user.password_reset")).toBe(true);
    expect((await audit("?from=2020-01-01&to=2020-12-31")).body.items).toEqual([]);
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
    expect((await audit(`?from=${today}&to=${today}&limit=200`)).body.items.length).toBeGreaterThanOrEqual(
      entries.length,
    );
    const first = (await audit("?limit=3")).body;
    expect(first.items).toHaveLength(3);
    const second = (await audit(`?limit=3&cursor=${first.nextCursor}`)).body;
    expect(second.items[0].id).toBeLessThan(first.items[2].id);
    expect((await audit("?from=2026-02-01&to=2026-01-01")).status).toBe(422);
    expect((await audit("?action=user.deleted")).status).toBe(422);

    // CSV export
    const csv = await api.call("GET", `/api/admin/audit-log.csv?from=${today}&to=${today}`, { token: t.admin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (csv.body as string).trim().split("\r\n");
    expect(lines[0]).toBe("id,at,actorId,actorName,action,target,before,after");
    expect(lines.some((l) => l.includes("webhook.changed") && l.includes("••••QRST"))).toBe(true);
    expect(csv.body).not.toContain(secret);
  });

  it("is for administrators only, and the old case-event export is unchanged", async () => {
    for (const path of ["/api/admin/audit-log", "/api/admin/audit-log.csv"]) {
      expect((await api.call("GET", path, { token: t.out })).status).toBe(403);
      expect((await api.call("GET", path)).status).toBe(401);
    }
    const old = await api.call("GET", "/api/admin/audit?from=2026-01-01&to=2026-12-31", { token: t.admin });
    expect(old.status).toBe(200);
    expect((old.body as string).split("\r\n")[0]).toBe(
      "eventId,caseNumber,caseType,fromAgency,toAgency,seq,type,fromState,toState,occurredOn,recordedAt,actorKind,actorName,backdateReason",
    );
  });
});

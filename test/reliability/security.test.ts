// Security properties of the running service: password hashing, tokens, throttling, the status
// lookup's answers and timing, security headers, size limits, and an append-only event log.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { SignJWT, UnsecuredJWT } from "jose";
import {
  ADMIN,
  client,
  createStaff,
  execSql,
  root,
  setUpAgencies,
  startService,
  tempDir,
  type TestServer,
} from "../support/server.ts";
import {
  expectProblem,
  makePeople,
  median,
  medicalCaseIn,
  openMedical,
  openStore,
  rawRequest,
  type Api,
} from "../support/reliability.ts";
import { startTracedService } from "../support/inprocess.ts";
import { expectToken, startWithAgencies, type Tokens } from "../support/fixtures.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";

// Real servers, real files, many requests: generous limits for a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const TOKEN_SECRET = "reliability-suite-secret-0123456789-abcdef";
const dirs: string[] = [];
let main: TestServer;
let api: Api;
let tokens: Tokens;
let store: ReturnType<typeof openStore>;
const people = makePeople(40, 11);

beforeAll(async () => {
  const dir = tempDir("tracker-sec-");
  dirs.push(dir);
  // Background jobs (deadline sweeper, webhook delivery) write on their own schedule; these tests
  // compare the database before and after requests, so they run without them.
  ({
    server: main,
    api,
    tokens,
  } = await startWithAgencies({ TOKEN_SECRET, TOKEN_TTL_MINUTES: "30", JOBS: "off" }, { dir, checkAnswers: true }));
  store = openStore(main.databaseUrl);
});

afterAll(async () => {
  store?.close();
  await main?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function userId(username: string): Promise<number> {
  const users = (await api.call("GET", "/api/admin/users", { token: tokens.admin })).body.items;
  return users.find((u: any) => u.username === username).id;
}

const key = (secret: string) => new TextEncoder().encode(secret);

describe("passwords", () => {
  it("are stored only as salted argon2id hashes with at least OWASP's parameters", async () => {
    // Two accounts with the same password (setUpAgencies gives every clerk the same one).
    const rows = store.db.prepare('SELECT username, passwordHash FROM "User"').all() as {
      username: string;
      passwordHash: string;
    }[];
    expect(rows.map((r) => r.username).sort()).toEqual(["fz-clerk", "root-admin", "sz-clerk", "xm-clerk"]);
    for (const { passwordHash } of rows) {
      const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]{16,}\$[A-Za-z0-9+/]{32,}$/.exec(
        passwordHash,
      );
      expect(m, passwordHash).not.toBeNull();
      const [memKiB, passes] = [Number(m![1]), Number(m![2])];
      // OWASP Password Storage Cheat Sheet: m ≥ 19 MiB with t ≥ 2 (or more passes with less memory)
      expect(memKiB * passes).toBeGreaterThanOrEqual(19_456 * 2);
      expect(memKiB).toBeGreaterThanOrEqual(7_168);
      expect(passwordHash).not.toContain("staff-password-123");
    }
    const clerks = rows.filter((r) => r.username.endsWith("-clerk")).map((r) => r.passwordHash);
    expect(new Set(clerks).size).toBe(clerks.length);
  });
});

describe("tokens", () => {
  it("carry the configured lifetime", async () => {
    const r = await api.call("POST", "/api/auth/login", {
      body: { username: "fz-clerk", password: "staff-password-123" },
    });
    expect(r.status).toBe(200);
    const claims = expectToken(r.body.token, { userId: await userId("fz-clerk"), role: "staff", ttlMinutes: 30 });
    expect(Math.abs(Date.parse(r.body.expiresAt) / 1000 - claims.exp!)).toBeLessThanOrEqual(1);
  });

  it("are refused when expired, signed with another key or algorithm, unsigned, without expiry, or for an unknown user", async () => {
    const id = await userId("fz-clerk");
    const now = Math.floor(Date.now() / 1000);
    const sign = (
      claims: Record<string, unknown>,
      opts: { secret?: string; alg?: string; exp?: number | null; sub?: string; jti?: string | null } = {},
    ) => {
      // a token of the service carries its user's token version ("ver") and an id ("jti")
      let jwt = new SignJWT({ ver: 0, ...claims })
        .setProtectedHeader({ alg: opts.alg ?? "HS256" })
        .setSubject(opts.sub ?? String(id))
        .setIssuedAt(now - 10);
      if (opts.jti !== null) jwt = jwt.setJti(opts.jti ?? randomUUID());
      if (opts.exp !== null) jwt = jwt.setExpirationTime(opts.exp ?? now + 600);
      return jwt.sign(key(opts.secret ?? TOKEN_SECRET));
    };
    // The forging works: a well-formed token with the service's secret is accepted.
    const good = await sign({ role: "staff" });
    expect((await api.call("GET", "/api/me", { token: good })).status).toBe(200);

    const bad: Record<string, string> = {
      "expired a second ago": await sign({ role: "staff" }, { exp: now - 1 }),
      "expired an hour ago": await sign({ role: "staff" }, { exp: now - 3600 }),
      "another secret": await sign({ role: "staff" }, { secret: "an-entirely-different-secret-of-40-chars!!" }),
      "HS512 with the right secret": await sign({ role: "staff" }, { alg: "HS512" }),
      "no expiry": await sign({ role: "staff" }, { exp: null }),
      "unknown user": await sign({ role: "staff" }, { sub: "999999" }),
      "non-numeric subject": await sign({ role: "staff" }, { sub: "fz-clerk" }),
      "no token id": await sign({ role: "staff" }, { jti: null }),
      "no token version": await sign({ role: "staff", ver: undefined }),
      "an earlier token version": await sign({ role: "staff", ver: -1 }),
      "a lifetime beyond TOKEN_TTL_MINUTES": await sign({ role: "staff" }, { exp: now + 481 * 60 }),
      'alg "none"': new UnsecuredJWT({ role: "admin" })
        .setSubject(String(id))
        .setIssuedAt()
        .setExpirationTime(now + 600)
        .encode(),
      "tampered payload": (() => {
        const [h, , s] = good.split(".");
        const p = Buffer.from(JSON.stringify({ role: "admin", sub: "1", iat: now, exp: now + 600 })).toString(
          "base64url",
        );
        return `${h}.${p}.${s}`;
      })(),
      garbage: "not-a-token",
    };
    for (const [what, token] of Object.entries(bad)) {
      for (const [method, p] of [
        ["GET", "/api/me"],
        ["GET", "/api/cases"],
        ["GET", "/api/admin/users"],
      ] as const) {
        const r = await api.call(method, p, { token });
        expect(r.status, `${what}: ${method} ${p}`).toBe(401);
        expectProblem(r);
      }
    }
    for (const header of ["Basic Zno6YmFy", `Bearer`, `Bearer ${good} extra`, `Token ${good}`]) {
      const r = await api.call("GET", "/api/me", { headers: { authorization: header } });
      expect(r.status, header).toBe(401);
    }
  });

  it("take the role from the database, not from the token", async () => {
    const id = await userId("fz-clerk");
    const claimsAdmin = await new SignJWT({ role: "admin", ver: 0 })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(String(id))
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(key(TOKEN_SECRET));
    const r = await api.call("GET", "/api/admin/users", { token: claimsAdmin });
    expect(r.status).toBe(403);
    expect((await api.call("GET", "/api/me", { token: claimsAdmin })).body.role).toBe("staff");
  });

  it("stop working as soon as the user is disabled, on every endpoint, and login is refused", async () => {
    await createStaff(api, tokens.admin, { username: "fz-temp", password: "temporary-pass-123", agencyCode: "FZ" });
    const t = await api.login("fz-temp", "temporary-pass-123");
    const c = await openMedical(api, t, people[0]);
    expect((await api.call("GET", `/api/cases/${c.id}`, { token: t })).status).toBe(200);

    expect(
      (await api.call("PATCH", "/api/admin/users/fz-temp", { token: tokens.admin, body: { disabled: true } })).status,
    ).toBe(200);
    const before = store.fingerprint();
    for (const [method, p, body] of [
      ["GET", "/api/me"],
      ["GET", `/api/cases/${c.id}`],
      ["GET", "/api/cases"],
      ["POST", `/api/cases/${c.id}/events`, { type: "WITHDRAW", reason: "left the agency" }],
      ["POST", "/api/cases", { type: "medicalTransfer", insured: people[1], fromAgency: "FZ", toAgency: "XM" }],
    ] as const) {
      const r = await api.call(method, p, { token: t, body });
      expect(r.status, `${method} ${p}`).toBe(401);
      expectProblem(r);
    }
    const login = await api.call("POST", "/api/auth/login", {
      body: { username: "fz-temp", password: "temporary-pass-123" },
    });
    expect(login.status).toBe(401);
    expect(store.fingerprint()).toBe(before);
    // An administrator cannot lock themselves out.
    const self = await api.call("PATCH", `/api/admin/users/${ADMIN.username}`, {
      token: tokens.admin,
      body: { disabled: true },
    });
    expect(self.status).toBe(409);
  });
});

describe("throttling", () => {
  let proxied: TestServer; // behind a trusted proxy: X-Forwarded-For names the client
  let direct: TestServer; // no proxy trusted: X-Forwarded-For is ignored

  beforeAll(async () => {
    const [d1, d2] = [tempDir("tracker-sec-"), tempDir("tracker-sec-")];
    dirs.push(d1, d2);
    [proxied, direct] = await Promise.all([
      startService({
        dir: d1,
        env: { LOGIN_RATE_LIMIT_PER_MINUTE: "5", STATUS_RATE_LIMIT_PER_MINUTE: "5", TRUST_PROXY: "true" },
      }),
      startService({ dir: d2, env: { LOGIN_RATE_LIMIT_PER_MINUTE: "3", STATUS_RATE_LIMIT_PER_MINUTE: "3" } }),
    ]);
    // One successful admin login each (successful logins do not count against the limit).
    await setUpAgencies(client(proxied.url, { checkAnswers: true }));
    await setUpAgencies(client(direct.url, { checkAnswers: true }));
  });

  afterAll(async () => {
    await Promise.all([proxied?.stop(), direct?.stop()]);
  });

  const login = (s: TestServer, ip: string | undefined, username: string, password = "wrong-password") =>
    client(s.url, { checkAnswers: true }).call("POST", "/api/auth/login", {
      body: { username, password },
      headers: ip ? { "x-forwarded-for": ip } : {},
    });

  it("refuses the 6th failed login of one client for one account with 429, even with the right password", async () => {
    for (let i = 1; i <= 5; i++) expect((await login(proxied, "10.0.0.1", "fz-clerk")).status).toBe(401);
    const r = await login(proxied, "10.0.0.1", "fz-clerk", "staff-password-123");
    expect(r.status).toBe(429);
    expectProblem(r);
    expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(r.headers.get("ratelimit-policy")).toBeTruthy();
  });

  it("limits one client trying many accounts", async () => {
    for (let i = 1; i <= 5; i++) expect((await login(proxied, "10.0.1.1", `guess-${i}`)).status).toBe(401);
    const r = await login(proxied, "10.0.1.1", "guess-6");
    expect(r.status).toBe(429);
    expectProblem(r);
  });

  it("limits many clients trying one account: the addresses that failed for it are refused, the owner's is not", async () => {
    for (let i = 1; i <= 5; i++) expect((await login(proxied, `10.0.2.${i}`, "xm-clerk")).status).toBe(401);
    const r = await login(proxied, "10.0.2.1", "xm-clerk");
    expect(r.status).toBe(429);
    expectProblem(r);
    // a new address gets one try for the account, then it is refused as well
    expect((await login(proxied, "10.0.2.99", "xm-clerk")).status).toBe(401);
    expect((await login(proxied, "10.0.2.99", "xm-clerk", "staff-password-123")).status).toBe(429);
    expect((await login(proxied, "10.0.2.200", "xm-clerk", "staff-password-123")).status).toBe(200);
  });

  it("does not count successful logins, and leaves other clients and accounts alone", async () => {
    for (let i = 1; i <= 8; i++)
      expect((await login(proxied, "10.0.3.1", "sz-clerk", "staff-password-123")).status).toBe(200);
    expect((await login(proxied, "10.0.4.1", ADMIN.username, ADMIN.password)).status).toBe(200);
  });

  it("throttles status lookups per client", async () => {
    const api2 = client(proxied.url, { checkAnswers: true });
    const body = { caseNumber: "MT2026-ZZZZZZZZ", idNumber: people[2].idNumber };
    for (let i = 1; i <= 5; i++) {
      expect(
        (await api2.call("POST", "/api/status", { body, headers: { "x-forwarded-for": "10.0.5.1" } })).status,
      ).toBe(404);
    }
    const r = await api2.call("POST", "/api/status", { body, headers: { "x-forwarded-for": "10.0.5.1" } });
    expect(r.status).toBe(429);
    expectProblem(r);
    expect((await api2.call("POST", "/api/status", { body, headers: { "x-forwarded-for": "10.0.5.2" } })).status).toBe(
      404,
    );
  });

  it("cannot be bypassed with a forged X-Forwarded-For when no proxy is trusted", async () => {
    for (let i = 1; i <= 3; i++) expect((await login(direct, `192.0.2.${i}`, `someone-${i}`)).status).toBe(401);
    const r = await login(direct, "192.0.2.200", "someone-else");
    expect(r.status).toBe(429);
    const s = client(direct.url, { checkAnswers: true });
    const body = { caseNumber: "MT2026-ZZZZZZZZ", idNumber: people[3].idNumber };
    for (let i = 1; i <= 3; i++)
      expect(
        (await s.call("POST", "/api/status", { body, headers: { "x-forwarded-for": `198.51.100.${i}` } })).status,
      ).toBe(404);
    const st = await s.call("POST", "/api/status", { body, headers: { "x-forwarded-for": "198.51.100.200" } });
    expect(st.status).toBe(429);
    expectProblem(st);
  });
});

describe("status lookup", () => {
  it("answers a wrong ID number exactly like an unknown case number, in the same time", async () => {
    const insured = people[4];
    const c = await medicalCaseIn(api, tokens, "applicationFiled", insured);
    // A long history (315 events): reading it for a wrong ID number would take several times what
    // an unknown case number takes. The ID check comes first, so neither reads an event.
    await execSql(
      main.databaseUrl,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 312)
       INSERT INTO "CaseEvent" ("caseId", "seq", "type", "payload", "fromState", "toState", "actorKind", "recordedAt", "occurredOn")
       SELECT '${c.id}', 100 + i, 'REISSUE_CERTIFICATE', '{}', 'applicationFiled', 'applicationFiled', 'system', 1764547200000, '2026-06-01' FROM n`,
    );
    const right = await api.call("POST", "/api/status", {
      body: { caseNumber: c.caseNumber, idNumber: insured.idNumber },
    });
    // the status answer collapses identical entries in a row (docs/limits.md): they still count
    const shown = (right.body.timeline as { count?: number }[]).reduce((n, e) => n + (e.count ?? 1), 0);
    expect(shown + (right.body.timelineOmitted ?? 0)).toBe(315);
    const wrongId = makeTestIdNumber("110105", "19491231", "002");
    const existing = { caseNumber: c.caseNumber, idNumber: wrongId };
    const unknown = { caseNumber: "MT2026-ZZZZZZZZ", idNumber: wrongId };
    const strip = (b: any) => ({ ...b, instance: undefined });
    const a = await api.call("POST", "/api/status", { body: existing });
    const b = await api.call("POST", "/api/status", { body: unknown });
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(strip(a.body)).toEqual(strip(b.body));
    expect(
      [...a.headers.keys()].filter((k) => k !== "x-request-id" && k !== "date" && !k.startsWith("ratelimit")).sort(),
    ).toEqual(
      [...b.headers.keys()].filter((k) => k !== "x-request-id" && k !== "date" && !k.startsWith("ratelimit")).sort(),
    );

    // Timing, interleaved so that both kinds see the same noise; medians of many lookups.
    const times = { existing: [] as number[], unknown: [] as number[] };
    const once = async (kind: "existing" | "unknown") => {
      const t0 = performance.now();
      const r = await api.call("POST", "/api/status", { body: kind === "existing" ? existing : unknown });
      const dt = performance.now() - t0;
      expect(r.status).toBe(404);
      return dt;
    };
    for (let i = 0; i < 40; i++) await once(i % 2 ? "existing" : "unknown"); // warm-up
    for (let i = 0; i < 300; i++) {
      const order: ("existing" | "unknown")[] = i % 2 ? ["existing", "unknown"] : ["unknown", "existing"];
      for (const k of order) times[k].push(await once(k));
    }
    const [me, mu] = [median(times.existing), median(times.unknown)];
    const diff = Math.abs(me - mu);
    // Generous bounds: a real difference in work (a password hash, extra queries on one path) is
    // far larger; loopback HTTP noise on a shared 2-core machine is not. The exact check is below.
    expect(
      diff < 1.5 || diff / Math.min(me, mu) < 0.35,
      `median existing ${me.toFixed(3)} ms, unknown ${mu.toFixed(3)} ms`,
    ).toBe(true);
  });

  it("runs the same SQL for an existing case with a wrong ID number as for an unknown case number", async () => {
    const dir = tempDir("tracker-sec-");
    dirs.push(dir);
    const traced = await startTracedService(dir);
    try {
      const t = client(traced.url, { checkAnswers: true });
      const tk = await setUpAgencies(t);
      const insured = people[5];
      const c = await openMedical(t, tk.out, insured);
      const other = await openMedical(t, tk.out, people[6]);
      const wrongId = makeTestIdNumber("110105", "19491231", "002");
      const lookup = (caseNumber: string, idNumber: string) =>
        traced.trace(() => t.call("POST", "/api/status", { body: { caseNumber, idNumber } }));
      const existingWrong = await lookup(c.caseNumber, wrongId);
      const existingOthersId = await lookup(c.caseNumber, people[6].idNumber);
      const unknownCase = await lookup("MT2026-ZZZZZZZZ", wrongId);
      const unknownWithRealId = await lookup("MT2026-ZZZZZZZZ", insured.idNumber);
      expect(existingWrong.length).toBeGreaterThan(0);
      expect(existingWrong).toEqual(unknownCase);
      expect(existingOthersId).toEqual(unknownCase);
      expect(unknownWithRealId).toEqual(unknownCase);
      // A match runs the same statement too: the ID number's blind index is part of its WHERE,
      // so the events are read (joined) only for the case whose number and ID number both match.
      const match = await lookup(other.caseNumber, people[6].idNumber);
      expect(match).toEqual(unknownCase);
      expect(unknownCase.filter((sql) => /FROM "Case" c\b/.test(sql) && /JOIN "CaseEvent" e\b/.test(sql))).toHaveLength(
        1,
      );
      expect(
        unknownCase.filter((sql) => /WHERE c\."caseNumber" IN \(\?\)\s+AND c\."insuredIdIndex" IN \(\?\)/.test(sql)),
      ).toHaveLength(1);
    } finally {
      await traced.close();
    }
  });
});

describe("HTTP hygiene", () => {
  it("sends security headers on every kind of answer, and no X-Powered-By", async () => {
    const c = await openMedical(api, tokens.out, people[7]);
    const answers = [
      await api.call("GET", "/healthz"),
      await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out }),
      await api.call("GET", "/api/cases"),
      await api.call("GET", "/api/nowhere"),
      await api.call("POST", "/api/status", { body: { caseNumber: "MT2026-ZZZZZZZZ", idNumber: people[7].idNumber } }),
      await api.call("GET", "/docs/"),
    ];
    for (const r of answers) {
      const h = r.headers;
      const csp = h.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(h.get("x-content-type-options")).toBe("nosniff");
      expect(h.get("strict-transport-security")).toMatch(/max-age=(\d+)/);
      expect(Number(/max-age=(\d+)/.exec(h.get("strict-transport-security")!)![1])).toBeGreaterThanOrEqual(15_552_000);
      expect(h.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(h.get("referrer-policy")).toBe("no-referrer");
      expect(h.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(h.get("x-powered-by")).toBeNull();
      expect(h.get("x-request-id")).toBeTruthy();
    }
  });

  it("limits body and header sizes with problem answers, and stores nothing", async () => {
    const c = await openMedical(api, tokens.out, people[8]);
    const before = store.fingerprint();
    const events = `/api/cases/${c.id}/events`;
    const auth: [string, string][] = [["Authorization", `Bearer ${tokens.out}`]];
    // A JSON body just over 64 KiB, and one of 1 MiB.
    for (const size of [64 * 1024 + 1, 1024 * 1024]) {
      const body = JSON.stringify({ type: "WITHDRAW", reason: "x".repeat(size) });
      const r = await rawRequest(main.url, {
        method: "POST",
        target: events,
        headers: [...auth, ["Content-Type", "application/json"]],
        body,
      });
      expect(r.status, `${size} bytes`).toBe(413);
      expectProblem(r);
    }
    // Under the limit the body is read and validated (here: reason too long).
    const under = await rawRequest(main.url, {
      method: "POST",
      target: events,
      headers: [...auth, ["Content-Type", "application/json"]],
      body: JSON.stringify({ type: "WITHDRAW", reason: "x".repeat(60 * 1024) }),
    });
    expect(under.status).toBe(422);
    // A large body of another type is not read at all.
    const text = await rawRequest(main.url, {
      method: "POST",
      target: events,
      headers: [...auth, ["Content-Type", "text/plain"]],
      body: "y".repeat(2 * 1024 * 1024),
    });
    expect(text.status).toBe(422); // no JSON body: the event's fields are missing
    expectProblem(text);
    // Headers and request line over Node's 16 KiB limit: 431 with problem details.
    for (const r of [
      await rawRequest(main.url, {
        method: "GET",
        target: "/api/me",
        headers: [...auth, ["X-Filler", "z".repeat(20_000)]],
      }),
      await rawRequest(main.url, { method: "GET", target: `/api/cases?q=${"9".repeat(20_000)}`, headers: auth }),
      await rawRequest(main.url, {
        method: "POST",
        target: events,
        headers: [...auth, ["Idempotency-Key", "k".repeat(17_000)], ["Content-Type", "application/json"]],
        body: "{}",
      }),
    ]) {
      expect(r.status).toBe(431);
      expectProblem(r);
    }
    expect(store.fingerprint()).toBe(before);
  });

  it("answers requests that are not valid HTTP with problem details", async () => {
    for (const headers of [[["Bad Header Name", "x"]], [["X-Ctl", "a\u0001b"]]] as [string, string][][]) {
      const r = await rawRequest(main.url, { method: "GET", target: "/healthz", headers });
      expect(r.status).toBe(400);
      expectProblem(r);
    }
    const r = await rawRequest(main.url, { method: "G(ET", target: "/healthz" });
    expect(r.status).toBe(400);
    expectProblem(r);
  });
});

describe("the event log is append-only", () => {
  it("documents no operation that edits or deletes cases or events", async () => {
    const doc = (await api.call("GET", "/api/openapi.json")).body;
    for (const [p, ops] of Object.entries<any>(doc.paths)) {
      const methods = Object.keys(ops);
      // Who holds a case (PUT .../assignee) is not part of the case's log: each change is a new
      // row of the append-only CaseAssignment history, and the case's state and events stay as they are.
      if (p.startsWith("/api/cases") && p !== "/api/cases/{id}/assignee")
        expect(
          methods.every((m) => m === "get" || m === "post"),
          `${p}: ${methods}`,
        ).toBe(true);
      if (/event/i.test(p))
        expect(
          methods.filter((m) => ["put", "patch", "delete"].includes(m)),
          p,
        ).toEqual([]);
    }
  });

  it("refuses PUT, PATCH and DELETE on cases and events, for staff and administrators, changing nothing", async () => {
    const c = await medicalCaseIn(api, tokens, "applicationFiled", people[9]);
    const before = store.fingerprint();
    const paths = [
      "/api/cases",
      `/api/cases/${c.id}`,
      `/api/cases/${c.id}/events`,
      `/api/cases/${c.id}/events/1`,
      `/api/cases/${c.id}/events/2`,
    ];
    for (const token of [tokens.out, tokens.in, tokens.admin]) {
      for (const p of paths) {
        for (const method of ["PUT", "PATCH", "DELETE"]) {
          const r = await api.call(method, p, { token, body: { state: "transferred", type: "ACCEPT", payload: {} } });
          expect([404, 405], `${method} ${p}`).toContain(r.status);
          expectProblem(r);
        }
      }
      const r = await api.call("POST", `/api/cases/${c.id}/events/2`, { token, body: { type: "ACCEPT" } });
      expect(r.status).toBe(404);
    }
    expect(store.fingerprint()).toBe(before);
  });

  it("has no code that updates or deletes events", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== "generated") walk(p);
        } else if (e.name.endsWith(".ts")) {
          const src = fs.readFileSync(p, "utf8");
          for (const re of [
            /caseEvent\s*\.\s*(update|updateMany|upsert|delete|deleteMany)\b/,
            /\b(UPDATE|DELETE\s+FROM)\s+"?CaseEvent"?/i,
          ]) {
            if (re.test(src)) offenders.push(`${path.relative(root, p)}: ${re.exec(src)![0]}`);
          }
        }
      }
    };
    walk(path.join(root, "src"));
    expect(offenders).toEqual([]);
  });
});

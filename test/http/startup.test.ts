// First start, configuration errors and seed data, as a new user meets them.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { client, root, startService, tempDir, runVerify } from "../support/server.ts";

function startWith(env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `file:${path.join(tempDir(), "t.db")}`, PORT: "0", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("first start", () => {
  it("creates an administrator with a generated password, printed once", async () => {
    const dir = tempDir();
    let s = await startService({ dir, env: { ADMIN_USERNAME: "", ADMIN_PASSWORD: "" } });
    const m = /username: (\S+)\n\s+password: (\S+)/.exec(s.output());
    expect(m).not.toBeNull();
    const [, username, password] = m!;
    expect(username).toBe("admin");
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/); // 15 random bytes, base64url
    await s.stop();

    s = await startService({ dir, env: { ADMIN_USERNAME: "", ADMIN_PASSWORD: "" } });
    expect(s.output()).not.toContain("password:");
    const api = client(s.url, { checkAnswers: true });
    const token = await api.login(username, password);
    expect((await api.call("GET", "/api/me", { token })).body).toMatchObject({ username: "admin", role: "admin" });
    expect((await api.call("POST", "/api/auth/login", { body: { username, password: "wrong-password" } })).status).toBe(
      401,
    );
    await s.stop();
  });
});

describe("configuration", () => {
  it.each([
    [{ PORT: "abc" }, "PORT must be a whole number"],
    [{ PORT: "70000" }, "PORT must be at most 65535"],
    [{ ADMIN_USERNAME: "boss", ADMIN_PASSWORD: "" }, "ADMIN_USERNAME and ADMIN_PASSWORD must be set together"],
    [{ ADMIN_USERNAME: "boss", ADMIN_PASSWORD: "short" }, "ADMIN_PASSWORD must be at least 12 characters"],
    [{ DATABASE_URL: "mysql://localhost/x" }, "DATABASE_URL must be"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ TOKEN_SECRET: "too-short" }, "TOKEN_SECRET must be at least 32 characters"],
    [{ HEAP_GROWING_PERCENT: "-5" }, "HEAP_GROWING_PERCENT must be a whole number"],
    [{ HEAP_GROWING_PERCENT: "5000" }, "HEAP_GROWING_PERCENT must be at most 1000"],
  ])("refuses %j with a clear message", (env, message) => {
    const r = startWith(env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Invalid configuration");
    expect(r.stderr).toContain(message);
  });
});

describe("seed:demo", () => {
  it("creates demo agencies, staff and cases through the engine, and the log replays clean", () => {
    const databaseUrl = `file:${path.join(tempDir(), "demo.db")}`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/seed-demo.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, ADMIN_USERNAME: "", ADMIN_PASSWORD: "" },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/staff fz-clerk \(FZ-YB\) password: \S{16,}/);
    expect(r.stdout.match(/MT\d{4}-[0-9A-Z]{8}/g)).toHaveLength(4);
    return runVerify(databaseUrl).then((v) => {
      expect(v.stdout).toContain("8 cases replayed, 0 mismatched");
      expect(v.code).toBe(0);
    });
  });
});

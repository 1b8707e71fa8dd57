// The clerk's notes and attachments are personal data: never in the logs (a run at LOG_LEVEL=debug,
// refused uploads and bad notes included), never readable in the database file, its WAL or a
// backup (encrypted with the data key), and a backup carries them (docs/clerk-tools.md).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { client, setUpAgencies, startService, tempDir, type TestServer } from "../support/server.ts";
import { makePeople, openMedical, runCli, type Api } from "../support/reliability.ts";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let server: TestServer;
let api: Api;
let tokens: Awaited<ReturnType<typeof setUpAgencies>>;
let dir: string;
let caseId: string;

const noteText = "申请人欧阳秀英电话一三九零零零零八八八八，下周补交户口本";
const fileName = "欧阳秀英-身份证正面.pdf";
/** a marker inside the file's bytes: found in the database only if the bytes are stored in clear */
const marker = "SCAN-OF-ID-CARD-OUYANG-XIUYING-4471";
const pdf = Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);

const upload = (token: string, fields: Record<string, string>, bytes: Buffer, name: string) =>
  api.upload(`/api/cases/${caseId}/attachments`, { token, fields, file: { bytes, name, type: "application/pdf" } });

beforeAll(async () => {
  dir = tempDir("tracker-clerk-privacy-");
  server = await startService({ dir, env: { LOG_LEVEL: "debug", JOBS: "off", ATTACHMENT_MAX_BYTES: "4096" } });
  api = client(server.url);
  tokens = await setUpAgencies(api);
  caseId = (await openMedical(api, tokens.out, makePeople(1, 901)[0])).id;
});

afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dir, { recursive: true, force: true });
});

describe("notes and attachments are kept out of logs and stored encrypted", () => {
  it("run: notes, uploads, refusals and downloads", async () => {
    expect(
      (await api.call("POST", `/api/cases/${caseId}/notes`, { token: tokens.out, body: { text: noteText } })).status,
    ).toBe(201);
    // refused notes: too long, a control character, an outsider
    expect(
      (await api.call("POST", `/api/cases/${caseId}/notes`, { token: tokens.out, body: { text: noteText.repeat(80) } }))
        .status,
    ).toBe(422);
    expect(
      (await api.call("POST", `/api/cases/${caseId}/notes`, { token: tokens.out, body: { text: `${noteText}\u0000` } }))
        .status,
    ).toBe(422);
    expect(
      (await api.call("POST", `/api/cases/${caseId}/notes`, { token: tokens.other, body: { text: noteText } })).status,
    ).toBe(403);
    const ok = await upload(tokens.in, { kind: "idCard" }, pdf, fileName);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect((await upload(tokens.in, { kind: "idCard" }, Buffer.from(`<html>${marker}</html>`), fileName)).status).toBe(
      415,
    );
    expect(
      (await upload(tokens.in, { kind: "idCard" }, Buffer.concat([pdf, Buffer.alloc(8000)]), fileName)).status,
    ).toBe(413);
    expect((await upload(tokens.in, { kind: fileName }, pdf, fileName)).status).toBe(422);
    expect((await upload(tokens.other, { kind: "idCard" }, pdf, fileName)).status).toBe(403);
    const list = await api.call("GET", `/api/cases/${caseId}/attachments`, { token: tokens.out });
    expect(list.body.items[0].fileName).toBe(fileName);
    const dl = await fetch(`${server.url}/api/cases/${caseId}/attachments/${ok.body.id}`, {
      headers: { authorization: `Bearer ${tokens.out}` },
    });
    expect(dl.headers.get("content-disposition")).toContain("attachment");
    expect(Buffer.from(await dl.arrayBuffer()).equals(pdf)).toBe(true);
    expect((await api.call("GET", `/api/cases/${caseId}/notes`, { token: tokens.in })).body.items[0].text).toBe(
      noteText,
    );
  });

  it("no note text, file name or file content in any log line", () => {
    const out = server.output();
    expect(out.length).toBeGreaterThan(1000);
    for (const needle of [noteText, noteText.slice(0, 6), fileName, "身份证正面", marker, encodeURIComponent(fileName)])
      expect(out.includes(needle), needle).toBe(false);
  });

  it("nothing readable in the database file, its WAL or a backup; the backup holds the rows", async () => {
    const file = path.join(dir, "tracker.db");
    const backup = path.join(dir, "backups", "b.db");
    const b = await runCli("backup", ["--out", backup], { DATABASE_URL: server.databaseUrl });
    expect(b.code, b.stderr).toBe(0);
    for (const f of [file, `${file}-wal`, backup].filter((f) => fs.existsSync(f))) {
      const bytes = fs.readFileSync(f);
      for (const needle of [noteText, fileName, marker])
        expect(bytes.includes(Buffer.from(needle)), `${needle} in ${f}`).toBe(false);
    }
    const db = new Database(backup, { readonly: true });
    try {
      const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
      expect(n("CaseNote")).toBe(1);
      expect(n("CaseAttachment")).toBe(1);
    } finally {
      db.close();
    }
  });

  it("npm run rekey moves notes and attachments to the new key", async () => {
    await server.stop();
    const newKey = path.join(dir, "keys", "data-2.key");
    const r = await runCli("rekey", ["--new-key-file", newKey], { DATABASE_URL: server.databaseUrl });
    expect(r.code, r.stderr).toBe(0);
    server = await startService({ dir, env: { JOBS: "off", DATA_KEY_FILE: newKey } });
    api = client(server.url);
    const out = await api.login("fz-clerk", "staff-password-123");
    expect((await api.call("GET", `/api/cases/${caseId}/notes`, { token: out })).body.items[0].text).toBe(noteText);
    const list = await api.call("GET", `/api/cases/${caseId}/attachments`, { token: out });
    expect(list.body.items[0].fileName).toBe(fileName);
    const dl = await fetch(`${server.url}/api/cases/${caseId}/attachments/${list.body.items[0].id}`, {
      headers: { authorization: `Bearer ${out}` },
    });
    expect(Buffer.from(await dl.arrayBuffer()).equals(pdf)).toBe(true);
  });
});

// Importing contribution records over HTTP: POST /api/contributions/import with CSV (UTF-8 and
// GB18030) and XLSX files, dry runs, the same file twice, bad rows by number and field with nothing
// written, the limits, a larger file as a job polled at GET /api/contribution-imports/{id}, the
// templates, and the imported months on the case's contributions.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import ExcelJS from "exceljs";
import { openCase, startWithAgencies, type Api, type Tokens } from "../support/fixtures.ts";
import { makePeople } from "../support/reliability.ts";
import type { TestServer } from "../support/server.ts";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let server: TestServer;
let api: Api;
let tokens: Tokens;
const people = makePeople(40, 77);

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies(
    {
      CONTRIBUTION_IMPORT_MAX_BYTES: "40000",
      CONTRIBUTION_IMPORT_MAX_ROWS: "60",
      CONTRIBUTION_IMPORT_SYNC_MAX_ROWS: "10",
      JOBS: "off",
    },
    { checkAnswers: true },
  ));
});

afterAll(async () => {
  await server?.stop();
});

const HEADER = "idNumber,insurance,month,base,employer,individual,accountCredit,status,payer,employerCreditCode,reason";
const CREDIT = "91350100MA3K00002E";
/** A month row: seed 000's 5,600.00 at 10 %, 560.00 a month. */
const line = (idNumber: string, month: string, o: { credit?: string; reason?: string } = {}) =>
  [
    idNumber,
    "medical",
    month,
    "5600.00",
    "448.00",
    "112.00",
    o.credit ?? "168.00",
    "paid",
    "employer",
    CREDIT,
    o.reason ?? "",
  ].join(",");

const upload = (token: string, bytes: Buffer | string, opts: { dryRun?: boolean; name?: string; type?: string } = {}) =>
  api.upload(`/api/contributions/import${opts.dryRun ? "?dryRun=true" : ""}`, {
    token,
    file: { bytes, name: opts.name ?? "contributions.csv", type: opts.type ?? "text/csv" },
  });

async function poll(token: string, id: string) {
  for (let i = 0; i < 200; i++) {
    const r = await api.call("GET", `/api/contribution-imports/${id}`, { token });
    expect(r.status).toBe(200);
    if (r.body.status !== "running") return r.body;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error("the job did not end");
}

describe("POST /api/contributions/import", () => {
  it("checks by a dry run, writes, adds nothing the second time; the case shows the months", async () => {
    const p = people[0]!;
    const c = await openCase(api, tokens.out, { insured: p });
    const csv = [HEADER, line(p.idNumber, "2025-01"), line(p.idNumber, "2025-02"), ""].join("\r\n");

    const dry = await upload(tokens.out, csv, { dryRun: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ id: null, dryRun: true, added: 2, refused: 0, people: 1, written: false });
    const empty = await api.call("GET", `/api/cases/${c.id}/contributions`, { token: tokens.out });
    expect(empty.body.items).toEqual([]);

    const real = await upload(tokens.out, csv);
    expect(real.status).toBe(200);
    expect(real.body).toMatchObject({ dryRun: false, status: "done", phase: "done", added: 2, written: true });
    expect(JSON.stringify(real.body)).not.toContain(p.idNumber);
    const record = await api.call("GET", `/api/cases/${c.id}/contributions`, { token: tokens.out });
    expect(record.body.items.map((i: any) => [i.month, i.employerFen + i.individualFen, i.source])).toEqual([
      ["2025-02", 56_000, "import"],
      ["2025-01", 56_000, "import"],
    ]);
    expect(record.body.totals[0].derived.contributionMonths.actual).toBe(2);

    const again = await upload(tokens.out, csv);
    expect(again.body).toMatchObject({ added: 0, corrected: 0, unchanged: 2, written: true });
    expect((await api.call("GET", `/api/cases/${c.id}/contributions`, { token: tokens.out })).body.items).toHaveLength(
      2,
    );

    // a correction with its reason: the case marks the row it supersedes
    const fixed = [HEADER, line(p.idNumber, "2025-02", { credit: "200.00", reason: "划账比例有误" })].join("\n");
    expect((await upload(tokens.out, fixed)).body).toMatchObject({ corrected: 1, written: true });
    const after = await api.call("GET", `/api/cases/${c.id}/contributions`, { token: tokens.out });
    expect(after.body.items.map((i: any) => [i.month, i.source, i.reason, i.superseded])).toEqual([
      ["2025-02", "correction", "划账比例有误", false],
      ["2025-02", "import", null, true],
      ["2025-01", "import", null, false],
    ]);
  });

  it("writes each month once when the same file is uploaded twice at the same time", async () => {
    const p = people[5]!;
    const c = await openCase(api, tokens.out, { insured: p });
    const csv = [HEADER, ...["2024-01", "2024-02", "2024-03", "2024-04"].map((m) => line(p.idNumber, m))].join("\n");
    const [a, b] = await Promise.all([upload(tokens.out, csv), upload(tokens.out, csv)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.written, b.body.written]).toEqual([true, true]);
    expect(a.body.added + b.body.added).toBe(4);
    expect(a.body.unchanged + b.body.unchanged).toBe(4);
    const record = await api.call("GET", `/api/cases/${c.id}/contributions`, { token: tokens.out });
    expect(record.body.items).toHaveLength(4);
  });

  it("names every bad row by number and field and writes nothing", async () => {
    const p = people[1]!;
    const csv = [
      HEADER,
      line(p.idNumber, "2025-01"),
      line(p.idNumber, "2025-13"),
      line(p.idNumber, "2099-01"),
      line(p.idNumber, "2025-02").replace("5600.00", "-5600.00"),
      line(p.idNumber, "2025-01"),
    ].join("\n");
    const r = await upload(tokens.out, csv);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "done", refused: 4, written: false });
    expect(r.body.rows.map((x: any) => [x.row, x.errors.map((e: any) => e.path)])).toEqual([
      [3, ["month"]],
      [4, ["month"]],
      [5, ["base"]],
      [6, ["month"]],
    ]);
    expect(JSON.stringify(r.body)).not.toContain(p.idNumber);
    // the good row was not written either
    const again = await upload(tokens.out, [HEADER, line(p.idNumber, "2025-01")].join("\n"), { dryRun: true });
    expect(again.body).toMatchObject({ added: 1, unchanged: 0 });
  });

  it("reads a CSV saved by Excel on Chinese Windows (GB18030) with the Chinese headers", async () => {
    // 公民身份号码,险种,费款所属期,缴费基数,单位缴费,个人缴费,划入个人账户,缴费状态,缴费类型,统一社会信用代码
    const header = Buffer.from(
      "b9abc3f1c9edb7ddbac5c2eb2ccfd5d6d62cb7d1bfeecbf9caf4c6da2cbdc9b7d1bbf9cafd2cb5a5cebbbdc9b7d12cb8f6c8cbbdc9b7d12cbbaec8ebb8f6c8cbd5cbbba72cbdc9b7d1d7b4ccac2cbdc9b7d1c0e0d0cd2ccdb3d2bbc9e7bbe1d0c5d3c3b4fac2eb",
      "hex",
    );
    expect(new TextDecoder("gb18030").decode(header)).toBe(
      "公民身份号码,险种,费款所属期,缴费基数,单位缴费,个人缴费,划入个人账户,缴费状态,缴费类型,统一社会信用代码",
    );
    const [医疗, 已缴, 单位] = ["d2bdc1c6", "d2d1bdc9", "b5a5cebb"].map((h) => Buffer.from(h, "hex"));
    const p = people[2]!;
    const row = (m: string) =>
      Buffer.concat([
        Buffer.from(`\r\n${p.idNumber},`),
        医疗!,
        Buffer.from(`,${m},"5,600.00",448.00,112.00,168.00,`),
        已缴!,
        Buffer.from(","),
        单位!,
        Buffer.from(`,${CREDIT}`),
      ]);
    const bytes = Buffer.concat([header, row("202503"), row("202504")]);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const r = await upload(tokens.out, bytes, { dryRun: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ format: "csv", added: 2, refused: 0 });
  });

  it("reads an XLSX workbook (numbers in number cells too)", async () => {
    const p = people[3]!;
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("contributions");
    sheet.addRow(HEADER.split(","));
    sheet.addRow([p.idNumber, "pension", "2025-01", 5600, 0.1 + 0.2, 112, 0, "paid", "employer", CREDIT]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await upload(tokens.out, bytes, { name: "c.xlsx", type: "application/octet-stream" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ format: "xlsx", added: 1, refused: 0, written: true });
  });

  it("runs a larger file as a job, polled by its agency's staff only", async () => {
    const rows = people.slice(10, 30).map((p) => line(p.idNumber, "2025-06"));
    const r = await upload(tokens.out, [HEADER, ...rows].join("\n"));
    expect(r.status).toBe(202);
    expect(r.headers.get("location")).toBe(`/api/contribution-imports/${r.body.id}`);
    expect(r.body).toMatchObject({ status: "running", total: 20 });
    const done = await poll(tokens.out, r.body.id);
    expect(done).toMatchObject({ status: "done", phase: "done", processed: 20, added: 20, people: 20, written: true });
    expect((await api.call("GET", `/api/contribution-imports/${r.body.id}`, { token: tokens.in })).status).toBe(404);
    expect((await api.call("GET", `/api/contribution-imports/${r.body.id}`, { token: tokens.admin })).status).toBe(403);

    // a large dry run is a job too, and writes nothing
    const dry = await upload(tokens.in, [HEADER, ...rows].join("\n"), { dryRun: true });
    expect(dry.status).toBe(202);
    expect(await poll(tokens.in, dry.body.id)).toMatchObject({ dryRun: true, added: 20, written: false });
  });

  it("refuses what is not a contributions file, too large a file, a row for another agency, and non-staff", async () => {
    const p = people[4]!;
    expect((await upload(tokens.out, Buffer.from([0, 1, 2, 3, 0xff, 0xfe]))).status).toBe(415);
    const noColumns = await upload(tokens.out, "a,b\n1,2\n");
    expect(noColumns.status).toBe(422);
    expect(noColumns.body.errors[0].path).toBe("file");
    const tooMany = [HEADER, ...Array.from({ length: 61 }, () => line(p.idNumber, "2025-01"))].join("\n");
    expect((await upload(tokens.out, tooMany)).status).toBe(413);
    expect((await upload(tokens.out, "x".repeat(50_000))).status).toBe(413);
    const other = await upload(tokens.out, [`${HEADER},agency`, `${line(p.idNumber, "2025-01")},XM`].join("\n"));
    expect(other.body.rows).toEqual([{ row: 2, errors: [{ path: "agency", message: expect.any(String) }] }]);
    expect((await upload(tokens.admin, [HEADER, line(p.idNumber, "2025-01")].join("\n"))).status).toBe(403);
    expect((await api.upload("/api/contributions/import", { file: { bytes: HEADER, name: "c.csv" } })).status).toBe(
      401,
    );
  });

  it("offers the templates as CSV and XLSX", async () => {
    const get = (format: string) =>
      fetch(`${server.url}/api/contributions/import/template.${format}`, {
        headers: { authorization: `Bearer ${tokens.out}` },
      });
    const csv = await get("csv");
    expect(csv.status).toBe(200);
    const text = Buffer.from(await csv.arrayBuffer()).toString("utf8");
    expect(text.startsWith("\uFEFF公民身份号码(idNumber),险种(insurance),费款所属期(month)")).toBe(true);
    const xlsx = await get("xlsx");
    expect(xlsx.status).toBe(200);
    const workbook = await xlsx.arrayBuffer();
    const bytes = Buffer.from(workbook);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(workbook);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["contributions", "说明 help"]);
    // both templates are read back as files without rows
    for (const [file, name] of [
      [bytes, "t.xlsx"],
      [text, "t.csv"],
    ] as const)
      expect((await upload(tokens.out, file, { dryRun: true, name })).body).toMatchObject({ total: 0, refused: 0 });
  });
});

// Batch filing over HTTP: POST /api/cases/import with CSV and XLSX files, dry runs, idempotent
// re-uploads, row errors by number, the size and type limits, the job for larger files, the templates.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import ExcelJS from "exceljs";
import { startWithAgencies, type Api, type Tokens } from "../support/fixtures.ts";
import { makePeople } from "../support/reliability.ts";
import type { TestServer } from "../support/server.ts";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let server: TestServer;
let api: Api;
let tokens: Tokens;
const people = makePeople(60, 41);

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies(
    { IMPORT_MAX_BYTES: "20000", IMPORT_MAX_ROWS: "50", IMPORT_SYNC_MAX_ROWS: "8", JOBS: "off" },
    { checkAnswers: true },
  ));
});

afterAll(async () => {
  await server?.stop();
});

const HEADER = "type,name,idNumber,employerName,employerCreditCode,fromAgency,toAgency,scheme";
const line = (p: { name: string; idNumber: string }, o: { from?: string; to?: string; type?: string } = {}) =>
  [
    o.type ?? "medicalTransfer",
    p.name,
    p.idNumber,
    "福州某某有限公司",
    "91350100M000100Y43",
    o.from ?? "FZ",
    o.to ?? "XM",
    "employee",
  ].join(",");

/** Uploads a file to the batch filing (cases.csv, text/csv unless told); the answer is checked (checkAnswers). */
const upload = (token: string, bytes: Buffer | string, opts: { dryRun?: boolean; type?: string; name?: string } = {}) =>
  api.upload(`/api/cases/import${opts.dryRun ? "?dryRun=true" : ""}`, {
    token,
    file: { bytes, name: opts.name ?? "cases.csv", type: opts.type ?? "text/csv" },
  });

const caseCount = async () => {
  const r = await api.call("GET", "/api/cases?limit=200", { token: tokens.out });
  return r.body.items.length as number;
};

describe("POST /api/cases/import (CSV)", () => {
  it("a dry run answers per row and writes nothing; the real run opens; the same file again opens nothing", async () => {
    const spaced = { ...people[2], idNumber: people[2].idNumber.replace(/^(\d{6})(\d{8})/, "$1 $2 ") };
    const csv = [HEADER, line(people[0]), line(people[1]), line(spaced), ""].join("\r\n");
    const before = await caseCount();

    const dry = await upload(tokens.out, csv, { dryRun: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ id: null, dryRun: true, total: 3, opened: 0, refused: 0 });
    expect(dry.body.rows.map((r: { row: number; status: string }) => [r.row, r.status])).toEqual([
      [2, "valid"],
      [3, "valid"],
      [4, "valid"],
    ]);
    expect(await caseCount()).toBe(before);

    const real = await upload(tokens.out, csv);
    expect(real.status, JSON.stringify(real.body)).toBe(200);
    expect(real.body).toMatchObject({ dryRun: false, status: "done", total: 3, processed: 3, opened: 3, refused: 0 });
    expect(real.body.rows.every((r: { caseNumber?: string }) => /^MT\d{4}-/.test(r.caseNumber ?? ""))).toBe(true);
    expect(await caseCount()).toBe(before + 3);
    // nothing personal in the stored results
    expect(JSON.stringify(real.body)).not.toContain(people[0].idNumber);
    expect(JSON.stringify(real.body)).not.toContain(people[0].name);

    const again = await upload(tokens.out, csv);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ opened: 0, existing: 3, refused: 0 });
    expect(again.body.rows.map((r: { caseNumber: string }) => r.caseNumber)).toEqual(
      real.body.rows.map((r: { caseNumber: string }) => r.caseNumber),
    );
    // a dry run of it now says so too
    const dry2 = await upload(tokens.out, csv, { dryRun: true });
    expect(dry2.body.rows.map((r: { status: string }) => r.status)).toEqual(["existing", "existing", "existing"]);
    expect(await caseCount()).toBe(before + 3);

    // the case detail as staff of its agency: the person in full; the queue row masked
    const opened = await api.call("GET", `/api/cases?q=${real.body.rows[0].caseNumber}`, { token: tokens.out });
    expect(opened.body.items[0].insuredName).not.toBe(people[0].name);
    const detail = await api.call("GET", `/api/cases/${opened.body.items[0].id}`, { token: tokens.out });
    expect(detail.body.insured).toMatchObject({ name: people[0].name, idNumber: people[0].idNumber });
  });

  it("refuses rows that break a rule with their row numbers and opens the others", async () => {
    const badId = {
      name: "王五",
      idNumber: people[3].idNumber.slice(0, 17) + (people[3].idNumber.endsWith("0") ? "1" : "0"),
    };
    const csv = [
      HEADER,
      line(people[4]), // row 2: fine
      line(badId), // row 3: bad check character
      line(people[5], { to: "NOPE" }), // row 4: unknown agency
      line(people[4]), // row 5: the same row again
      line(people[6], { type: "unknownType" }), // row 6
      line(people[7], { from: "SZ", to: "XM" }), // row 7: not the uploader's agency
    ].join("\n");
    const dry = await upload(tokens.out, csv, { dryRun: true });
    const byRow = (body: { rows: { row: number; status: string; errors?: { path: string }[] }[] }) =>
      Object.fromEntries(body.rows.map((r) => [r.row, [r.status, r.errors?.map((e) => e.path).join(",") ?? ""]]));
    expect(byRow(dry.body)).toEqual({
      2: ["valid", ""],
      3: ["refused", "idNumber"],
      4: ["refused", "toAgency"],
      5: ["refused", "idNumber"],
      6: ["refused", "type"],
      7: ["refused", "fromAgency"],
    });
    const real = await upload(tokens.out, csv);
    expect(real.status).toBe(200);
    expect(real.body).toMatchObject({ opened: 1, refused: 5 });
    const realRows = byRow(real.body);
    expect(realRows[2]).toEqual(["opened", ""]);
    expect(realRows[3]).toEqual(["refused", "idNumber"]);
    expect(realRows[4]).toEqual(["refused", "toAgency"]);
    expect(realRows[7][0]).toBe("refused");
  });

  it("runs a larger file as a job with progress", async () => {
    const rows = people.slice(10, 22).map((p) => line(p));
    const r = await upload(tokens.out, [HEADER, ...rows].join("\n"));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.headers.get("location")).toBe(`/api/case-imports/${r.body.id}`);
    expect(r.body).toMatchObject({ status: "running", total: 12 });
    let job = r.body;
    for (let i = 0; i < 200 && job.status === "running"; i++) {
      await new Promise((ok) => setTimeout(ok, 100));
      job = (await api.call("GET", `/api/case-imports/${r.body.id}`, { token: tokens.out })).body;
      expect(job.processed).toBeLessThanOrEqual(job.total);
    }
    expect(job).toMatchObject({ status: "done", processed: 12, opened: 12, refused: 0 });
    // staff of another agency do not see the job
    expect((await api.call("GET", `/api/case-imports/${r.body.id}`, { token: tokens.in })).status).toBe(404);
  });

  it("refuses a file too big (413), too many rows (413), not CSV or XLSX (415), without a header (422)", async () => {
    const big = HEADER + "\n" + (line(people[30]) + "\n").repeat(400);
    expect((await upload(tokens.out, big)).status).toBe(413);
    const many = [HEADER, ...people.slice(0, 51).map((p) => line(p))].join("\n");
    expect(Buffer.byteLength(many)).toBeLessThan(20000);
    expect((await upload(tokens.out, many)).status).toBe(413);
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const r = await upload(tokens.out, png, { type: "text/csv", name: "cases.csv" });
    expect(r.status).toBe(415);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    const noHeader = await upload(tokens.out, line(people[31]));
    expect(noHeader.status).toBe(422);
    // JSON instead of a multipart upload
    const json = await api.call("POST", "/api/cases/import", { token: tokens.out, body: { file: "x" } });
    expect(json.status).toBe(415);
    // administrators do not file cases
    expect((await upload(tokens.admin, [HEADER, line(people[32])].join("\n"))).status).toBe(403);
  });
});

describe("POST /api/cases/import (XLSX) and the templates", () => {
  it("reads the XLSX template filled in, with Chinese headers and a text ID column", async () => {
    const t = await fetch(`${server.url}/api/cases/import/template.xlsx`, {
      headers: { authorization: `Bearer ${tokens.in}` },
    });
    expect(t.status).toBe(200);
    expect(t.headers.get("content-disposition")).toContain("attachment");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await t.arrayBuffer());
    const sheet = wb.worksheets[0];
    expect(sheet.getRow(1).getCell(3).value).toBe("公民身份号码(idNumber)");
    sheet.addRow(["medicalTransfer", people[40].name, people[40].idNumber, "", "", "FZ", "XM", ""]);
    sheet.addRow(["基本医疗保险关系转移接续", people[41].name, people[41].idNumber, "", "", "FZ", "XM", ""]);
    sheet.addRow(["renewal", people[42].name, people[42].idNumber, "", "", "XM", "", "", "2026-13-01"]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await upload(tokens.in, bytes, { type: "application/octet-stream", name: "whatever.bin" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.format).toBe("xlsx");
    expect(r.body.rows.map((x: { row: number; status: string }) => [x.row, x.status])).toEqual([
      [2, "opened"],
      [3, "opened"],
      [4, "refused"],
    ]);
    expect(r.body.rows[2].errors[0].path).toBe("occurredOn");

    const csv = await fetch(`${server.url}/api/cases/import/template.csv`, {
      headers: { authorization: `Bearer ${tokens.in}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(await csv.text()).toContain("业务类型(type),姓名(name),公民身份号码(idNumber)");
    expect((await fetch(`${server.url}/api/cases/import/template.csv`)).status).toBe(401);
  });
});

// Importing contribution records (docs/contributions.md, "Importing"): POST /api/contributions/import
// (multipart, a CSV in UTF-8 or GB18030, or an XLSX workbook), its job (GET
// /api/contribution-imports/{id}) and the template files. Staff only: the records are their agency's.
import { createHash } from "node:crypto";
import { z } from "zod";
import { CONTRIBUTION_PAYERS, CONTRIBUTION_STATUSES } from "../../domain/contributions.ts";
import {
  CONTRIBUTION_COLUMNS,
  CONTRIBUTION_HEADERS,
  contributionFile,
  MAX_REASON,
} from "../../domain/contributionFile.ts";
import { readTable } from "../../domain/importFile.ts";
import { contributionImportSummary, importContributions, LISTED_ROWS } from "../../engine/contributionImport.ts";
import { problems } from "../../problems.ts";
import { csvCell } from "../csv.ts";
import type { ApiDeps } from "../deps.ts";
import { fileProblem, receiveFile, XLSX_TYPE } from "./caseImport.ts";

const count = z.number().int().min(0);

export const contributionImportSchema = z
  .object({
    id: z.uuid().nullable().meta({ description: "the job (null for a small dry run, which stores nothing)" }),
    dryRun: z.boolean(),
    status: z.enum(["running", "done", "failed"]),
    phase: z.enum(["checking", "comparing", "writing", "done"]).meta({
      description:
        "checking: each row on its own; comparing: with the records; writing: the people, then the records in one transaction",
    }),
    format: z.enum(["csv", "xlsx"]),
    fileSha256: z.string(),
    total: count.meta({ description: "data rows in the file" }),
    processed: count.meta({ description: "how far the current phase is, in rows of the file (of total)" }),
    added: count.meta({ description: "rows that add a month or an opening balance (a dry run: would add)" }),
    corrected: count.meta({ description: "rows that correct a month or a balance, with their reason" }),
    unchanged: count.meta({ description: "rows the record holds already with the same figures" }),
    refused: count.meta({ description: "bad rows: when there is one, nothing is written" }),
    people: count.meta({ description: "the records (person and insurance) the file names" }),
    written: z.boolean().meta({ description: "the records were written: a real run, done, no row refused" }),
    rows: z
      .array(
        z.object({
          row: z.number().int().min(2).meta({ description: "the row's number in the file (the header is row 1)" }),
          errors: z.array(z.object({ path: z.string(), message: z.string() })),
        }),
      )
      .meta({ description: `the refused rows, in file order (the first ${LISTED_ROWS})` }),
    failure: z.string().nullable().meta({ description: "why a job failed (nothing was written)" }),
    createdAt: z.iso.datetime().nullable(),
  })
  .meta({
    id: "ContributionImport",
    description: "An import of contribution records: its progress, counts and refused rows (nothing personal)",
  });

const importQuery = z
  .object({
    dryRun: z
      .enum(["true", "false"])
      .default("false")
      .meta({ description: "true: check every row against the records and answer what would happen, writing nothing" }),
  })
  .strict();

export function contributionTemplateCsv(): string {
  return "\uFEFF" + CONTRIBUTION_COLUMNS.map((c) => csvCell(CONTRIBUTION_HEADERS[c])).join(",") + "\r\n";
}

const H = CONTRIBUTION_HEADERS;
const HELP: [string, string][] = [
  [H.idNumber, "18 位，末位可为 X / 18 characters, spaces are ignored"],
  [H.insurance, "medical = 医疗, pension = 养老"],
  [H.month, "YYYY-MM（或 YYYYMM），不晚于本月 / not after this month"],
  [H.base, "元，最多两位小数，例如 5600.00 / yuan, at most 2 decimals"],
  [H.employer, "元，例如 448.00 / yuan"],
  [H.individual, "元，例如 112.00 / yuan"],
  [H.accountCredit, "元：划入个人账户的金额 / yuan credited to the personal account"],
  [H.status, CONTRIBUTION_STATUSES.join(", ") + " = 已缴, 欠缴, 补缴, 视同缴费"],
  [H.payer, CONTRIBUTION_PAYERS.join(", ") + " = 单位, 灵活就业"],
  [H.employerCreditCode, "单位缴费时必填 / required when the employer pays"],
  [H.reason, `更正已有月份时必填，不超过 ${MAX_REASON} 字 / required to correct a month, ≤ ${MAX_REASON} characters`],
  [H.openingBalance, "结转行：只填身份号码、险种、余额和结转年月 / an opening-balance row: no month figures"],
  [H.asOfMonth, "YYYY-MM：余额为该月末的余额 / the balance at the end of this month"],
  [H.agency, "可不填；填写时须为本机构代码 / optional; if given, your agency's code"],
];

export async function contributionTemplateXlsx(): Promise<Buffer> {
  // loaded on first use (src/domain/importFile.ts says why)
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("contributions");
  // text cells: an ID number or a month typed as a number would be changed by Excel
  sheet.columns = CONTRIBUTION_COLUMNS.map((c) => ({ header: H[c], key: c, width: 22, style: { numFmt: "@" } }));
  const help = wb.addWorksheet("说明 help");
  help.columns = [{ width: 36 }, { width: 90 }];
  help.addRows([
    ["列 column", "说明 what to write"],
    ...HELP,
    ["", "每行一个月；只读取第一个工作表；第 1 行为表头 / one row a month; the first sheet only; row 1 is the header"],
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function templateRoute({ add }: ApiDeps, format: "csv" | "xlsx") {
  add({
    method: "get",
    path: `/api/contributions/import/template.${format}`,
    operationId: format === "csv" ? "getContributionImportTemplateCsv" : "getContributionImportTemplateXlsx",
    summary: `The contribution-records import template as ${format.toUpperCase()}`,
    tags: ["contributions"],
    access: "staff",
    responses: {
      200: {
        description:
          format === "csv" ? "The header row (UTF-8 with BOM)" : "The header row (text cells) and a help sheet",
        content:
          format === "csv"
            ? { "text/csv": { schema: z.string() } }
            : { [XLSX_TYPE]: { schema: z.string().meta({ format: "binary" }) } },
      },
    },
    handler: async ({ res }) => {
      const name = `contribution-import-template.${format}`;
      if (format === "csv") res.type("text/csv; charset=utf-8").attachment(name).send(contributionTemplateCsv());
      else
        res
          .type(XLSX_TYPE)
          .attachment(name)
          .send(await contributionTemplateXlsx());
      return undefined;
    },
  });
}

function importRoute({ ctx, config, add }: ApiDeps) {
  const receive = receiveFile(config.CONTRIBUTION_IMPORT_MAX_BYTES, "CONTRIBUTION_IMPORT_MAX_BYTES");
  add({
    method: "post",
    path: "/api/contributions/import",
    operationId: "importContributions",
    summary: "Import contribution records (one row a month, or an opening balance) of your agency (dryRun=true: check)",
    tags: ["contributions"],
    access: "staff",
    query: importQuery,
    docContent: {
      "multipart/form-data": {
        schema: z.object({
          file: z
            .string()
            .meta({ format: "binary", description: "CSV (UTF-8 or GB18030) or XLSX, judged by its content" }),
        }),
      },
    },
    responses: {
      200: {
        description: `Done: a file of at most CONTRIBUTION_IMPORT_SYNC_MAX_ROWS (${config.CONTRIBUTION_IMPORT_SYNC_MAX_ROWS}) rows`,
        schema: contributionImportSchema,
      },
      202: {
        description: "A larger file: the job runs; poll GET /api/contribution-imports/{id}",
        schema: contributionImportSchema,
        headers: z.object({ Location: z.string().meta({ description: "/api/contribution-imports/{id}" }) }),
      },
    },
    errors: [413, 415],
    handler: async ({ query, actor, req, res }) => {
      const upload = await receive(req, res);
      const read = await readTable(upload.buffer, config.CONTRIBUTION_IMPORT_MAX_ROWS, contributionFile).catch(
        (e: unknown) => {
          throw fileProblem(e);
        },
      );
      const file = { sha256: createHash("sha256").update(upload.buffer).digest("hex"), format: read.format };
      const options = { dryRun: query.dryRun === "true", syncMaxRows: config.CONTRIBUTION_IMPORT_SYNC_MAX_ROWS };
      const { summary, running } = await importContributions(ctx, actor!, file, read.rows, options);
      if (running) res.status(202).location(`/api/contribution-imports/${summary.id}`);
      return summary;
    },
  });
}

function getImportRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/contribution-imports/:id",
    operationId: "getContributionImport",
    summary: "An import of contribution records: its progress and outcome (staff of the agency that uploaded it)",
    tags: ["contributions"],
    access: "staff",
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: "The job", schema: contributionImportSchema } },
    errors: [404],
    handler: async ({ params, actor }) => {
      const s = await contributionImportSummary(ctx, actor!, params.id);
      if (!s) throw problems.notFound("The import");
      return s;
    },
  });
}

export function contributionImportRoutes(deps: ApiDeps) {
  for (const format of ["csv", "xlsx"] as const) templateRoute(deps, format);
  importRoute(deps);
  getImportRoute(deps);
}

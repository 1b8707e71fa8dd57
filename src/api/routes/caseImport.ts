// Batch filing (docs/import.md): POST /api/cases/import (multipart, a CSV or XLSX file), its job
// (GET /api/case-imports/{id}) and the template files. Staff only.
import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import multer from "multer";
import { z } from "zod";
import { caseTypeInfo, caseTypes } from "../../../machines/index.ts";
import {
  IMPORT_COLUMNS,
  IMPORT_HEADERS,
  ImportFileError,
  readImportFile,
  type ImportFormat,
} from "../../domain/importFile.ts";
import { fileImport, importSummary } from "../../engine/caseImport.ts";
import { Problem, problems } from "../../problems.ts";
import { csvCell } from "../csv.ts";
import type { ApiDeps } from "../deps.ts";

const rowResultSchema = z.object({
  row: z.number().int().min(2).meta({ description: "the row's number in the file (the header is row 1)" }),
  status: z.enum(["valid", "opened", "existing", "refused"]).meta({
    description:
      "valid: a dry run would open it; opened: opened now; existing: an earlier upload opened it; refused: see errors",
  }),
  caseNumber: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const importSummarySchema = z
  .object({
    id: z.uuid().nullable().meta({ description: "the job (null for a dry run, which stores nothing)" }),
    dryRun: z.boolean(),
    status: z.enum(["running", "done", "failed"]),
    format: z.enum(["csv", "xlsx"]),
    fileSha256: z.string(),
    total: z.number().int().min(0).meta({ description: "data rows in the file" }),
    processed: z.number().int().min(0),
    opened: z.number().int().min(0),
    existing: z.number().int().min(0),
    refused: z.number().int().min(0),
    rows: z.array(rowResultSchema).meta({ description: "per row, in file order, for the rows processed so far" }),
    createdAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "CaseImport", description: "A batch filing: its progress and per-row results (nothing personal)" });

const importQuery = z
  .object({
    dryRun: z
      .enum(["true", "false"])
      .default("false")
      .meta({ description: "true: check every row and answer what would happen, writing nothing" }),
  })
  .strict();

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * The upload, read into memory by multer (one file, at most maxBytes; an error is a problem that
 * names the `setting` that sets the limit).
 */
export function receiveFile(maxBytes: number, setting = "IMPORT_MAX_BYTES") {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 4, parts: 5, fieldSize: 1024 },
  }).single("file");
  return (req: Request, res: Response) =>
    new Promise<Express.Multer.File>((resolve, reject) => {
      if (!req.is("multipart/form-data")) {
        reject(
          new Problem(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            "Send multipart/form-data with a file field named file.",
          ),
        );
        return;
      }
      const declared = Number(req.get("content-length") ?? 0);
      if (declared > maxBytes + 64 * 1024) {
        reject(tooLarge(maxBytes, setting));
        return;
      }
      upload(req, res, (e?: unknown) => {
        if (e instanceof multer.MulterError) {
          if (e.code === "LIMIT_FILE_SIZE") reject(tooLarge(maxBytes, setting));
          else
            reject(
              problems.invalid([{ path: "file", message: `the upload is not one file field named file (${e.code})` }]),
            );
        } else if (e) reject(problems.badRequest("The multipart body could not be read."));
        else if (!req.file)
          reject(problems.invalid([{ path: "file", message: "a file field named file is required" }]));
        else resolve(req.file);
      });
    });
}

const tooLarge = (maxBytes: number, setting: string) =>
  new Problem(413, "too-large", "Payload too large", `The file exceeds ${maxBytes} bytes (${setting}).`);

/** A file that cannot be read (ImportFileError) as the problem to answer; anything else as it is. */
export function fileProblem(e: unknown): unknown {
  if (!(e instanceof ImportFileError)) return e;
  if (e.status === 422) return problems.invalid([{ path: "file", message: e.message }]);
  return new Problem(
    e.status,
    e.status === 413 ? "too-large" : "unsupported-media-type",
    e.status === 413 ? "Payload too large" : "Unsupported media type",
    e.message,
  );
}

export function templateCsv(): string {
  return "\uFEFF" + IMPORT_COLUMNS.map((c) => csvCell(IMPORT_HEADERS[c])).join(",") + "\r\n";
}

export async function templateXlsx(): Promise<Buffer> {
  // loaded on first use (src/domain/importFile.ts says why)
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("cases");
  sheet.columns = IMPORT_COLUMNS.map((c) => ({
    header: IMPORT_HEADERS[c],
    key: c,
    width: 24,
    // text cells: an 18-digit ID number typed as a number would lose its last digits
    style: { numFmt: "@" },
  }));
  const help = wb.addWorksheet("说明 help");
  help.columns = [{ width: 36 }, { width: 90 }];
  help.addRows([
    ["列 column", "说明 what to write"],
    [IMPORT_HEADERS.type, caseTypes.map((t) => `${t} = ${caseTypeInfo(t).label.zh}`).join("; ")],
    [IMPORT_HEADERS.idNumber, "18 位，末位可为 X；空格可有可无 / 18 characters, spaces are ignored"],
    [IMPORT_HEADERS.fromAgency, "经办机构代码 / the agency code"],
    [IMPORT_HEADERS.toAgency, "转移接续必填；断缴续保留空 / required for transfers, empty for renewals"],
    [IMPORT_HEADERS.occurredOn, "YYYY-MM-DD，留空为今天 / empty for today"],
    ["", "只读取第一个工作表；第 1 行为表头 / only the first sheet is read; row 1 is the header"],
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function templateRoute({ add }: ApiDeps, format: "csv" | "xlsx") {
  add({
    method: "get",
    path: `/api/cases/import/template.${format}`,
    operationId: format === "csv" ? "getCaseImportTemplateCsv" : "getCaseImportTemplateXlsx",
    summary: `The batch-filing template as ${format.toUpperCase()}`,
    tags: ["cases"],
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
      if (format === "csv") {
        res.type("text/csv; charset=utf-8").attachment("case-import-template.csv").send(templateCsv());
      } else {
        res
          .type(XLSX_TYPE)
          .attachment("case-import-template.xlsx")
          .send(await templateXlsx());
      }
      return undefined;
    },
  });
}

/** The upload's rows and the SHA-256 of its bytes (a file that cannot be read is a problem). */
async function readUpload(file: Express.Multer.File, maxRows: number) {
  let format: ImportFormat;
  let rows;
  try {
    ({ format, rows } = await readImportFile(file.buffer, maxRows));
  } catch (e) {
    throw fileProblem(e);
  }
  const sha256 = createHash("sha256").update(file.buffer).digest("hex");
  return { file: { sha256, format }, rows };
}

function importRoute({ ctx, config, add }: ApiDeps) {
  const receive = receiveFile(config.IMPORT_MAX_BYTES);
  add({
    method: "post",
    path: "/api/cases/import",
    operationId: "importCases",
    summary: "Batch filing: open one case per row of a CSV or XLSX file (dryRun=true: check only)",
    tags: ["cases"],
    access: "staff",
    query: importQuery,
    docContent: {
      "multipart/form-data": {
        schema: z.object({
          file: z.string().meta({ format: "binary", description: "CSV (UTF-8) or XLSX, judged by its content" }),
        }),
      },
    },
    responses: {
      200: {
        description: `Done: a dry run, or a file of at most IMPORT_SYNC_MAX_ROWS (${config.IMPORT_SYNC_MAX_ROWS}) rows`,
        schema: importSummarySchema,
      },
      202: {
        description: "A larger file: the job runs; poll GET /api/case-imports/{id}",
        schema: importSummarySchema,
        headers: z.object({ Location: z.string().meta({ description: "/api/case-imports/{id}" }) }),
      },
    },
    errors: [413, 415],
    handler: async ({ query, actor, req, res }) => {
      const { file, rows } = await readUpload(await receive(req, res), config.IMPORT_MAX_ROWS);
      const options = { dryRun: query.dryRun === "true", syncMaxRows: config.IMPORT_SYNC_MAX_ROWS };
      const { summary, running } = await fileImport(ctx, actor!, file, rows, options);
      if (running) res.status(202).location(`/api/case-imports/${summary.id}`);
      return summary;
    },
  });
}

function getImportRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/case-imports/:id",
    operationId: "getCaseImport",
    summary: "A batch filing's progress and per-row results (staff of the agency that uploaded it)",
    tags: ["cases"],
    access: "staff",
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: "The job", schema: importSummarySchema } },
    errors: [404],
    handler: async ({ params, actor }) => {
      const s = await importSummary(ctx, actor!, params.id);
      if (!s) throw problems.notFound("The import");
      return s;
    },
  });
}

export function caseImportRoutes(deps: ApiDeps) {
  for (const format of ["csv", "xlsx"] as const) templateRoute(deps, format);
  importRoute(deps);
  getImportRoute(deps);
}

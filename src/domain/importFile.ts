// Reading a batch-filing file (docs/import.md): a CSV (csv-parse) or an XLSX workbook (exceljs,
// its streaming reader, so a workbook with too many rows is given up early) into rows of text
// cells keyed by column. No I/O beyond the bytes given, no clock.
import { creditCodeSchema } from "./creditCode.ts";
import { SCHEMES } from "./schemes.ts";
import { Readable } from "node:stream";
import { parse as parseCsv } from "csv-parse";
import type ExcelJS from "exceljs";
import { z } from "zod";
import { idNumberSchema } from "./idNumber.ts";
import { safeText } from "./text.ts";

/** The columns of a batch-filing file, in the template's order. */
export const IMPORT_COLUMNS = [
  "type",
  "name",
  "idNumber",
  "employerName",
  "employerCreditCode",
  "fromAgency",
  "toAgency",
  "scheme",
  "occurredOn",
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** The template's headers: the Chinese name an employer reads, with the column key in brackets. */
export const IMPORT_HEADERS: Record<ImportColumn, string> = {
  type: "业务类型(type)",
  name: "姓名(name)",
  idNumber: "公民身份号码(idNumber)",
  employerName: "用人单位名称(employerName)",
  employerCreditCode: "统一社会信用代码(employerCreditCode)",
  fromAgency: "转出地经办机构代码(fromAgency)",
  toAgency: "转入地经办机构代码(toAgency)",
  scheme: "险种(scheme)",
  occurredOn: "中止参保日期(occurredOn)",
};

/** Headers written without the bracketed key are recognised by these names too. */
const HEADER_ALIASES: Record<string, ImportColumn> = {
  业务类型: "type",
  类型: "type",
  姓名: "name",
  公民身份号码: "idNumber",
  身份证号: "idNumber",
  身份证号码: "idNumber",
  用人单位: "employerName",
  用人单位名称: "employerName",
  统一社会信用代码: "employerCreditCode",
  转出地经办机构代码: "fromAgency",
  转出地: "fromAgency",
  转入地经办机构代码: "toAgency",
  转入地: "toAgency",
  险种: "scheme",
  中止参保日期: "occurredOn",
  日期: "occurredOn",
};

export type ImportFormat = "csv" | "xlsx";

export class ImportFileError extends Error {
  constructor(
    readonly status: 413 | 415 | 422,
    message: string,
  ) {
    super(message);
  }
}

/** One data row of a batch-filing file. */
export type RawRow = TableRow<ImportColumn>;

/** The text of a CSV file: UTF-8 (a BOM allowed), else, when allowed, GB18030; undefined if neither. */
function csvText(bytes: Buffer, gb18030: boolean): string | undefined {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    if (!gb18030) return undefined;
    // Excel on Chinese Windows saves "CSV" in the ANSI code page, GBK, of which GB18030 is the superset
    try {
      text = new TextDecoder("gb18030", { fatal: true }).decode(bytes);
    } catch {
      return undefined;
    }
  }
  // no NUL or other binary control characters
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) return undefined;
  return text.trim().length > 0 ? text : undefined;
}

/**
 * The format the bytes are in, judged by their content, never by a name or a declared type.
 * `gb18030`: a CSV that is not UTF-8 may be GB18030 (GBK) text.
 */
export function sniffFormat(bytes: Buffer, opts: { gb18030?: boolean } = {}): ImportFormat | undefined {
  // An XLSX workbook is a ZIP archive (local file header PK\x03\x04).
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) return "xlsx";
  return csvText(bytes, opts.gb18030 ?? false) === undefined ? undefined : "csv";
}

function columnOf(header: string): ImportColumn | undefined {
  const h = header.replace(/^\uFEFF/, "").trim();
  const key = /[(（]\s*([A-Za-z]+)\s*[)）]/.exec(h)?.[1];
  const byKey = (k: string) => IMPORT_COLUMNS.find((c) => c.toLowerCase() === k.toLowerCase());
  if (key && byKey(key)) return byKey(key);
  return byKey(h) ?? HEADER_ALIASES[h.replace(/[*＊\s]/g, "")];
}

/** The columns of a kind of file: how a header names its column, and the columns that must be there. */
export interface TableShape<C extends string> {
  columnOf(header: string): C | undefined;
  required: readonly C[];
  /** the 422 message when a required column is missing */
  missing: string;
  /** a CSV that is not UTF-8 is read as GB18030 */
  gb18030?: boolean;
}

/** One data row of a file: its number as a spreadsheet shows it (the header is row 1) and its cells. */
export interface TableRow<C extends string> {
  row: number;
  cells: Partial<Record<C, string>>;
}

function toRows<C extends string>(
  shape: TableShape<C>,
  header: string[],
  records: { row: number; values: string[] }[],
): TableRow<C>[] {
  const columns = header.map((h) => shape.columnOf(h));
  if (!shape.required.every((c) => columns.includes(c))) throw new ImportFileError(422, shape.missing);
  const rows: TableRow<C>[] = [];
  for (const r of records) {
    const cells: TableRow<C>["cells"] = {};
    let any = false;
    columns.forEach((c, i) => {
      const v = (r.values[i] ?? "").trim();
      if (c && v !== "") {
        cells[c] = v;
        any = true;
      }
    });
    if (any) rows.push({ row: r.row, cells });
  }
  return rows;
}

const caseFile: TableShape<ImportColumn> = {
  columnOf,
  required: ["idNumber", "type"],
  missing: "The first row must name the columns (download the template): type and idNumber at least.",
};

/** The rows of a batch-filing file; throws ImportFileError (413 too many rows, 415 not CSV/XLSX, 422 unreadable). */
export async function readImportFile(
  bytes: Buffer,
  maxRows: number,
): Promise<{ format: ImportFormat; rows: RawRow[] }> {
  return readTable(bytes, maxRows, caseFile);
}

/** The rows of a CSV or XLSX file of the given shape; throws ImportFileError as readImportFile. */
export async function readTable<C extends string>(
  bytes: Buffer,
  maxRows: number,
  shape: TableShape<C>,
): Promise<{ format: ImportFormat; rows: TableRow<C>[] }> {
  const format = sniffFormat(bytes, { gb18030: shape.gb18030 ?? false });
  if (!format)
    throw new ImportFileError(
      415,
      `The file is neither a CSV file (${shape.gb18030 ? "UTF-8 or GB18030" : "UTF-8"} text) nor an XLSX workbook.`,
    );
  const tooMany = () => new ImportFileError(413, `The file has more than ${maxRows} rows; split it.`);
  if (format === "csv") {
    const records = await readCsv(csvText(bytes, shape.gb18030 ?? false)!, maxRows);
    if (records.length > maxRows + 1) throw tooMany();
    const [header = [], ...data] = records;
    return {
      format,
      rows: toRows(
        shape,
        header,
        data.map((values, i) => ({ row: i + 2, values })),
      ),
    };
  }
  const { header, records } = await readXlsx(bytes, maxRows, tooMany);
  return { format, rows: toRows(shape, header ?? [], records) };
}

/**
 * The records of a CSV text: parsed a slice at a time, the process answering other requests in
 * between (a 100,000-row file takes about a second to parse). At most maxRows + 2 records (the
 * header, the allowed rows, and one more to tell "too many").
 */
async function readCsv(text: string, maxRows: number): Promise<string[][]> {
  const records: string[][] = [];
  const parser = parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: false, cast: false });
  let failed: unknown;
  parser.on("readable", () => {
    for (let r: string[] | null; (r = parser.read() as string[] | null) !== null;) records.push(r);
  });
  parser.on("error", (e) => (failed ??= e));
  const done = new Promise((ok) => parser.on("end", ok).on("error", ok));
  const SLICE = 256 * 1024;
  for (let i = 0; i < text.length && failed === undefined && records.length <= maxRows + 1; i += SLICE) {
    parser.write(text.slice(i, i + SLICE));
    await new Promise((ok) => setImmediate(ok));
  }
  if (failed === undefined) {
    parser.end();
    await done;
  } else parser.destroy();
  if (failed !== undefined)
    throw new ImportFileError(
      422,
      `The CSV file cannot be read: ${(failed as { code?: string }).code ?? "malformed"}.`,
    );
  return records.slice(0, maxRows + 2);
}

async function readXlsx(bytes: Buffer, maxRows: number, tooMany: () => ImportFileError) {
  const records: { row: number; values: string[] }[] = [];
  let header: string[] | undefined;
  // exceljs (some 20 MB of memory) is loaded by the first XLSX import, not at start
  const { default: Excel } = await import("exceljs");
  try {
    const reader = new Excel.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
      sharedStrings: "cache",
      hyperlinks: "ignore",
      styles: "cache",
      worksheets: "emit",
    });
    sheets: for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values: string[] = [];
        row.eachCell({ includeEmpty: true }, (cell, col) => (values[col - 1] = cellText(cell)));
        if (!header) {
          header = values;
          continue;
        }
        if (row.number - 1 > maxRows) throw tooMany();
        records.push({ row: row.number, values });
      }
      break sheets; // the first worksheet only
    }
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    throw new ImportFileError(422, "The XLSX workbook cannot be read.");
  }
  return { header, records };
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  const scalar = (x: unknown): string =>
    x instanceof Date
      ? x.toISOString().slice(0, 10)
      : typeof x === "number"
        ? // as Excel shows it: 15 significant digits (a sum such as 0.1 + 0.2 is 0.3, not 0.30000000000000004)
          String(Number(x.toPrecision(15)))
        : typeof x === "string" || typeof x === "boolean"
          ? String(x)
          : "";
  if (v === null || v === undefined) return "";
  if (typeof v === "object" && !(v instanceof Date)) {
    if ("richText" in v) return v.richText.map((t) => t.text).join("");
    if ("result" in v) return scalar(v.result);
    if ("text" in v) return scalar(v.text);
    return "";
  }
  return scalar(v);
}

// ---------------------------------------------------------------------------
// One row, checked

/** The unified social credit code (GB 32100-2015), its check character verified; spaces forgiven. */
const creditCodeShape = z
  .string()
  .transform((s) => s.replace(/\s+/g, ""))
  .pipe(creditCodeSchema);

const chinaDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD");

/** A row's fields as openCase takes them (the case type is resolved by the caller against the machines). */
export const importRowSchema = z.object({
  type: z.string().min(1, "is required").max(64),
  name: safeText(100),
  // an ID number copied with spaces (or a full-width X) is forgiven
  idNumber: z
    .string()
    .transform((s) => s.replace(/[\s\u3000]+/g, "").replace(/Ｘ|ｘ/g, "X"))
    .pipe(idNumberSchema),
  employerName: safeText(200).optional(),
  employerCreditCode: creditCodeShape.optional(),
  fromAgency: z.string().trim().min(1, "is required").max(32),
  toAgency: z.string().trim().min(1).max(32).optional(),
  scheme: z.enum(SCHEMES).optional(),
  occurredOn: chinaDate.optional(),
});
export type ImportRow = z.output<typeof importRowSchema>;

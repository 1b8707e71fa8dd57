// Batch filing (docs/import.md): the rows of an uploaded file, checked and opened one by one through
// openCase, so every rule of opening a case holds for each row as for the form. A row that opened a
// case is remembered by the SHA-256 of its normalised content (CaseImportRow, and the idempotency
// record written in the case's own transaction), so the same row uploaded again opens nothing.
// Nothing personal is stored or logged: rows are named by their number.
import { createHash, randomUUID } from "node:crypto";
import { caseTypeInfo, caseTypes, type CaseType } from "../../machines/index.ts";
import { CalendarError } from "../calendar/index.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { importRowSchema, type ImportFormat, type ImportRow, type RawRow } from "../domain/importFile.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import { fieldErrorsOf, Problem, type FieldError } from "../problems.ts";
import type { Actor, EngineContext } from "./context.ts";
import { insuranceErrors } from "./agencies.ts";
import { findIdempotent, type IdempotentWrite } from "./idempotency.ts";
import { openCase, type OpenCaseInput } from "./openCase.ts";
import { insuranceFor } from "./parties.ts";

export type RowStatus = "valid" | "opened" | "existing" | "refused";

export interface RowResult {
  row: number;
  status: RowStatus;
  caseNumber?: string;
  errors?: FieldError[];
}

export interface ImportSummary {
  id: string | null;
  dryRun: boolean;
  status: "running" | "done" | "failed";
  format: ImportFormat;
  fileSha256: string;
  total: number;
  processed: number;
  opened: number;
  existing: number;
  refused: number;
  rows: RowResult[];
  createdAt: string | null;
}

const IDEM_SCOPE = "case-import";

/** A row checked on its own and against the other rows of the file: what openCase will be given. */
interface Checked {
  row: number;
  key?: string;
  input?: OpenCaseInput;
  errors?: FieldError[];
}

/** The case type a cell names: its key (its name in the registry) or its label in either language. */
function caseTypeOf(cell: string): CaseType | undefined {
  const s = cell.trim().toLowerCase();
  return caseTypes.find((t) => {
    const { label } = caseTypeInfo(t);
    return t.toLowerCase() === s || label.zh === cell.trim() || label.en.toLowerCase() === s;
  });
}

function rowKey(ctx: EngineContext, t: CaseType, r: ImportRow, toAgency: string): string {
  // The ID number enters as its keyed blind index (docs/personal-data.md), never as itself.
  const parts = [
    t,
    dataKeyOf(ctx.db).idIndex(r.idNumber),
    r.fromAgency,
    toAgency,
    r.scheme ?? "",
    r.employerCreditCode ?? "",
    r.occurredOn ?? "",
  ];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/** Each row on its own (fields, case type), then duplicates within the file. */
export function checkRows(ctx: EngineContext, rows: RawRow[]): Checked[] {
  const seen = new Map<string, number>(); // case type + ID index -> first row
  const keys = new Map<string, number>();
  return rows.map(({ row, cells }) => {
    const parsed = importRowSchema.safeParse(cells);
    if (!parsed.success) {
      return {
        row,
        errors: fieldErrorsOf(parsed.error.issues, { whole: "(row)" }),
      };
    }
    const r = parsed.data;
    const type = caseTypeOf(r.type);
    if (!type) return { row, errors: [{ path: "type", message: `must be one of ${caseTypes.join(", ")}` }] };
    const toAgency = r.toAgency ?? r.fromAgency;
    const person = `${type}\u0000${dataKeyOf(ctx.db).idIndex(r.idNumber)}`;
    const key = rowKey(ctx, type, r, toAgency);
    const same = keys.get(key) ?? seen.get(person);
    if (same !== undefined) {
      return { row, errors: [{ path: "idNumber", message: `the same person and case type as row ${same}` }] };
    }
    seen.set(person, row);
    keys.set(key, row);
    return {
      row,
      key,
      input: {
        type,
        insured: { name: r.name, idNumber: r.idNumber },
        fromAgency: r.fromAgency,
        toAgency,
        ...(r.occurredOn ? { occurredOn: r.occurredOn } : {}),
        ...(r.scheme ? { scheme: r.scheme } : {}),
        ...(r.employerName && r.employerCreditCode
          ? { employer: { name: r.employerName, creditCode: r.employerCreditCode } }
          : {}),
      },
    };
  });
}

function rowErrors(e: unknown): FieldError[] | undefined {
  if (e instanceof Problem) {
    const errs = e.extensions.errors as FieldError[] | undefined;
    return errs?.length ? errs : [{ path: "(row)", message: e.detail ?? e.title }];
  }
  if (e instanceof CalendarError) return [{ path: "occurredOn", message: e.message }];
  return undefined;
}

/** The case an earlier upload opened for this row, if any (its case number). */
async function alreadyImported(ctx: EngineContext, key: string): Promise<string | undefined> {
  const known = await ctx.db.caseImportRow.findUnique({ where: { key } });
  let caseId = known?.caseId;
  if (!caseId) {
    // opened, but the process stopped before CaseImportRow was written: the case's own transaction
    // holds the idempotency record (kept IDEMPOTENCY_RETENTION_HOURS)
    const stored = await findIdempotent(ctx, { scope: IDEM_SCOPE, key });
    if (stored) caseId = (JSON.parse(stored.body) as { caseId: string }).caseId;
  }
  if (!caseId) return undefined;
  const c = await ctx.db.case.findUnique({ where: { id: caseId }, select: { caseNumber: true } });
  return c?.caseNumber;
}

/** Dry run: what a real run would do with each row, without writing anything. */
export async function dryRunRows(ctx: EngineContext, actor: Actor, checked: Checked[]): Promise<RowResult[]> {
  const codes = new Set(checked.flatMap((c) => (c.input ? [c.input.fromAgency, c.input.toAgency!] : [])));
  const agencies = await ctx.db.agency.findMany({ where: { code: { in: [...codes] } } });
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  const out: RowResult[] = [];
  for (const c of checked) {
    if (!c.input) {
      out.push({ row: c.row, status: "refused", errors: c.errors });
      continue;
    }
    const from = byCode.get(c.input.fromAgency);
    const to = byCode.get(c.input.toAgency!);
    const errors: FieldError[] = [];
    if (!from) errors.push({ path: "fromAgency", message: `no agency with code ${c.input.fromAgency}` });
    if (!to) errors.push({ path: "toAgency", message: `no agency with code ${c.input.toAgency}` });
    if (from && to) {
      const { singleAgency } = caseTypeInfo(c.input.type);
      if (!singleAgency && from.id === to.id)
        errors.push({ path: "toAgency", message: "a transfer needs two different agencies" });
      if (singleAgency && from.id !== to.id)
        errors.push({ path: "toAgency", message: "this case type is handled by one agency" });
      if (actor.agencyId !== from.id && actor.agencyId !== to.id)
        errors.push({ path: "fromAgency", message: "staff open cases only for their own agency" });
      // each agency handles the case's insurance (openCase refuses it the same way in a real run)
      errors.push(...insuranceErrors(from, to, insuranceFor(c.input.type, c.input.insurance), from.id === to.id));
    }
    if (errors.length) {
      out.push({ row: c.row, status: "refused", errors });
      continue;
    }
    const existing = await alreadyImported(ctx, c.key!);
    out.push(existing ? { row: c.row, status: "existing", caseNumber: existing } : { row: c.row, status: "valid" });
  }
  return out;
}

/** Opens one row's case, or finds the one an earlier upload opened. */
async function openRow(ctx: EngineContext, actor: Actor, importId: string, c: Checked): Promise<RowResult> {
  if (!c.input) return { row: c.row, status: "refused", errors: c.errors };
  const key = c.key!;
  const existing = await alreadyImported(ctx, key);
  if (existing) return { row: c.row, status: "existing", caseNumber: existing };
  const idem: IdempotentWrite = {
    scope: IDEM_SCOPE,
    key,
    fingerprint: key,
    respond: (opened) => ({ status: 201, body: { caseId: opened.id, caseNumber: opened.caseNumber } }),
  };
  try {
    const opened = await openCase(ctx, actor, c.input, idem);
    await ctx.db.caseImportRow
      .create({ data: { key, caseId: opened.id, importId, rowNumber: c.row } })
      .catch((e: unknown) => {
        if (!isUniqueViolation(e)) throw e;
      });
    return { row: c.row, status: "opened", caseNumber: opened.caseNumber };
  } catch (e) {
    // the same row opened at the same time by another upload of the file
    const again = await alreadyImported(ctx, key);
    if (again) return { row: c.row, status: "existing", caseNumber: again };
    const errors = rowErrors(e);
    if (!errors) {
      ctx.log.error({ importId, row: c.row, err: { name: (e as Error)?.name } }, "import row failed");
      return { row: c.row, status: "refused", errors: [{ path: "(row)", message: "internal error" }] };
    }
    return { row: c.row, status: "refused", errors };
  }
}

function counts(results: RowResult[]) {
  return {
    processed: results.length,
    opened: results.filter((r) => r.status === "opened").length,
    existing: results.filter((r) => r.status === "existing").length,
    refused: results.filter((r) => r.status === "refused").length,
  };
}

export async function createImport(
  ctx: EngineContext,
  actor: Actor,
  file: { sha256: string; format: ImportFormat },
  total: number,
): Promise<string> {
  const id = randomUUID();
  await ctx.db.caseImport.create({
    data: {
      id,
      fileSha256: file.sha256,
      format: file.format,
      status: "running",
      total,
      createdById: actor.userId,
      agencyId: actor.agencyId!,
    },
  });
  return id;
}

/** A real run: row after row, the progress written every `every` rows and at the end. */
export async function runImport(
  ctx: EngineContext,
  actor: Actor,
  importId: string,
  checked: Checked[],
  every = 20,
): Promise<void> {
  const results: RowResult[] = [];
  const save = (status: "running" | "done" | "failed") =>
    ctx.db.caseImport.update({
      where: { id: importId },
      data: { status, ...counts(results), results: JSON.stringify(results) },
    });
  try {
    for (const c of checked) {
      results.push(await openRow(ctx, actor, importId, c));
      if (results.length % every === 0 && results.length < checked.length) await save("running");
    }
    await save("done");
  } catch (e) {
    ctx.log.error({ importId, err: { name: (e as Error)?.name } }, "import failed");
    await save("failed");
    throw e;
  }
}

export async function importSummary(ctx: EngineContext, actor: Actor, id: string): Promise<ImportSummary | null> {
  const j = await ctx.db.caseImport.findUnique({ where: { id } });
  if (!j || actor.kind !== "staff" || j.agencyId !== actor.agencyId) return null;
  return {
    id: j.id,
    dryRun: false,
    status: j.status as ImportSummary["status"],
    format: j.format as ImportFormat,
    fileSha256: j.fileSha256,
    total: j.total,
    processed: j.processed,
    opened: j.opened,
    existing: j.existing,
    refused: j.refused,
    rows: JSON.parse(j.results) as RowResult[],
    createdAt: j.createdAt.toISOString(),
  };
}

export function dryRunSummary(file: { sha256: string; format: ImportFormat }, results: RowResult[]): ImportSummary {
  return {
    id: null,
    dryRun: true,
    status: "done",
    format: file.format,
    fileSha256: file.sha256,
    total: results.length,
    ...counts(results),
    rows: results,
    createdAt: null,
  };
}

/**
 * An uploaded file's rows, filed: a dry run answers what would happen and writes nothing; a file of
 * at most `syncMaxRows` rows is opened before the answer; a larger one runs on after it (its
 * progress is in the database, so any node answers the poll), and `running` says so.
 */
export async function fileImport(
  ctx: EngineContext,
  actor: Actor,
  file: { sha256: string; format: ImportFormat },
  rows: RawRow[],
  options: { dryRun: boolean; syncMaxRows: number },
): Promise<{ summary: ImportSummary; running: boolean }> {
  const checked = checkRows(ctx, rows);
  if (options.dryRun) return { summary: dryRunSummary(file, await dryRunRows(ctx, actor, checked)), running: false };
  const id = await createImport(ctx, actor, file, checked.length);
  if (checked.length <= options.syncMaxRows) {
    await runImport(ctx, actor, id, checked);
    return { summary: (await importSummary(ctx, actor, id))!, running: false };
  }
  void runImport(ctx, actor, id, checked).catch(() => undefined);
  return { summary: (await importSummary(ctx, actor, id))!, running: true };
}

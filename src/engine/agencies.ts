// Agencies: created and changed by administrators (each change with its line in the admin audit,
// in the change's own transaction), found by code, searched by the console's agency picker.
import { Prisma, type Agency } from "../generated/prisma/client.ts";
import { directSqlOf } from "../db/client.ts";
import { validateAgencyLimits } from "../deadlines/index.ts";
import { INSURANCES, type Insurance } from "../domain/schemes.ts";
import { problems, type FieldError } from "../problems.ts";
import { allLimitSpecs } from "./agencyLimits.ts";
import { recordAudit } from "./audit.ts";
import type { Actor, EngineContext } from "./context.ts";

/** An agency as stored (limits as JSON text). */
export type AgencyRow = Agency;

export interface NewAgency {
  code: string;
  name: string;
  region: string;
  limits?: Record<string, number>;
  /** the insurances it handles (default: every one) */
  insurances?: readonly Insurance[];
}

export interface AgencyChange {
  name?: string;
  region?: string;
  limits?: Record<string, number>;
  requireDocuments?: boolean;
  insurances?: readonly Insurance[];
}

// ---------------------------------------------------------------- the insurances an agency handles

/**
 * The insurances an agency handles (stored as a JSON list; agencies from before handle every one).
 * A list that does not parse counts as every insurance, as before the column existed.
 */
export function insurancesOf(a: Pick<Agency, "insurances">): Insurance[] {
  try {
    const v = JSON.parse(a.insurances) as unknown;
    if (Array.isArray(v)) return INSURANCES.filter((i) => v.includes(i));
  } catch {
    // fall through
  }
  return [...INSURANCES];
}

/** Whether the agency handles cases of this insurance. */
export function handlesInsurance(a: Pick<Agency, "insurances">, insurance: string): boolean {
  return (insurancesOf(a) as string[]).includes(insurance);
}

/**
 * The 422 field errors of a case of `insurance` between `from` and `to` (one agency: `to` is
 * `from`): each agency that does not handle the insurance, on its own field.
 */
export function insuranceErrors(
  from: Pick<Agency, "code" | "name" | "insurances">,
  to: Pick<Agency, "code" | "name" | "insurances">,
  insurance: string,
  sameAgency: boolean,
): FieldError[] {
  const refuse = (path: string, a: Pick<Agency, "code" | "name" | "insurances">) => ({
    path,
    message: `agency ${a.code} does not handle ${insurance} insurance (it handles ${insurancesOf(a).join(", ") || "none"})`,
  });
  const errors: FieldError[] = [];
  if (!handlesInsurance(from, insurance)) errors.push(refuse("fromAgency", from));
  if (!sameAgency && !handlesInsurance(to, insurance)) errors.push(refuse("toAgency", to));
  return errors;
}

/** A stored list: every insurance once, in the vocabulary's order; at least one (422 otherwise). */
function storedInsurances(list: readonly Insurance[]): string {
  const unique = INSURANCES.filter((i) => list.includes(i));
  if (unique.length === 0)
    throw problems.invalid([{ path: "insurances", message: "must name at least one insurance" }]);
  return JSON.stringify(unique);
}

/** Limits within the national ceilings, or a 422 naming each bad key. */
function checkLimits(raw: unknown) {
  const r = validateAgencyLimits(raw, allLimitSpecs());
  if (!r.ok) throw problems.invalid(r.errors.map((e) => ({ path: `limits.${e.key}`, message: e.message })));
  return r.value;
}

const auditedAgency = (a: Agency) => ({
  code: a.code,
  name: a.name,
  region: a.region,
  limits: JSON.parse(a.limits) as unknown,
  insurances: insurancesOf(a),
});

export async function createAgency(ctx: EngineContext, actor: Actor, input: NewAgency): Promise<AgencyRow> {
  const limits = checkLimits(input.limits ?? {});
  const insurances = storedInsurances(input.insurances ?? INSURANCES);
  if (await ctx.db.agency.findUnique({ where: { code: input.code } }))
    throw problems.conflict(`Agency ${input.code} already exists.`);
  return ctx.db.$transaction(async (tx) => {
    const created = await tx.agency.create({
      data: { code: input.code, name: input.name, region: input.region, limits: JSON.stringify(limits), insurances },
    });
    await recordAudit(tx, actor, {
      action: "agency.created",
      target: `agency:${created.code}`,
      after: auditedAgency(created),
    });
    return created;
  });
}

export function listAgencies(ctx: EngineContext): Promise<AgencyRow[]> {
  return ctx.db.agency.findMany({ orderBy: { code: "asc" } });
}

/**
 * Renames an agency, moves it to another region, sets its limits, its document rule or the
 * insurances it handles (open cases stay where they are); 404 when there is none.
 */
export async function updateAgency(
  ctx: EngineContext,
  actor: Actor,
  code: string,
  change: AgencyChange,
): Promise<AgencyRow> {
  const a = await ctx.db.agency.findUnique({ where: { code } });
  if (!a) throw problems.notFound(`Agency ${code}`);
  const data: { name?: string; region?: string; limits?: string; requireDocuments?: boolean; insurances?: string } = {};
  if (change.requireDocuments !== undefined) data.requireDocuments = change.requireDocuments;
  if (change.insurances) data.insurances = storedInsurances(change.insurances);
  if (change.name) data.name = change.name;
  if (change.region) data.region = change.region;
  if (change.limits) data.limits = JSON.stringify(checkLimits(change.limits));
  return ctx.db.$transaction(async (tx) => {
    const v = await tx.agency.update({ where: { id: a.id }, data });
    for (const entry of agencyChanges(a, v, data))
      await recordAudit(tx, actor, { target: `agency:${a.code}`, ...entry });
    return v;
  });
}

/** The audit entries of an agency's update: one per field asked for that changed. */
function agencyChanges(a: Agency, v: Agency, data: Partial<Record<keyof Agency, unknown>>) {
  const entries = [];
  if (data.name !== undefined && v.name !== a.name)
    entries.push({ action: "agency.renamed" as const, before: { name: a.name }, after: { name: v.name } });
  if (data.requireDocuments !== undefined && v.requireDocuments !== a.requireDocuments) {
    entries.push({
      action: "agency.required_documents_changed" as const,
      before: { requireDocuments: a.requireDocuments },
      after: { requireDocuments: v.requireDocuments },
    });
  }
  if (data.region !== undefined && v.region !== a.region)
    entries.push({
      action: "agency.region_changed" as const,
      before: { region: a.region },
      after: { region: v.region },
    });
  if (data.insurances !== undefined && v.insurances !== a.insurances)
    entries.push({
      action: "agency.insurances_changed" as const,
      before: { insurances: insurancesOf(a) },
      after: { insurances: insurancesOf(v) },
    });
  if (data.limits !== undefined && v.limits !== a.limits) {
    entries.push({
      action: "agency.limits_changed" as const,
      before: { limits: JSON.parse(a.limits) as unknown },
      after: { limits: JSON.parse(v.limits) as unknown },
    });
  }
  return entries;
}

export function agencyByCode(ctx: EngineContext, code: string): Promise<AgencyRow | null> {
  return ctx.db.agency.findUnique({ where: { code } });
}

/** The agency a request names in its field `path`, or a 422 on that field. */
export async function namedAgency(ctx: EngineContext, code: string, path: string): Promise<AgencyRow> {
  const a = await agencyByCode(ctx, code);
  if (!a) throw problems.invalid([{ path, message: `no agency with code ${code}` }]);
  return a;
}

export interface AgencyPick {
  code: string;
  name: string;
  region: string;
  /** the insurances it handles */
  insurances: Insurance[];
}

/** `s` for a LIKE pattern, its wildcards escaped (with ESCAPE '\'). */
const likeEscaped = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The agency picker's search: part of the code or the name (case-insensitive), or the beginning of
 * the region code; by code, a page of `limit` after `cursor` (the last code of the previous page).
 */
export async function searchAgencies(
  ctx: EngineContext,
  query: { q?: string; limit: number; cursor?: string },
): Promise<{ items: AgencyPick[]; nextCursor: string | null }> {
  const where: Prisma.Sql[] = [];
  if (query.q) {
    const part = `%${likeEscaped(query.q.toLowerCase())}%`;
    const start = `${likeEscaped(query.q)}%`;
    where.push(Prisma.sql`(LOWER("code") LIKE ${part} ESCAPE '\\' OR LOWER("name") LIKE ${part} ESCAPE '\\'
          OR "region" LIKE ${start} ESCAPE '\\')`);
  }
  if (query.cursor) where.push(Prisma.sql`"code" > ${query.cursor}`);
  const rows = await directSqlOf(ctx.db).query<Omit<AgencyPick, "insurances"> & { insurances: string }>(Prisma.sql`
        SELECT "code", "name", "region", "insurances" FROM "Agency"
        WHERE ${where.length ? Prisma.join(where, " AND ") : Prisma.sql`1 = 1`}
        ORDER BY "code" LIMIT ${query.limit + 1}`);
  const items = rows.slice(0, query.limit).map((a) => ({ ...a, insurances: insurancesOf(a) }));
  return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.code : null };
}

// The case lists: queues (mine, overdue, due soon), filters and search, a page at a time.
//
// Written as SQL so that every queue reads only what it shows, whatever the number of cases: the
// cases of an agency are split into arms, one per (agency column, acting side), each read from the
// index [agency, actingSide, nextDueOn, id] already in page order and cut at one page; the arms are
// merged and cut again. (An OR across fromAgencyId/toAgencyId, as an ORM writes it, makes the
// database collect and sort every matching case before it can return the first page.)
// A text search starts from its own indexes (case number, ID number, the name's beginning) instead.
import { Prisma } from "../generated/prisma/client.ts";
import { directSqlOf } from "../db/client.ts";
import { isCaseNumber } from "./caseNumbers.ts";
import type { CaseWithAgencies } from "./types.ts";
import type { Actor, EngineContext } from "./context.ts";
import { SIDES, type Side } from "../../machines/types.ts";
import { caseColumns, toCase, withAgencies } from "./store.ts";
import { problems } from "../problems.ts";
import { isValidCreditCode } from "../domain/creditCode.ts";
import { DataKey, NAME_PREFIXES } from "../privacy/dataKey.ts";
import { dataKeyOf } from "../privacy/atRest.ts";

export interface CaseListQuery {
  type?: string;
  state?: string;
  /** cases where this agency is either end */
  agencyId?: number;
  side?: Side;
  /** staff: only the cases waiting for their own agency */
  mine?: boolean;
  overdue?: boolean;
  dueSoon?: boolean;
  dueBefore?: string;
  /** the clerk (User.id) who holds the agency's side; null: nobody (src/engine/assignment.ts) */
  assignedTo?: number | null;
  /** only cases of this scheme (employee, flexible, resident) */
  scheme?: string;
  q?: string;
  sort: "due" | "recent";
  limit: number;
  /** id of the last case of the previous page */
  cursor?: string;
}

interface Arm {
  /** conditions on the agency columns (none: every agency) */
  agency: Prisma.Sql[];
  /** acting sides this arm may hold (undefined: any) */
  sides?: readonly Side[];
  /** a case with the agency at both ends is listed by the first arm when it holds the side: not again here */
  unlessAlsoFrom?: { agencyId: number; sides?: readonly Side[] };
}

const and = (parts: Prisma.Sql[]) => (parts.length === 0 ? Prisma.sql`1 = 1` : Prisma.join(parts, " AND "));

/** The arms an actor's list is made of, before splitting them by acting side. */
function scopeArms(actor: Actor, q: CaseListQuery): Arm[] {
  const sidesFor = (end: "from" | "to"): readonly Side[] | undefined => {
    let sides: readonly Side[] | undefined =
      q.mine && actor.kind === "staff"
        ? end === "from"
          ? ["transferOut", "agency"]
          : ["transferIn", "agency"]
        : undefined;
    if (q.side) sides = sides ? sides.filter((s) => s === q.side) : [q.side];
    return sides;
  };
  // The agency whose cases these are: the clerk's own, or the one an administrator filters on.
  const home = actor.kind === "staff" ? actor.agencyId! : q.agencyId;
  const extra: Prisma.Sql[] =
    actor.kind === "staff" && q.agencyId !== undefined
      ? [Prisma.sql`(c."fromAgencyId" = ${q.agencyId} OR c."toAgencyId" = ${q.agencyId})`]
      : [];
  // The holder of the agency's own side: its assignee column, which the arm's index leads with.
  const held = (column: "fromAssigneeId" | "toAssigneeId"): Prisma.Sql[] =>
    q.assignedTo === undefined
      ? []
      : q.assignedTo === null
        ? [Prisma.sql`${Prisma.raw(`c."${column}"`)} IS NULL`]
        : [Prisma.sql`${Prisma.raw(`c."${column}"`)} = ${q.assignedTo}`];
  if (home === undefined) {
    const anyHeld =
      q.assignedTo === undefined
        ? []
        : q.assignedTo === null
          ? [Prisma.sql`(c."fromAssigneeId" IS NULL AND c."toAssigneeId" IS NULL)`]
          : [Prisma.sql`(c."fromAssigneeId" = ${q.assignedTo} OR c."toAssigneeId" = ${q.assignedTo})`];
    return [{ agency: anyHeld, sides: q.side ? [q.side] : undefined }];
  }
  const fromSides = sidesFor("from");
  return [
    { agency: [Prisma.sql`c."fromAgencyId" = ${home}`, ...held("fromAssigneeId"), ...extra], sides: fromSides },
    {
      agency: [Prisma.sql`c."toAgencyId" = ${home}`, ...held("toAssigneeId"), ...extra],
      sides: sidesFor("to"),
      unlessAlsoFrom: { agencyId: home, sides: fromSides },
    },
  ];
}

/** A case is overdue (nextDueOn is null for final cases, so this needs no test of `final`). */
export const overdueSql = (today: string) => Prisma.sql`(c."nextDueOn" IS NOT NULL AND c."nextDueOn" < ${today})`;

/**
 * Due soon: the step is due between today and the cut-off (both included) and nothing is overdue.
 * Every comparison is guarded by IS NOT NULL first, so NOT(...) is never NULL.
 */
export const dueSoonSql = (today: string, dueSoonCutoff: string) =>
  Prisma.sql`(c."stepDueOn" IS NOT NULL AND c."stepDueOn" >= ${today} AND c."stepDueOn" <= ${dueSoonCutoff}
    AND c."nextDueOn" IS NOT NULL AND c."nextDueOn" >= ${today})`;

function filters(q: CaseListQuery, today: string, dueSoonCutoff: string): Prisma.Sql[] {
  const f: Prisma.Sql[] = [];
  if (q.type) f.push(Prisma.sql`c."type" = ${q.type}`);
  if (q.state) f.push(Prisma.sql`c."state" = ${q.state}`);
  const overdue = overdueSql(today);
  if (q.overdue === true) f.push(overdue);
  if (q.overdue === false) f.push(Prisma.sql`NOT ${overdue}`);
  const dueSoon = dueSoonSql(today, dueSoonCutoff);
  if (q.dueSoon === true) f.push(dueSoon);
  if (q.dueSoon === false) f.push(Prisma.sql`NOT ${dueSoon}`);
  if (q.scheme) f.push(Prisma.sql`c."scheme" = ${q.scheme}`);
  if (q.dueBefore) f.push(Prisma.sql`(c."stepDueOn" IS NOT NULL AND c."stepDueOn" < ${q.dueBefore})`);
  return f;
}

/** What a text search looks for: SQL terms, and the whole name prefix when it is longer than the indexed ones. */
interface TextSearch {
  where: Prisma.Sql;
  /** a name prefix longer than NAME_PREFIXES: the rows found by its first characters are narrowed by decrypting */
  longName?: { prefix: string; idIndex?: string; creditCode?: string; caseNumber: (n: string) => boolean };
}

/**
 * Case number (whole, or any part of it), full ID number, or the beginning of the name. The name
 * and ID number are encrypted (docs/personal-data.md): they are found through their blind indexes,
 * one keyed hash per search. Administrators, who see personal data masked, search by case number
 * only: an ID number or a name would unmask it, one guess at a time (403).
 */
function textSearch(text: string, actor: Actor, key: DataKey): TextSearch {
  const upper = text.toUpperCase();
  const terms: Prisma.Sql[] = [];
  let caseNumber: (n: string) => boolean = () => false;
  const wholeNumber = isCaseNumber(upper);
  const fragment = !wholeNumber && /^[0-9A-Z-]+$/.test(upper) && upper.length < CASE_NUMBER_LENGTH;
  if (wholeNumber) {
    terms.push(Prisma.sql`c."caseNumber" = ${upper}`);
    caseNumber = (n) => n === upper;
  } else if (fragment) {
    // a fragment (e.g. the last digits read out on the phone): this term reads every case in scope
    terms.push(Prisma.sql`c."caseNumber" LIKE ${`%${upper}%`}`);
    caseNumber = (n) => n.includes(upper);
  }
  // An employer's unified social credit code (not personal data: administrators may search it too),
  // from its index.
  const creditCode = isValidCreditCode(upper) ? upper : undefined;
  if (creditCode) terms.push(Prisma.sql`c."employerCreditCode" = ${creditCode}`);
  if (actor.kind === "admin") {
    if (terms.length === 0) {
      throw problems.forbidden(
        "Administrators find cases by case number; searching by ID number or name is for the staff of the case's agencies.",
      );
    }
    return { where: Prisma.sql`(${Prisma.join(terms, " OR ")})` };
  }
  let idIndex: string | undefined;
  if (/^\d{17}[\dX]$/.test(upper)) {
    idIndex = key.idIndex(upper);
    terms.push(Prisma.sql`c."insuredIdIndex" = ${idIndex}`);
  }
  const chars = Array.from(text);
  const k = Math.min(chars.length, NAME_PREFIXES);
  terms.push(
    Prisma.sql`${Prisma.raw(`c."insuredNamePrefix${k}"`)} = ${key.namePrefixIndex(chars.slice(0, k).join(""))}`,
  );
  return {
    where: Prisma.sql`(${Prisma.join(terms, " OR ")})`,
    longName: chars.length > NAME_PREFIXES ? { prefix: text, idIndex, creditCode, caseNumber } : undefined,
  };
}

/** MT2026-7K3Q9X2P: a fragment as long as a whole number (or longer) is not a fragment. */
const CASE_NUMBER_LENGTH = 15;

/** The sort key of the case a page follows. */
interface After {
  id: string;
  nextDueOn: string | null;
}

export async function listCases(
  ctx: EngineContext,
  actor: Actor,
  q: CaseListQuery,
  today: string,
  dueSoonCutoff: string,
): Promise<{ items: CaseWithAgencies[]; nextCursor: string | null }> {
  const sql = directSqlOf(ctx.db);
  const common = filters(q, today, dueSoonCutoff);

  // The cursor case's sort key; an unknown cursor ends the list.
  let after: After | undefined;
  if (q.cursor) {
    [after] = await sql.query<After>(Prisma.sql`SELECT "id", "nextDueOn" FROM "Case" WHERE "id" = ${q.cursor}`);
    if (!after) return { items: [], nextCursor: null };
  }

  const search = q.q ? textSearch(q.q, actor, dataKeyOf(ctx.db)) : undefined;
  // The conditions of each arm; each arm is read a page at a time from its own index range.
  const arms = search ? [searchArm(actor, q, search, common)] : scopedArms(actor, q, common);
  /** Up to limit + 1 cases in list order after `from`. */
  const pageAfter = async (from: After | undefined): Promise<CaseWithAgencies[]> => {
    const parts = arms.flatMap((where) => armPages(q, where, from));
    if (parts.length === 0) return [];
    const rows = await sql.query<Record<string, unknown>>(Prisma.sql`
      SELECT ${caseColumns} FROM (${Prisma.join(parts, " UNION ALL ")}) k JOIN "Case" c ON c."id" = k."id" ${withAgencies}
      ORDER BY ${listOrder(q)} LIMIT ${q.limit + 1}`);
    return rows.map(toCase);
  };

  const longName = search?.longName;
  if (!longName) return pageOf(await pageAfter(after), q.limit);
  return pageOf(await pagesNarrowedByName(pageAfter, after, q.limit, longName, dataKeyOf(ctx.db)), q.limit);
}

/** The first `limit` cases; the cursor of the next page when there are more. */
function pageOf(rows: CaseWithAgencies[], limit: number): { items: CaseWithAgencies[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

const listOrder = (q: CaseListQuery) =>
  q.sort === "due"
    ? Prisma.sql`(c."nextDueOn" IS NULL), c."nextDueOn", c."id"`
    : Prisma.sql`c."updatedAt" DESC, c."id"`;

/**
 * A search starts from the search indexes; the scope and filters only sift what they find: one
 * arm, whose conditions are the search, any of the scope's arms, and the filters.
 */
function searchArm(actor: Actor, q: CaseListQuery, search: TextSearch, common: Prisma.Sql[]): Prisma.Sql[] {
  const scope = scopeArms(actor, q).map((arm) =>
    and([
      ...arm.agency,
      ...(arm.sides
        ? [arm.sides.length ? Prisma.sql`c."actingSide" IN (${Prisma.join([...arm.sides])})` : Prisma.sql`1 = 0`]
        : []),
    ]),
  );
  return [
    search.where,
    Prisma.sql`(${Prisma.join(
      scope.map((s) => Prisma.sql`(${s})`),
      " OR ",
    )})`,
    ...common,
  ];
}

/**
 * The conditions of each arm of a list without a search: one arm per acting side, so that each
 * reads one range of the [agency, actingSide, nextDueOn, id] index.
 */
function scopedArms(actor: Actor, q: CaseListQuery, common: Prisma.Sql[]): Prisma.Sql[][] {
  const arms: Prisma.Sql[][] = [];
  for (const arm of scopeArms(actor, q)) {
    const sides = arm.sides ?? (arm.agency.length > 0 && q.sort === "due" ? SIDES : undefined);
    if (!sides) arms.push([...arm.agency, ...listedByTheFirstArm(arm), ...common]);
    else
      for (const side of sides)
        arms.push([...arm.agency, Prisma.sql`c."actingSide" = ${side}`, ...listedByTheFirstArm(arm, side), ...common]);
  }
  return arms;
}

/** The condition that leaves out the cases the first arm lists already (see Arm.unlessAlsoFrom). */
function listedByTheFirstArm(arm: Arm, side?: Side): Prisma.Sql[] {
  const other = arm.unlessAlsoFrom;
  if (!other || (side && other.sides && !other.sides.includes(side)) || other.sides?.length === 0) return [];
  if (!side && other.sides)
    return [
      Prisma.sql`NOT (c."fromAgencyId" = ${other.agencyId} AND c."actingSide" IN (${Prisma.join([...other.sides])}))`,
    ];
  return [Prisma.sql`c."fromAgencyId" <> ${other.agencyId}`];
}

/**
 * One page of an arm after `after`, in page order: only the keys, which the arm's index holds, so
 * that the rows themselves are read once, for the cases on the page. Sorted by due date, an arm
 * is two ranges: the dated cases first, in (nextDueOn, id) order; then the undated ones, in id order.
 */
function armPages(q: CaseListQuery, where: Prisma.Sql[], after: After | undefined): Prisma.Sql[] {
  const keys = q.sort === "due" ? Prisma.sql`c."id", c."nextDueOn"` : Prisma.sql`c."id", c."updatedAt"`;
  const page = (conditions: Prisma.Sql[], armOrder: Prisma.Sql) =>
    Prisma.sql`SELECT * FROM (SELECT ${keys} FROM "Case" c WHERE ${and(conditions)} ORDER BY ${armOrder} LIMIT ${q.limit + 1}) AS a`;
  if (q.sort === "recent") {
    const cur = after
      ? [
          Prisma.sql`(c."updatedAt" < (SELECT x."updatedAt" FROM "Case" x WHERE x."id" = ${after.id})
              OR (c."updatedAt" = (SELECT x."updatedAt" FROM "Case" x WHERE x."id" = ${after.id}) AND c."id" > ${after.id}))`,
        ]
      : [];
    return [page([...where, ...cur], listOrder(q))];
  }
  const parts: Prisma.Sql[] = [];
  if (!after || after.nextDueOn !== null) {
    const cur = after ? [Prisma.sql`(c."nextDueOn", c."id") > (${after.nextDueOn}, ${after.id})`] : [];
    parts.push(page([...where, Prisma.sql`c."nextDueOn" IS NOT NULL`, ...cur], Prisma.sql`c."nextDueOn", c."id"`));
  }
  if (q.overdue !== true && q.dueSoon !== true) {
    const cur = after && after.nextDueOn === null ? [Prisma.sql`c."id" > ${after.id}`] : [];
    parts.push(page([...where, Prisma.sql`c."nextDueOn" IS NULL`, ...cur], Prisma.sql`c."id"`));
  }
  return parts;
}

/**
 * A name prefix longer than the indexed ones: its first characters found the candidates (a few:
 * the cases whose names begin with the same NAME_PREFIXES characters), which are narrowed by
 * decrypting their names, page after page until one is full (more than `limit`) or none is left.
 */
async function pagesNarrowedByName(
  pageAfter: (from: After | undefined) => Promise<CaseWithAgencies[]>,
  after: After | undefined,
  limit: number,
  longName: NonNullable<TextSearch["longName"]>,
  key: DataKey,
): Promise<CaseWithAgencies[]> {
  const keep = (c: CaseWithAgencies) =>
    (longName.idIndex !== undefined && c.insuredIdIndex === longName.idIndex) ||
    longName.caseNumber(c.caseNumber) ||
    (longName.creditCode !== undefined && c.employerCreditCode === longName.creditCode) ||
    key.decrypt(c.insuredName, "insuredName").startsWith(longName.prefix);
  const kept: CaseWithAgencies[] = [];
  let from = after;
  for (;;) {
    const rows = await pageAfter(from);
    kept.push(...rows.filter(keep));
    if (kept.length > limit || rows.length < limit + 1) break;
    const last = rows[rows.length - 1];
    from = { id: last.id, nextDueOn: last.nextDueOn };
  }
  return kept;
}

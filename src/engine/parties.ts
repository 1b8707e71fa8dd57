// The parties of a case (docs/parties.md): the person, the employer, the scheme and the insurance.
//
// No double enrolment (重复参保): at most one open case per person and enrolment kind (the kind
// each case type declares with its insurance, e.g. "transfer:medical"; ./enrolments.ts). The database
// enforces it: the OpenEnrolment row (primary key (personKey, kind), personKey = the blind index of
// the ID number) is inserted in the transaction that opens the case (claimEnrolment, from
// openCase.ts) and deleted in the one that makes it final (releaseEnrolments, from the group
// committer in store.ts: the one place where an event moves a case to a new state). Two opens at
// once, on one node or two, cannot both insert it; the loser's transaction rolls back and it is
// answered 409 open-case-exists.
//
// One ID number, one name: opening for a known ID number under another name needs an explicit
// correction (insured.nameCorrection.reason), recorded in the opening event; the other cases of the
// person then carry the corrected name (re-encrypted, with new name indexes) from the same
// transaction.
import { Prisma } from "../generated/prisma/client.ts";
import { directSqlOf, type Db } from "../db/client.ts";
import { kindOf } from "./enrolments.ts";
import { definitionOf, type CaseType } from "../../machines/index.ts";
import { Problem, problems } from "../problems.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import { sidesOf } from "./access.ts";
import type { Actor, EngineContext } from "./context.ts";
import { caseColumns, toCase, withAgencies } from "./store.ts";
import { readableCase } from "./readCase.ts";
import type { CaseWithAgencies } from "./types.ts";

export { enrolmentKind, releaseEnrolments } from "./enrolments.ts";

import type { Insurance } from "../domain/schemes.ts";
export { INSURANCES, SCHEMES, type Insurance, type Scheme } from "../domain/schemes.ts";

/**
 * The insurance a case of this type is about, as its type declares: fixed by the type (another one
 * given is a 422), or chosen when the case is opened (the type's default when none is given).
 */
export function insuranceFor(type: CaseType, given: Insurance | undefined): Insurance {
  const { insurance, noun } = definitionOf(type);
  if ("chosen" in insurance) return given ?? insurance.chosen.default;
  if (given && given !== insurance.fixed)
    throw problems.invalid([{ path: "insurance", message: `${noun} is about ${insurance.fixed} insurance` }]);
  return insurance.fixed;
}

/** Inside the opening transaction: claims (person, kind) for the case; false when another open case holds it. */
export async function claimEnrolment(
  tx: Pick<Db, "$executeRaw">,
  personKey: string,
  kind: string,
  caseId: string,
): Promise<boolean> {
  const n = await tx.$executeRaw(Prisma.sql`INSERT INTO "OpenEnrolment" ("personKey", "kind", "caseId", "createdAt")
    VALUES (${personKey}, ${kind}, ${caseId}, ${new Date()}) ON CONFLICT ("personKey", "kind") DO NOTHING`);
  return n === 1;
}

/** Thrown inside the opening transaction when the claim fails: the transaction rolls back. */
export class OpenCaseExists extends Error {
  constructor(
    readonly personKey: string,
    readonly kind: string,
  ) {
    super("an open case of this kind exists for this person");
  }
}

/**
 * The 409 answer to a second open case: the agencies handling the open one, and its number and
 * link only when the clerk may see that case (staff of one of its agencies).
 */
export async function openCaseExistsProblem(ctx: EngineContext, actor: Actor, e: OpenCaseExists): Promise<Problem> {
  const [row] = await directSqlOf(ctx.db).query<Record<string, unknown>>(Prisma.sql`
    SELECT ${caseColumns} FROM "OpenEnrolment" o JOIN "Case" c ON c."id" = o."caseId" ${withAgencies}
    WHERE o."personKey" = ${e.personKey} AND o."kind" = ${e.kind}`);
  const open = row ? toCase(row) : undefined;
  const agency = (a: CaseWithAgencies["fromAgency"]) => ({ code: a.code, name: a.name, region: a.region });
  const visible = open !== undefined && sidesOf(actor, open).length > 0;
  const where = open
    ? open.fromAgency.id === open.toAgency.id
      ? `${open.fromAgency.name}`
      : `${open.fromAgency.name} → ${open.toAgency.name}`
    : "another agency";
  return new Problem(
    409,
    "open-case-exists",
    "An open case exists for this person",
    `This person already has an open ${e.kind.replace(":", " (")}) case, handled by ${where}` +
      (visible ? ` (case ${open.caseNumber})` : "") +
      ". Nobody may be enrolled twice at once (重复参保): finish or withdraw that case first.",
    {
      kind: e.kind,
      openCase: open
        ? {
            fromAgency: agency(open.fromAgency),
            toAgency: agency(open.toAgency),
            ...(visible ? { id: open.id, caseNumber: open.caseNumber, href: `/console#/case/${open.id}` } : {}),
          }
        : null,
    },
  );
}

/**
 * Brings OpenEnrolment in line with the cases after their blind indexes were (re)computed: rows
 * encrypted at start-up (written before encryption, no index at migration time) and a change of
 * data key (npm run rekey). Idempotent.
 */
export async function syncOpenEnrolments(db: Db): Promise<void> {
  const sql = directSqlOf(db);
  await sql.execute(Prisma.sql`UPDATE "OpenEnrolment" SET "personKey" = (SELECT c."insuredIdIndex" FROM "Case" c WHERE c."id" = "OpenEnrolment"."caseId")
    WHERE "personKey" <> (SELECT c."insuredIdIndex" FROM "Case" c WHERE c."id" = "OpenEnrolment"."caseId")`);
  await sql.execute(Prisma.sql`INSERT INTO "OpenEnrolment" ("personKey", "kind", "caseId", "createdAt")
    SELECT c."insuredIdIndex", ${kindOf("c")}, c."id", ${new Date()} FROM "Case" c
    WHERE c."final" = false AND c."insuredIdIndex" IS NOT NULL AND c."id" NOT IN (SELECT "caseId" FROM "OpenEnrolment")
    ORDER BY c."openedOn", c."id"
    ON CONFLICT DO NOTHING`);
}

export interface DuplicateOpenCase {
  id: string;
  caseNumber: string;
  type: string;
  kind: string;
  fromAgency: string;
  toAgency: string;
  /** the case that holds the person's enrolment (the others wait for staff to resolve them) */
  holdsEnrolment: boolean;
  /** cases of the same person and kind share a group number */
  group: number;
}

/**
 * Open cases of one person and kind beyond the first: what a database held before the rule (or
 * the demo seed made). Staff see the ones of their agency, administrators and `npm run verify` all.
 */
export async function duplicateOpenCases(db: Db, agencyId?: number): Promise<DuplicateOpenCase[]> {
  const scope =
    agencyId === undefined
      ? Prisma.sql`1 = 1`
      : Prisma.sql`(c."fromAgencyId" = ${agencyId} OR c."toAgencyId" = ${agencyId})`;
  const rows = await directSqlOf(db).query<{
    id: string;
    caseNumber: string;
    type: string;
    kind: string;
    personKey: string;
    f_code: string;
    t_code: string;
    held: string | null;
  }>(Prisma.sql`
    SELECT c."id", c."caseNumber", c."type", ${kindOf("c")} AS "kind", c."insuredIdIndex" AS "personKey",
      f."code" AS "f_code", t."code" AS "t_code", o."caseId" AS "held"
    FROM "Case" c ${withAgencies}
    JOIN (SELECT x."insuredIdIndex" AS "personKey", ${kindOf("x")} AS "kind" FROM "Case" x
          WHERE x."final" = false AND x."insuredIdIndex" IS NOT NULL
          GROUP BY x."insuredIdIndex", ${kindOf("x")} HAVING COUNT(*) > 1) d
      ON d."personKey" = c."insuredIdIndex" AND d."kind" = ${kindOf("c")}
    LEFT JOIN "OpenEnrolment" o ON o."caseId" = c."id"
    WHERE c."final" = false AND ${scope}
    ORDER BY c."insuredIdIndex", ${kindOf("c")}, (o."caseId" IS NULL), c."openedOn", c."id"`);
  const groups = new Map<string, number>();
  return rows.map((r) => {
    const g = `${r.personKey}\u0000${r.kind}`;
    if (!groups.has(g)) groups.set(g, groups.size + 1);
    return {
      id: r.id,
      caseNumber: r.caseNumber,
      type: r.type,
      kind: r.kind,
      fromAgency: r.f_code,
      toAgency: r.t_code,
      holdsEnrolment: r.held !== null,
      group: groups.get(g)!,
    };
  });
}

/** The person's other cases (open and closed) that the actor may read, newest first. */
export async function relatedCases(ctx: EngineContext, actor: Actor, c: CaseWithAgencies, limit = 50) {
  if (c.insuredIdIndex === null) return [];
  const scope =
    actor.kind === "admin"
      ? Prisma.sql`1 = 1`
      : Prisma.sql`(c."fromAgencyId" = ${actor.agencyId} OR c."toAgencyId" = ${actor.agencyId})`;
  const rows = await directSqlOf(ctx.db).query<Record<string, unknown>>(Prisma.sql`
    SELECT ${caseColumns} FROM "Case" c ${withAgencies}
    WHERE c."insuredIdIndex" = ${c.insuredIdIndex} AND c."id" <> ${c.id} AND ${scope}
    ORDER BY c."openedOn" DESC, c."id" LIMIT ${limit}`);
  return rows.map(toCase);
}

export interface NameCorrection {
  reason: string;
}

/**
 * One ID number, one name: the name on record for a known person (the latest case's) must be the
 * one given, unless a correction is stated. Returns the cases to rename (the person's other cases,
 * under the former name) when a correction applies.
 */
export async function checkPersonName(
  ctx: EngineContext,
  personKey: string,
  name: string,
  correction: NameCorrection | undefined,
): Promise<{ rename: string[] }> {
  const key = dataKeyOf(ctx.db);
  const known = await directSqlOf(ctx.db).query<{ id: string; insuredName: string }>(
    Prisma.sql`SELECT "id", "insuredName" FROM "Case" WHERE "insuredIdIndex" = ${personKey}`,
  );
  const differing = known.filter((k) => key.decrypt(k.insuredName, "insuredName") !== name);
  if (differing.length === 0) {
    if (correction)
      throw problems.invalid([
        {
          path: "insured.nameCorrection",
          message: "no correction needed: the name is the one on record for this ID number (or the person is new)",
        },
      ]);
    return { rename: [] };
  }
  if (!correction) {
    throw problems.invalid(
      [
        {
          path: "insured.name",
          message:
            "this ID number is on record under another name; check the name, or state a correction (insured.nameCorrection.reason)",
        },
      ],
      "One ID number has one name.",
    );
  }
  return { rename: differing.map((d) => d.id) };
}

/** Inside the opening transaction: the person's other cases take the corrected name. */
export async function renameCases(
  ctx: EngineContext,
  tx: Pick<Db, "$executeRaw">,
  ids: string[],
  name: string,
  idNumber: string,
) {
  if (ids.length === 0) return;
  const c = dataKeyOf(ctx.db).caseColumns({ name, idNumber });
  // Each row gets its own ciphertext (a fresh IV): one statement per case.
  for (const id of ids) {
    const enc = dataKeyOf(ctx.db).caseColumns({ name, idNumber });
    await tx.$executeRaw(Prisma.sql`UPDATE "Case" SET "insuredName" = ${enc.insuredName},
      "insuredNamePrefix1" = ${c.insuredNamePrefix1}, "insuredNamePrefix2" = ${c.insuredNamePrefix2},
      "insuredNamePrefix3" = ${c.insuredNamePrefix3}, "insuredNamePrefix4" = ${c.insuredNamePrefix4}
      WHERE "id" = ${id}`);
  }
}

/**
 * Who may file follows the scheme: flexible employees and residents apply themselves, so an
 * application filed by an employer is refused for them (checked before the machine runs; the
 * machines know nothing of schemes).
 */
export function checkApplicant(c: Pick<CaseWithAgencies, "scheme">, eventType: string, payload: unknown) {
  if (eventType !== "FILE_APPLICATION" || c.scheme === "employee") return;
  const applicant = (payload as { applicant?: unknown } | null)?.applicant;
  if (applicant === "employer") {
    throw problems.invalid(
      [
        {
          path: "applicant",
          message: `a ${c.scheme === "flexible" ? "flexible employee" : "resident"} files for themselves: the applicant is "individual"`,
        },
      ],
      "Flexible employees and residents file their own applications.",
    );
  }
}

/**
 * The person's other cases the actor may read (relatedCases) of a case they may read, with the last
 * China date counted as due soon (within `dueSoonWorkingDays`), for their summaries.
 */
export async function relatedCasesOf(ctx: EngineContext, actor: Actor, caseId: string, dueSoonWorkingDays: number) {
  const c = await readableCase(ctx, actor, caseId);
  const dueSoonCutoff = ctx.calendar.addWorkingDays(ctx.today(), dueSoonWorkingDays).value;
  return { items: await relatedCases(ctx, actor, c), dueSoonCutoff };
}

/** The duplicate open cases the actor sees: staff those of their agency, administrators all. */
export function duplicatesFor(ctx: EngineContext, actor: Actor): Promise<DuplicateOpenCase[]> {
  return duplicateOpenCases(ctx.db, actor.kind === "staff" ? actor.agencyId! : undefined);
}

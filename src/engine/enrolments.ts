// The enrolment a case holds while it is open (src/engine/parties.ts): its kind, as the case's type
// declares it (`enrolment` and `insurance` in machines/<type>.ts), in TypeScript and as SQL over a
// case row; and the end of it, written by the group committer (src/engine/store.ts) in the
// transaction that makes a case final. Its own module so that the store does not import the
// parties' module (which reads cases through the store).
import { Prisma } from "../generated/prisma/client.ts";
import type { DirectQueryable } from "../db/direct.ts";
import { caseTypes, definitionOf, insurancesOf, type CaseType } from "../../machines/index.ts";

/** The enrolment kind that may be open once per person, e.g. "transfer:medical". */
export function enrolmentKind(type: CaseType, insurance: string): string {
  return `${definitionOf(type).enrolment}:${insurance}`;
}

/** Every enrolment kind the case types declare, in the registry's order (the API describes them). */
export function enrolmentKinds(): string[] {
  return [...new Set(caseTypes.flatMap((t) => insurancesOf(t).map((i) => enrolmentKind(t, i))))];
}

/**
 * The enrolment kind as SQL over a case row (`alias`): the same as enrolmentKind, built from the
 * declarations (type and enrolment names are checked by the registry to be plain names).
 */
export const kindOf = (alias: string) =>
  Prisma.raw(
    `((CASE ${alias}."type" ${caseTypes.map((t) => `WHEN '${t}' THEN '${definitionOf(t).enrolment}:'`).join(" ")} END) || ${alias}."insurance")`,
  );

/**
 * In the transaction that makes cases final: their enrolments end. When a database held duplicate
 * open cases from before the rule (the migration kept the earliest's claim), the next open one of
 * the same person and kind takes the claim over, so that no new case can be opened beside it.
 */
export async function releaseEnrolments(tx: DirectQueryable, caseIds: string[]): Promise<void> {
  if (caseIds.length === 0) return;
  const released = await tx.query<{ personKey: string; kind: string }>(Prisma.sql`
    DELETE FROM "OpenEnrolment" WHERE "caseId" IN (${Prisma.join(caseIds)}) RETURNING "personKey", "kind"`);
  for (const r of released) {
    await tx.execute(Prisma.sql`INSERT INTO "OpenEnrolment" ("personKey", "kind", "caseId", "createdAt")
      SELECT c."insuredIdIndex", ${r.kind}, c."id", ${new Date()} FROM "Case" c
      WHERE c."insuredIdIndex" = ${r.personKey} AND c."final" = false AND ${kindOf("c")} = ${r.kind}
        AND c."id" NOT IN (SELECT "caseId" FROM "OpenEnrolment")
      ORDER BY c."openedOn", c."id" LIMIT 1
      ON CONFLICT DO NOTHING`);
  }
}

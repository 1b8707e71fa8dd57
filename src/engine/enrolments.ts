// The end of an open enrolment (src/engine/parties.ts): written by the group committer
// (src/engine/store.ts) in the transaction that makes a case final. Its own module so that the
// store does not import the parties' module (which reads cases through the store).
import { Prisma } from "../generated/prisma/client.ts";
import type { DirectQueryable } from "../db/direct.ts";

/** The enrolment kind (enrolmentKind in parties.ts) as SQL over a case row (the migration writes the same expression). */
export const kindOf = (alias: string) =>
  Prisma.raw(`((CASE WHEN ${alias}."type" = 'renewal' THEN 'renewal:' ELSE 'transfer:' END) || ${alias}."insurance")`);

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

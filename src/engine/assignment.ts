// Who holds a case: each agency's side of a case can have an assignee, a clerk of that agency.
// Not a machine event (the case's state and version do not move), but recorded all the same: every
// change is a CaseAssignment row (who, when, from whom, to whom) written in the transaction that
// changes the case's assignee column, after that column's row is locked, so two clerks assigning
// at once are put one after the other and each row's "from" is the previous row's "to".
import { Prisma } from "../generated/prisma/client.ts";
import { directSqlOf } from "../db/client.ts";
import type { DirectQueryable } from "../db/direct.ts";
import { problems } from "../problems.ts";
import type { Actor, EngineContext } from "./context.ts";
import { loadCase } from "./readCase.ts";
import { dueSoonSql, overdueSql } from "./caseList.ts";
import { caseAgencyOf } from "./caseFiles.ts";
import type { CaseWithAgencies } from "./types.ts";

export interface Clerk {
  id: number;
  username: string;
}

/** The staff member's own agency, or 403. */
export function homeAgency(actor: Actor): number {
  if (actor.kind !== "staff" || actor.agencyId === null) throw problems.forbidden("Only agency staff hold cases.");
  return actor.agencyId;
}

/** An enabled clerk of the agency by username; a 422 on `field` otherwise. */
export async function clerkOf(ctx: EngineContext, agencyId: number, username: string, field: string): Promise<Clerk> {
  const u = await ctx.db.user.findUnique({ where: { username } });
  if (!u || u.role !== "staff" || u.agencyId !== agencyId || u.disabled)
    throw problems.invalid([{ path: field, message: "must be an enabled clerk of your agency" }]);
  return { id: u.id, username: u.username };
}

const now = () => new Date();

async function recordChange(
  tx: DirectQueryable,
  row: { caseId: string; agencyId: number; from: Clerk | null; to: Clerk | null; actor: Actor; reason: string },
) {
  await tx.execute(Prisma.sql`INSERT INTO "CaseAssignment" ("caseId", "agencyId", "fromUserId", "fromUsername",
      "toUserId", "toUsername", "actorId", "actorName", "reason", "at")
    VALUES (${row.caseId}, ${row.agencyId}, ${row.from?.id ?? null}, ${row.from?.username ?? null},
      ${row.to?.id ?? null}, ${row.to?.username ?? null}, ${row.actor.userId}, ${row.actor.username}, ${row.reason}, ${now()})`);
}

/**
 * Sets (or with null releases) the assignee of the actor's agency's side of a case. Returns the
 * previous and the new assignee; a change to the same clerk records nothing.
 */
export async function setAssignee(
  ctx: EngineContext,
  actor: Actor,
  caseId: string,
  username: string | null,
): Promise<{ from: Clerk | null; to: Clerk | null; changed: boolean }> {
  const home = homeAgency(actor);
  const c = await loadCase(ctx, caseId);
  if (c.fromAgencyId !== home && c.toAgencyId !== home)
    throw problems.forbidden("This case belongs to other agencies.");
  const to = username === null ? null : await clerkOf(ctx, home, username, "username");
  // the agency's column; a case one agency handles at both ends keeps both columns equal
  const column = c.fromAgencyId === home ? "fromAssigneeId" : "toAssigneeId";
  const both = c.fromAgencyId === home && c.toAgencyId === home;
  const col = Prisma.raw(`"${column}"`);
  return directSqlOf(ctx.db).transaction(async (tx) => {
    // lock the row first (PostgreSQL: the row lock; SQLite: the write lock), then read what it holds now
    await tx.execute(Prisma.sql`UPDATE "Case" SET ${col} = ${col} WHERE "id" = ${c.id}`);
    const [cur] = await tx.query<{ id: number | null; username: string | null }>(
      Prisma.sql`SELECT u."id", u."username" FROM "Case" c LEFT JOIN "User" u ON u."id" = c.${col} WHERE c."id" = ${c.id}`,
    );
    const from = cur?.id != null ? { id: Number(cur.id), username: String(cur.username) } : null;
    if ((from?.id ?? null) === (to?.id ?? null)) return { from, to, changed: false };
    const set = both
      ? Prisma.sql`"fromAssigneeId" = ${to?.id ?? null}, "toAssigneeId" = ${to?.id ?? null}`
      : Prisma.sql`${col} = ${to?.id ?? null}`;
    await tx.execute(Prisma.sql`UPDATE "Case" SET ${set} WHERE "id" = ${c.id}`);
    await recordChange(tx, { caseId: c.id, agencyId: home, from, to, actor, reason: "assign" });
    return { from, to, changed: true };
  });
}

/**
 * Hands every open case one clerk of the actor's agency holds to another (leave, departure): one
 * transaction, one CaseAssignment row per case. Returns the number of cases handed over.
 */
export async function reassignWorkload(
  ctx: EngineContext,
  actor: Actor,
  fromUsername: string,
  toUsername: string,
): Promise<{ from: Clerk; to: Clerk; moved: number }> {
  const home = homeAgency(actor);
  const fromUser = await ctx.db.user.findUnique({ where: { username: fromUsername } });
  // a clerk who has left may be disabled already: their cases can still be handed over
  if (!fromUser || fromUser.role !== "staff" || fromUser.agencyId !== home)
    throw problems.invalid([{ path: "from", message: "must be a clerk of your agency" }]);
  const from = { id: fromUser.id, username: fromUser.username };
  const to = await clerkOf(ctx, home, toUsername, "to");
  if (from.id === to.id) throw problems.invalid([{ path: "to", message: "must be another clerk than from" }]);
  return directSqlOf(ctx.db).transaction(async (tx) => {
    const moved = new Set<string>();
    // transfer-out side (and both sides of a case this agency handles alone)
    for (const r of await tx.query<{ id: string }>(Prisma.sql`UPDATE "Case" SET "fromAssigneeId" = ${to.id},
        "toAssigneeId" = CASE WHEN "toAgencyId" = ${home} THEN CAST(${to.id} AS INTEGER) ELSE "toAssigneeId" END
        WHERE "fromAgencyId" = ${home} AND "fromAssigneeId" = ${from.id} AND NOT "final" RETURNING "id"`))
      moved.add(r.id);
    for (const r of await tx.query<{ id: string }>(Prisma.sql`UPDATE "Case" SET "toAssigneeId" = ${to.id}
        WHERE "toAgencyId" = ${home} AND "fromAgencyId" <> ${home} AND "toAssigneeId" = ${from.id} AND NOT "final" RETURNING "id"`))
      moved.add(r.id);
    for (const caseId of moved) await recordChange(tx, { caseId, agencyId: home, from, to, actor, reason: "reassign" });
    return { from, to, moved: moved.size };
  });
}

export interface WorkloadRow {
  username: string | null;
  open: number;
  overdue: number;
  dueSoon: number;
}

/** Open cases per clerk of the agency (null: unassigned), with how many are overdue and due soon. */
export async function agencyWorkload(
  ctx: EngineContext,
  agencyId: number,
  today: string,
  dueSoonCutoff: string,
): Promise<{ clerks: (WorkloadRow & { username: string; disabled: boolean })[]; unassigned: WorkloadRow }> {
  const overdue = overdueSql(today);
  const dueSoon = dueSoonSql(today, dueSoonCutoff);
  const rows = await directSqlOf(ctx.db).query<{ u: number | null; open: unknown; overdue: unknown; dueSoon: unknown }>(
    Prisma.sql`SELECT x."u" AS "u", COUNT(*) AS "open",
        SUM(CASE WHEN x."o" THEN 1 ELSE 0 END) AS "overdue", SUM(CASE WHEN x."d" THEN 1 ELSE 0 END) AS "dueSoon"
      FROM (
        SELECT c."fromAssigneeId" AS "u", ${overdue} AS "o", ${dueSoon} AS "d" FROM "Case" c
          WHERE c."fromAgencyId" = ${agencyId} AND NOT c."final"
        UNION ALL
        SELECT c."toAssigneeId" AS "u", ${overdue} AS "o", ${dueSoon} AS "d" FROM "Case" c
          WHERE c."toAgencyId" = ${agencyId} AND c."fromAgencyId" <> ${agencyId} AND NOT c."final"
      ) x GROUP BY x."u"`,
  );
  const byUser = new Map(
    rows.map((r) => [
      r.u === null ? null : Number(r.u),
      { open: Number(r.open), overdue: Number(r.overdue ?? 0), dueSoon: Number(r.dueSoon ?? 0) },
    ]),
  );
  const staff = await ctx.db.user.findMany({
    where: { agencyId, role: "staff" },
    orderBy: { username: "asc" },
    select: { id: true, username: true, disabled: true },
  });
  const zero = { open: 0, overdue: 0, dueSoon: 0 };
  return {
    // a disabled clerk is listed while they still hold cases (to hand them over)
    clerks: staff
      .filter((u) => !u.disabled || byUser.has(u.id))
      .map((u) => ({ username: u.username, disabled: u.disabled, ...(byUser.get(u.id) ?? zero) })),
    unassigned: { username: null, ...(byUser.get(null) ?? zero) },
  };
}

/** The assignees of a case's sides and the history of changes, oldest first. */
export async function assignmentOf(ctx: EngineContext, caseId: string) {
  const c = await ctx.db.case.findUnique({
    where: { id: caseId },
    select: { fromAgencyId: true, toAgencyId: true, fromAssigneeId: true, toAssigneeId: true },
  });
  const ids = [c?.fromAssigneeId, c?.toAssigneeId].filter((x): x is number => typeof x === "number");
  const users = new Map(
    (await ctx.db.user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true } })).map((u) => [
      u.id,
      u.username,
    ]),
  );
  const history = await ctx.db.caseAssignment.findMany({ where: { caseId }, orderBy: { id: "asc" }, take: 1000 });
  return { case: c, users, history };
}

/**
 * The list filter assignedTo=me|none|<username>: a user id, null (nobody holds it), undefined (no
 * filter) or "nobody" when the username is no clerk (the list is then empty). `me` is for staff.
 */
export async function assigneeFilter(
  ctx: EngineContext,
  actor: Actor,
  raw: string | undefined,
): Promise<number | null | undefined | "nobody"> {
  if (raw === undefined) return undefined;
  if (raw === "none") return null;
  if (raw === "me") {
    if (actor.kind !== "staff") throw problems.invalid([{ path: "query.assignedTo", message: "me is for staff" }]);
    return actor.userId;
  }
  const u = await ctx.db.user.findUnique({
    where: { username: raw },
    select: { id: true, role: true, agencyId: true },
  });
  if (!u || u.role !== "staff") return "nobody";
  // staff see the holders of their own agency's sides only
  if (actor.kind === "staff" && u.agencyId !== actor.agencyId) return "nobody";
  return u.id;
}

/** A case and who holds its sides (assignmentOf), for the answer to a request about its assignment. */
export interface CaseAssignment {
  case: CaseWithAgencies;
  holders: Awaited<ReturnType<typeof assignmentOf>>;
}

/** Sets (null: releases) the assignee of the actor's agency's side, then reads the assignment. */
export async function assignCase(
  ctx: EngineContext,
  actor: Actor,
  caseId: string,
  username: string | null,
): Promise<CaseAssignment> {
  await setAssignee(ctx, actor, caseId, username);
  const c = await loadCase(ctx, caseId);
  return { case: c, holders: await assignmentOf(ctx, c.id) };
}

/** Who holds each side of a case of the actor's agency, and every change. */
export async function caseAssignment(ctx: EngineContext, actor: Actor, caseId: string): Promise<CaseAssignment> {
  const c = await loadCase(ctx, caseId);
  caseAgencyOf(actor, c);
  return { case: c, holders: await assignmentOf(ctx, c.id) };
}

/** The workload of the actor's own agency (agencyWorkload), "due soon" being within `dueSoonWorkingDays`. */
export async function ownAgencyWorkload(ctx: EngineContext, actor: Actor, dueSoonWorkingDays: number) {
  const home = homeAgency(actor);
  const today = ctx.today();
  const agency = await ctx.db.agency.findUniqueOrThrow({ where: { id: home }, select: { code: true } });
  const dueSoonCutoff = ctx.calendar.addWorkingDays(today, dueSoonWorkingDays).value;
  const w = await agencyWorkload(ctx, home, today, dueSoonCutoff);
  return { agency: agency.code, dueSoonWorkingDays, ...w };
}

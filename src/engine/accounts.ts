// Staff and administrator accounts, as administrators manage them: create, list, disable or
// enable, reset a password, change a role or agency. Each change is written with its line in the
// admin audit in one transaction, and any of them ends every token the user holds (tokenVersion).
// Who a token belongs to is ./users.ts; logging in and one's own password, ./sessions.ts.
import type { Agency, User } from "../generated/prisma/client.ts";
import { hashPassword, passwordWeakness } from "../auth/passwords.ts";
import { problems } from "../problems.ts";
import { recordAudit } from "./audit.ts";
import { namedAgency } from "./agencies.ts";
import type { Actor, EngineContext } from "./context.ts";

/** An account with its agency (null for administrators). */
export type AccountRow = User & { agency: Agency | null };
import type { Role } from "../auth/tokens.ts";

export { ROLES, type Role } from "../auth/tokens.ts";

export interface NewAccount {
  username: string;
  password: string;
  role: Role;
  agencyCode?: string;
}

export interface AccountChange {
  disabled?: boolean;
  password?: string;
  role?: Role;
  agencyCode?: string;
}

/** Refuses a blank or common password with a 422 naming the field and the reason. */
export async function requireStrongPassword(password: string, path: string): Promise<void> {
  const weak = await passwordWeakness(password);
  if (weak) throw problems.invalid([{ path, message: weak }], "The password is refused.");
}

/** What the audit keeps of a new account (the account as the API shows it). */
const auditedAccount = (u: AccountRow) => ({
  id: u.id,
  username: u.username,
  role: u.role,
  agencyCode: u.agency?.code ?? null,
  disabled: u.disabled,
});

export async function createAccount(ctx: EngineContext, actor: Actor, input: NewAccount): Promise<AccountRow> {
  let agencyId: number | null = null;
  if (input.role === "staff") {
    if (!input.agencyCode) throw problems.invalid([{ path: "agencyCode", message: "staff belong to an agency" }]);
    agencyId = (await namedAgency(ctx, input.agencyCode, "agencyCode")).id;
  } else if (input.agencyCode) {
    throw problems.invalid([{ path: "agencyCode", message: "administrators do not belong to an agency" }]);
  }
  if (await ctx.db.user.findUnique({ where: { username: input.username } }))
    throw problems.conflict(`User ${input.username} already exists.`);
  await requireStrongPassword(input.password, "password");
  const passwordHash = await hashPassword(input.password);
  return ctx.db.$transaction(async (tx) => {
    const created = await tx.user.create({
      data: { username: input.username, passwordHash, role: input.role, agencyId },
      include: { agency: true },
    });
    await recordAudit(tx, actor, {
      action: "user.created",
      target: `user:${created.username}`,
      after: auditedAccount(created),
    });
    return created;
  });
}

export function listAccounts(ctx: EngineContext): Promise<AccountRow[]> {
  return ctx.db.user.findMany({ orderBy: { username: "asc" }, include: { agency: true } });
}

/** The agency an account has after a change to `role` (staff need one, administrators have none). */
async function agencyAfter(ctx: EngineContext, u: AccountRow, role: string, agencyCode: string | undefined) {
  if (role !== "staff") {
    if (agencyCode !== undefined)
      throw problems.invalid([{ path: "agencyCode", message: "administrators do not belong to an agency" }]);
    return null;
  }
  if (agencyCode !== undefined) return (await namedAgency(ctx, agencyCode, "agencyCode")).id;
  if (u.agencyId === null) throw problems.invalid([{ path: "agencyCode", message: "staff belong to an agency" }]);
  return u.agencyId;
}

type UserChange = {
  disabled?: boolean;
  passwordHash?: string;
  role?: string;
  agencyId?: number | null;
  tokenVersion?: { increment: number };
};

/** Disables or enables an account, resets its password, changes its role or agency; 404 when there is none. */
export async function updateAccount(
  ctx: EngineContext,
  actor: Actor,
  username: string,
  change: AccountChange,
): Promise<AccountRow> {
  const u = await ctx.db.user.findUnique({ where: { username }, include: { agency: true } });
  if (!u) throw problems.notFound(`User ${username}`);
  if (change.disabled && u.id === actor.userId) throw problems.conflict("You cannot disable your own account.");
  const role = change.role ?? u.role;
  if (role !== u.role && u.id === actor.userId) throw problems.conflict("You cannot change your own role.");
  const agencyId = await agencyAfter(ctx, u, role, change.agencyCode);
  if (change.password) await requireStrongPassword(change.password, "password");
  const data: UserChange = {};
  if (change.disabled !== undefined && change.disabled !== u.disabled) data.disabled = change.disabled;
  if (change.password) data.passwordHash = await hashPassword(change.password);
  const roleChanged = role !== u.role || agencyId !== u.agencyId;
  if (roleChanged) Object.assign(data, { role, agencyId });
  // Any of these ends every token the user holds, on every node (api/auth.ts compares the version).
  if (Object.keys(data).length > 0) data.tokenVersion = { increment: 1 };
  return ctx.db.$transaction(async (tx) => {
    const after = await tx.user.update({ where: { id: u.id }, data, include: { agency: true } });
    for (const entry of accountChanges(u, after, data, roleChanged))
      await recordAudit(tx, actor, { target: `user:${u.username}`, ...entry });
    return after;
  });
}

/** The audit entries of an account's update, in the order they are written. */
function accountChanges(u: AccountRow, after: AccountRow, data: UserChange, roleChanged: boolean) {
  const entries = [];
  if (data.disabled !== undefined) {
    entries.push({
      action: data.disabled ? ("user.disabled" as const) : ("user.enabled" as const),
      before: { disabled: u.disabled },
      after: { disabled: after.disabled },
    });
  }
  if (data.passwordHash) entries.push({ action: "user.password_reset" as const });
  if (roleChanged) {
    const view = (x: AccountRow) => ({ role: x.role, agencyCode: x.agency?.code ?? null });
    entries.push({ action: "user.role_changed" as const, before: view(u), after: view(after) });
  }
  return entries;
}

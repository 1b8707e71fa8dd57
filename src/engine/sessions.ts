// A user's own session: logging in (a token for a username and password), who the token belongs
// to, logging out (ending the one token, on every node), changing one's own password (ending every
// earlier token). Tokens are signed by src/auth/tokens.ts; their standing is read by ./users.ts.
import { decoyPasswordHash, hashPassword, verifyPassword } from "../auth/passwords.ts";
import type { TokenService, VerifiedToken } from "../auth/tokens.ts";
import { problems } from "../problems.ts";
import { requireStrongPassword, type Role } from "./accounts.ts";
import { recordAudit } from "./audit.ts";
import type { Actor, EngineContext } from "./context.ts";

export interface IssuedToken {
  token: string;
  expiresAt: Date;
  role: Role;
}

type Issuer = Pick<TokenService, "issue">;

async function issueFor(
  tokens: Issuer,
  user: { id: number; role: string; tokenVersion: number },
): Promise<IssuedToken> {
  const role = user.role as Role;
  const { token, expiresAt } = await tokens.issue({ userId: user.id, role, version: user.tokenVersion });
  return { token, expiresAt, role };
}

/** A token for a username and password; 401 for an unknown user, a wrong password or a disabled account alike. */
export async function logIn(
  ctx: EngineContext,
  tokens: Issuer,
  credentials: { username: string; password: string },
): Promise<IssuedToken> {
  const user = await ctx.db.user.findUnique({ where: { username: credentials.username } });
  // Verify against a decoy when the user is unknown, so timing does not reveal usernames.
  const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), credentials.password);
  if (!user || !ok || user.disabled)
    throw problems.unauthorized("Wrong username or password, or the account is disabled.");
  return issueFor(tokens, user);
}

export interface Me {
  id: number;
  username: string;
  role: Role;
  agency: { code: string; name: string } | null;
}

/** The signed-in user, with their agency. */
export async function me(ctx: EngineContext, actor: Actor): Promise<Me> {
  const user = await ctx.db.user.findUniqueOrThrow({ where: { id: actor.userId }, include: { agency: true } });
  return {
    id: user.id,
    username: user.username,
    role: user.role as Role,
    agency: user.agency ? { code: user.agency.code, name: user.agency.name } : null,
  };
}

/** Ends the presented token on every node (listed until it would have expired anyway). */
export async function logOut(ctx: EngineContext, token: Pick<VerifiedToken, "jti" | "userId" | "expiresAtMs">) {
  // expired rows are dropped on the way
  await ctx.db.revokedToken.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  try {
    await ctx.db.revokedToken.create({
      data: { jti: token.jti, userId: token.userId, expiresAt: new Date(token.expiresAtMs) },
    });
  } catch (e) {
    // the same token logged out twice at once: it is ended either way
    if ((e as { code?: string }).code !== "P2002") throw e;
  }
}

/** Changes the actor's own password: every earlier token ends, a new one is returned. */
export async function changeOwnPassword(
  ctx: EngineContext,
  tokens: Issuer,
  actor: Actor,
  change: { currentPassword: string; newPassword: string },
): Promise<IssuedToken> {
  const user = await ctx.db.user.findUniqueOrThrow({ where: { id: actor.userId } });
  if (!(await verifyPassword(user.passwordHash, change.currentPassword))) {
    throw problems.invalid([{ path: "currentPassword", message: "is not your current password" }]);
  }
  if (change.newPassword === change.currentPassword)
    throw problems.invalid([{ path: "newPassword", message: "must differ from the current password" }]);
  await requireStrongPassword(change.newPassword, "newPassword");
  const passwordHash = await hashPassword(change.newPassword);
  const updated = await ctx.db.$transaction(async (tx) => {
    const u = await tx.user.update({
      where: { id: user.id },
      data: { passwordHash, tokenVersion: { increment: 1 } },
    });
    await recordAudit(tx, actor, { action: "user.password_changed", target: `user:${u.username}` });
    return u;
  });
  return issueFor(tokens, updated);
}

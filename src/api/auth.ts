// Bearer authentication. The token says who; the database says whether that user may still
// act (a disabled user's tokens stop working on the next request, on every node) and whether
// the token itself still stands (not logged out, issued since the last password or role change).
import type { Request, Response, NextFunction } from "express";
import type { Db } from "../db/client.ts";
import type { TokenService } from "../auth/tokens.ts";
import type { Actor } from "../engine/context.ts";
import { problems } from "../problems.ts";
import { storeFor } from "../engine/store.ts";
import type { Access } from "./route.ts";

export function authGuards(db: Db, tokens: TokenService): Record<Access, (req: Request, res: Response, next: NextFunction) => void> {
  async function authenticate(req: Request, res: Response): Promise<Actor> {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw problems.unauthorized();
    const claims = await tokens.verify(match[1]);
    if (!claims) throw problems.unauthorized("The token is invalid or has expired.");
    // Batched with the other requests of this turn of the event loop; never cached, so a
    // disabled account, a reset password or a changed role (tokenVersion raised) or a logout
    // (RevokedToken) is refused on its very next request, on every node.
    const loaders = storeFor(db).loaders;
    const [user, revoked] = await Promise.all([loaders.userById.load(claims.userId), loaders.revokedToken.load(claims.jti)]);
    if (!user || user.disabled) throw problems.unauthorized("This account is disabled or no longer exists.");
    if (revoked || Number(user.tokenVersion) !== claims.version) {
      throw problems.unauthorized("This token has ended (logged out, or the password, role or account status changed).");
    }
    const actor: Actor = { kind: user.role as Actor["kind"], userId: user.id, username: user.username, agencyId: user.agencyId };
    res.locals.actor = actor;
    res.locals.token = claims;
    return actor;
  }

  const guard = (check: (a: Actor) => void) => (req: Request, res: Response, next: NextFunction) => {
    authenticate(req, res)
      .then((actor) => {
        check(actor);
        next();
      })
      .catch(next);
  };

  return {
    public: (_req, _res, next) => next(),
    user: guard(() => {}),
    staff: guard((a) => {
      if (a.kind !== "staff") throw problems.forbidden("This is for agency staff.");
    }),
    admin: guard((a) => {
      if (a.kind !== "admin") throw problems.forbidden("This is for administrators.");
    }),
  };
}

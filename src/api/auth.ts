// Bearer authentication. The token says who; the database says whether that user may still
// act (a disabled user's tokens stop working on the next request, on every node) and whether
// the token itself still stands (not logged out, issued since the last password or role change).
import type { Request, Response, NextFunction } from "express";
import type { TokenService } from "../auth/tokens.ts";
import type { Actor, EngineContext } from "../engine/context.ts";
import { problems } from "../problems.ts";
import { activeActor } from "../engine/users.ts";
import type { Access } from "./route.ts";
import { authenticateApiClient, isApiClientKey } from "../engine/apiClients.ts";

export function authGuards(
  { db }: Pick<EngineContext, "db">,
  tokens: TokenService,
): Record<Access, (req: Request, res: Response, next: NextFunction) => void> {
  async function authenticate(req: Request, res: Response): Promise<Actor> {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw problems.unauthorized();
    // API clients (service accounts) have keys of their own shape: src/engine/apiClients.ts
    if (isApiClientKey(match[1])) return (res.locals.actor = await authenticateApiClient(db, match[1]));
    const claims = await tokens.verify(match[1]);
    if (!claims) throw problems.unauthorized("The token is invalid or has expired.");
    const found = await activeActor(db, claims);
    if ("refused" in found) {
      throw problems.unauthorized(
        found.refused === "account"
          ? "This account is disabled or no longer exists."
          : "This token has ended (logged out, or the password, role or account status changed).",
      );
    }
    const actor = found.actor;
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
    user: guard((a) => {
      if (a.kind === "client") throw problems.forbidden("This is not for API clients.");
    }),
    userOrClient: guard(() => {}),
    staff: guard((a) => {
      if (a.kind !== "staff") throw problems.forbidden("This is for agency staff.");
    }),
    // staff, or an API client (what it may do on a case is checked by the engine)
    client: guard((a) => {
      if (a.kind !== "staff" && a.kind !== "client") throw problems.forbidden("This is for agency staff.");
    }),
    admin: guard((a) => {
      if (a.kind !== "admin") throw problems.forbidden("This is for administrators.");
    }),
  };
}

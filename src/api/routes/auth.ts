// Login for staff and administrators.
import type { Request, Response, NextFunction } from "express";
import { z } from "zod";
import { rateLimit, ipKeyGenerator } from "express-rate-limit";
import type { VerifiedToken } from "../../auth/tokens.ts";
import { changeOwnPassword, logIn, logOut, me, type IssuedToken } from "../../engine/sessions.ts";
import { problems } from "../../problems.ts";
import type { ApiDeps } from "../deps.ts";
import { meSchema, tokenSchema } from "../schemas.ts";

const loginBody = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
  .strict()
  .meta({ id: "Login" });

const passwordChangeBody = z
  .object({
    currentPassword: z.string().min(1).max(256),
    newPassword: z.string().min(12, "at least 12 characters").max(256),
  })
  .strict()
  .meta({ id: "PasswordChange" });

/** One account's failed logins in the current window: in all, and per address that failed. */
interface AccountFailures {
  resetAt: number;
  total: number;
  byAddress: Map<string, number>;
}

const WINDOW_MS = 60_000;
const MAX_ACCOUNTS = 100_000;
const MAX_ADDRESSES_PER_ACCOUNT = 10_000;

/**
 * Failed logins per account, scoped to the addresses that failed (docs/security.md, "Login
 * throttling"): once an account has had `perMinute` failures in a minute, from any addresses,
 * every address that failed for it is refused for that account until the minute is over, while
 * an address that has not failed for it (the owner's) still gets in. In memory, per node.
 */
export class AccountThrottle {
  private readonly accounts = new Map<string, AccountFailures>();
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  private current(username: string): AccountFailures | undefined {
    const a = this.accounts.get(username);
    if (a && a.resetAt <= this.now()) {
      this.accounts.delete(username);
      return undefined;
    }
    return a;
  }

  /** Seconds to wait when this address may not try this account now, else undefined. */
  refusal(username: string, address: string): number | undefined {
    const a = this.current(username);
    if (!a || a.total < this.perMinute) return undefined;
    // A flood of fresh addresses beyond the bound is treated as failing (the map stays bounded).
    if (!a.byAddress.has(address) && a.byAddress.size < MAX_ADDRESSES_PER_ACCOUNT) return undefined;
    return Math.max(1, Math.ceil((a.resetAt - this.now()) / 1000));
  }

  /** Counts an attempt as failed (before its outcome is known); `undo` takes it back. */
  attempt(username: string, address: string): { undo: () => void } {
    let a = this.current(username);
    if (!a) {
      if (this.accounts.size >= MAX_ACCOUNTS) this.accounts.delete(this.accounts.keys().next().value!);
      a = { resetAt: this.now() + WINDOW_MS, total: 0, byAddress: new Map() };
      this.accounts.set(username, a);
    }
    const entry = a;
    entry.total++;
    entry.byAddress.set(address, (entry.byAddress.get(address) ?? 0) + 1);
    let undone = false;
    return {
      undo: () => {
        if (undone || this.accounts.get(username) !== entry) return;
        undone = true;
        entry.total--;
        const n = (entry.byAddress.get(address) ?? 1) - 1;
        if (n > 0) entry.byAddress.set(address, n);
        else entry.byAddress.delete(address);
      },
    };
  }
}

export function loginLimiter(perMinute: number) {
  // Failed attempts are throttled by client (address) and, per account, by the addresses that
  // failed for it: one address cannot try many accounts, and many addresses cannot keep trying
  // one account, yet nobody can lock an account's owner out from another address.
  // Successful logins do not count, so colleagues behind one office address are not locked out.
  const byClient = rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: "draft-8",
    identifier: "login-client",
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? "unknown"),
    handler: (_req, _res, next) => next(problems.tooMany("Too many login attempts; wait a minute.")),
  });
  const throttle = new AccountThrottle(perMinute);
  const byAccount = (req: Request, res: Response, next: NextFunction) => {
    // Only a string username is a key (String() of an arbitrary JSON value can throw).
    if (typeof req.body?.username !== "string") return next();
    const username = req.body.username.slice(0, 64);
    const address = ipKeyGenerator(req.ip ?? "unknown");
    const wait = throttle.refusal(username, address);
    if (wait !== undefined) {
      res.setHeader("Retry-After", String(wait));
      return next(problems.tooMany("Too many failed logins for this account from this address; wait a minute."));
    }
    // Counted before the outcome (so a burst of parallel guesses counts in full); anything but a
    // refused password (401) is taken back when the answer goes out.
    const counted = throttle.attempt(username, address);
    res.on("finish", () => {
      if (res.statusCode !== 401) counted.undo();
    });
    next();
  };
  return [byClient, byAccount];
}

const tokenView = (t: IssuedToken): z.output<typeof tokenSchema> => ({
  token: t.token,
  tokenType: "Bearer",
  expiresAt: t.expiresAt.toISOString(),
  role: t.role,
});

function logInRoute({ ctx, tokens, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/auth/login",
    operationId: "logIn",
    summary: "Exchange a username and password for a bearer token",
    tags: ["auth"],
    access: "public",
    body: loginBody,
    responses: { 200: { description: "A bearer token", schema: tokenSchema } },
    errors: [401, 429],
    handler: async ({ body }) => tokenView(await logIn(ctx, tokens, body)),
  });
}

function meRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/me",
    operationId: "getMe",
    summary: "Who the token belongs to",
    tags: ["auth"],
    access: "user",
    responses: { 200: { description: "The current user", schema: meSchema } },
    handler: async ({ actor }) => (await me(ctx, actor!)) satisfies z.output<typeof meSchema>,
  });
}

function logOutRoute({ ctx, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/auth/logout",
    operationId: "logOut",
    summary: "End the presented token (on every node); other tokens of the user stay valid",
    tags: ["auth"],
    access: "user",
    responses: { 204: { description: "The token is ended", empty: true } },
    handler: async ({ res }) => {
      await logOut(ctx, res.locals.token as VerifiedToken);
      res.status(204).end();
      return undefined;
    },
  });
}

function changePasswordRoute({ ctx, tokens, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/me/password",
    operationId: "changeOwnPassword",
    summary: "Change one's own password; every earlier token of the user ends, a new one is returned",
    tags: ["auth"],
    access: "user",
    body: passwordChangeBody,
    responses: { 200: { description: "A new bearer token (the presented one has ended)", schema: tokenSchema } },
    handler: async ({ body, actor }) => tokenView(await changeOwnPassword(ctx, tokens, actor!, body)),
  });
}

export function authRoutes(deps: ApiDeps) {
  logInRoute(deps);
  meRoute(deps);
  logOutRoute(deps);
  changePasswordRoute(deps);
}

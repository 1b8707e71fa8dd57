// Login for staff and administrators.
import { z } from "zod";
import { rateLimit, ipKeyGenerator } from "express-rate-limit";
import { decoyPasswordHash, verifyPassword } from "../../auth/passwords.ts";
import { problems } from "../../problems.ts";
import type { ApiDeps } from "../deps.ts";

const loginBody = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
  .strict()
  .meta({ id: "Login" });

export function loginLimiter(perMinute: number) {
  // Throttle by client and by username, so neither one client nor a distributed guess at
  // one account gets far.
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? "unknown")}|${String(req.body?.username ?? "").slice(0, 64)}`,
    handler: (_req, _res, next) => next(problems.tooMany("Too many login attempts; wait a minute.")),
  });
}

export function authRoutes({ ctx, tokens, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/auth/login",
    summary: "Exchange a username and password for a bearer token",
    tags: ["auth"],
    access: "public",
    body: loginBody,
    responses: { 200: { description: "A bearer token" } },
    errors: [401, 429],
    handler: async ({ body }) => {
      const user = await ctx.db.user.findUnique({ where: { username: body.username } });
      // Verify against a decoy when the user is unknown, so timing does not reveal usernames.
      const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), body.password);
      if (!user || !ok || user.disabled) throw problems.unauthorized("Wrong username or password, or the account is disabled.");
      const { token, expiresAt } = await tokens.issue({ userId: user.id, role: user.role as "staff" | "admin" });
      return { token, tokenType: "Bearer", expiresAt: expiresAt.toISOString(), role: user.role };
    },
  });

  add({
    method: "get",
    path: "/api/me",
    summary: "Who the token belongs to",
    tags: ["auth"],
    access: "user",
    responses: { 200: { description: "The current user" } },
    handler: async ({ actor }) => {
      const user = await ctx.db.user.findUniqueOrThrow({ where: { id: actor!.userId }, include: { agency: true } });
      return {
        id: user.id,
        username: user.username,
        role: user.role,
        agency: user.agency ? { code: user.agency.code, name: user.agency.name } : null,
      };
    },
  });
}

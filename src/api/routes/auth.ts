// Login for staff and administrators.
import type { Request } from "express";
import { z } from "zod";
import { rateLimit, ipKeyGenerator } from "express-rate-limit";
import { decoyPasswordHash, verifyPassword } from "../../auth/passwords.ts";
import { problems } from "../../problems.ts";
import type { ApiDeps } from "../deps.ts";
import { meSchema, tokenSchema } from "../schemas.ts";

const loginBody = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
  .strict()
  .meta({ id: "Login" });

export function loginLimiter(perMinute: number) {
  // Throttle failed attempts by client and, separately, by username: a key made of both would
  // let one client try many usernames, or many clients try one username, without limit.
  // Successful logins do not count, so colleagues behind one office address are not locked out.
  const limiter = (scope: string, key: (req: Request) => string) =>
    rateLimit({
      windowMs: 60_000,
      limit: perMinute,
      standardHeaders: "draft-8",
      identifier: `login-${scope}`,
      legacyHeaders: false,
      skipSuccessfulRequests: true,
      keyGenerator: key,
      handler: (_req, _res, next) => next(problems.tooMany("Too many login attempts; wait a minute.")),
    });
  return [
    limiter("client", (req) => ipKeyGenerator(req.ip ?? "unknown")),
    // Only a string username is a key (String() of an arbitrary JSON value can throw).
    limiter("user", (req) => (typeof req.body?.username === "string" ? req.body.username.slice(0, 64) : "")),
  ];
}

export function authRoutes({ ctx, tokens, add }: ApiDeps) {
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
    handler: async ({ body }) => {
      const user = await ctx.db.user.findUnique({ where: { username: body.username } });
      // Verify against a decoy when the user is unknown, so timing does not reveal usernames.
      const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), body.password);
      if (!user || !ok || user.disabled) throw problems.unauthorized("Wrong username or password, or the account is disabled.");
      const { token, expiresAt } = await tokens.issue({ userId: user.id, role: user.role as "staff" | "admin" });
      const role = user.role as "staff" | "admin";
      const answer: z.output<typeof tokenSchema> = { token, tokenType: "Bearer", expiresAt: expiresAt.toISOString(), role };
      return answer;
    },
  });

  add({
    method: "get",
    path: "/api/me",
    operationId: "getMe",
    summary: "Who the token belongs to",
    tags: ["auth"],
    access: "user",
    responses: { 200: { description: "The current user", schema: meSchema } },
    handler: async ({ actor }) => {
      const user = await ctx.db.user.findUniqueOrThrow({ where: { id: actor!.userId }, include: { agency: true } });
      return {
        id: user.id,
        username: user.username,
        role: user.role as "staff" | "admin",
        agency: user.agency ? { code: user.agency.code, name: user.agency.name } : null,
      } satisfies z.output<typeof meSchema>;
    },
  });
}

// The Express application: middleware, routes, OpenAPI, errors as problem details.
import { randomUUID } from "node:crypto";
import express, { type Request, type Response, type NextFunction } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import swaggerUi from "swagger-ui-express";
import type { Config } from "../config.ts";
import type { EngineContext } from "../engine/context.ts";
import type { TokenService } from "../auth/tokens.ts";
import { CalendarError } from "../calendar/index.ts";
import { isDomainError } from "../domain/errors.ts";
import { Problem, problems } from "../problems.ts";
import { authGuards } from "./auth.ts";
import { addRoute } from "./route.ts";
import { createRegistry, eventDocBody, generateDocument } from "./openapi.ts";
import type { Metrics } from "./metrics.ts";
import type { ApiDeps } from "./deps.ts";
import { authRoutes, loginLimiter } from "./routes/auth.ts";
import { adminRoutes } from "./routes/admin.ts";
import { caseRoutes } from "./routes/cases.ts";
import { publicRoutes, statusLimiter } from "./routes/public.ts";

export interface AppServices {
  ctx: EngineContext;
  config: Config;
  tokens: TokenService;
  metrics: Metrics;
}

export function createApp({ ctx, config, tokens, metrics }: AppServices) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.TRUST_PROXY);
  app.set("etag", false);

  app.use(helmet());
  app.use(
    pinoHttp({
      logger: ctx.log,
      genReqId: (req, res) => {
        const given = req.headers["x-request-id"];
        const id = typeof given === "string" && /^[\x21-\x7e]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      // Only what is safe to keep: no headers (tokens), no query strings or bodies (personal data).
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, path: String(req.url).split("?")[0] }),
        res: (res) => ({ statusCode: res.statusCode }),
        err: (err) => ({ type: err.type, message: err.message, stack: err.stack }),
      },
      wrapSerializers: false,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "info" : "debug"),
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on("finish", () => end({ method: req.method, route: req.route?.path ?? "unmatched", status: String(res.statusCode) }));
    next();
  });
  app.use(express.json({ limit: "64kb", strict: true }));

  app.post("/api/auth/login", loginLimiter(config.LOGIN_RATE_LIMIT_PER_MINUTE));
  app.post("/api/status", statusLimiter(config.STATUS_RATE_LIMIT_PER_MINUTE));

  const registry = createRegistry();
  const router = express.Router();
  const guards = authGuards(ctx.db, tokens);
  const deps: ApiDeps = {
    ctx,
    config,
    tokens,
    add: (spec) => addRoute(router, registry, guards, spec),
    eventDocBody: eventDocBody(ctx.machines),
  };
  authRoutes(deps);
  publicRoutes(deps);
  caseRoutes(deps);
  adminRoutes(deps);
  app.use(router);

  const document = generateDocument(registry);
  app.get("/api/openapi.json", (_req, res) => {
    res.json(document);
  });
  app.use("/docs", swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: "Case tracker API" }));
  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use((req: Request, _res: Response, next: NextFunction) => next(problems.notFound(`${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}

function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === "entity.parse.failed") return problems.badRequest("The body is not valid JSON.");
  if (e?.type === "entity.too.large") return new Problem(413, "too-large", "Payload too large", "The body exceeds 64 KiB.");
  if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported") {
    return new Problem(415, "unsupported-media-type", "Unsupported media type", "Send UTF-8 JSON.");
  }
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) return new Problem(e.status, "bad-request", "Bad request", e.message);
  if (err instanceof CalendarError) return problems.invalid([{ path: "occurredOn", message: err.message }]);
  if (isDomainError(err)) return problems.invalid([{ path: "(body)", message: (err as Error).message }]);
  return new Problem(500, "internal", "Internal server error", "Something went wrong; the request id identifies it in the logs.");
}

function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction) {
  const p = toProblem(err);
  if (p.status >= 500) req.log?.error({ err }, "request failed");
  if (res.headersSent) return;
  res.status(p.status).type("application/problem+json").send(JSON.stringify(p.toJSON(req.originalUrl.split("?")[0])));
}

// The Express application: middleware, routes, OpenAPI, errors as problem details.
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Duplex } from "node:stream";
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express, type Request, type Response, type NextFunction } from "express";
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import type { Config } from "../config.ts";
import type { EngineContext } from "../engine/context.ts";
import type { TokenService } from "../auth/tokens.ts";
import { CalendarError } from "../calendar/index.ts";
import { isDomainError } from "../domain/errors.ts";
import { Problem, problems } from "../problems.ts";
import { wellFormedDeep } from "../domain/text.ts";
import { authGuards } from "./auth.ts";
import { securityHeaders } from "./headers.ts";
import { requestLog } from "./requestLog.ts";
import { addRoute } from "./route.ts";
import { createRegistry, eventDocBody, generateDocument } from "./openapi.ts";
import { metricsGuard, type Metrics } from "./metrics.ts";
import type { ApiDeps } from "./deps.ts";
import { authRoutes, loginLimiter } from "./routes/auth.ts";
import { adminRoutes } from "./routes/admin/index.ts";
import { apiClientRoutes } from "./routes/apiClients.ts";
import { caseRoutes } from "./routes/cases.ts";
import { caseImportRoutes } from "./routes/caseImport.ts";
import { assessmentRoutes } from "./routes/assessment.ts";
import { publicRoutes, statusLimiter } from "./routes/public.ts";
import { webhookRoutes } from "./routes/webhooks/index.ts";
import { reportRoutes } from "./routes/reports.ts";
import { documentRoutes } from "./routes/documents.ts";
import { clerkRoutes } from "./routes/clerk.ts";
import { partiesRoutes } from "./routes/parties.ts";
import { contributionRoutes } from "./routes/contributions.ts";
import { contributionImportRoutes } from "./routes/contributionImport.ts";

export interface AppServices {
  ctx: EngineContext;
  config: Config;
  tokens: TokenService;
  metrics: Metrics;
}

export function createApp(services: AppServices) {
  const { config } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.TRUST_PROXY);
  app.set("etag", false);
  useRequestHandling(app, services);
  useBodyChecks(app);
  useLimiters(app, config);
  const registry = createRegistry();
  app.use(apiRouter(services, registry));
  serveDocumentation(app, registry, services);
  serveWebInterface(app);
  app.use((req: Request, _res: Response, next: NextFunction) => next(problems.notFound(`${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}

/** Security headers, the request log, the request-duration metric, no caching of API answers. */
function useRequestHandling(app: Express, { ctx, metrics }: AppServices) {
  // No upgrade-insecure-requests: TLS is terminated in front of the service (or not at all on an
  // office LAN), and the directive would send the pages' own scripts to an https port that is not there.
  // Helmet's headers, computed once at start (src/api/headers.ts).
  app.use(securityHeaders({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // The request log (src/api/requestLog.ts): its work is done only for a line that is written.
  app.use(
    requestLog(ctx.log, {
      genReqId: (req, res) => {
        const given = req.headers["x-request-id"];
        // A caller's id is kept only if it looks like one (letters, digits, - _ .), never free
        // text that could carry a name into the logs; digit runs long enough to be an ID or phone number are refused too.
        const id =
          typeof given === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(given) && !/\d{11,}/.test(given)
            ? given
            : randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      // The path is added when the request completes, when it is known whether a route matched.
      lineFields: (req) => ({ path: pathOf(req as Request) }),
      // A line below the configured level would be dropped by pino anyway: "silent" skips it
      // before it is built (the path masking included).
      levelOf: (_req, res, err) => {
        const level = err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "info" : "debug";
        return ctx.log.isLevelEnabled(level) ? level : "silent";
      },
    }),
  );
  // The request-duration metric: one observe with its labels when the answer is sent (prom-client's
  // startTimer would add a closure and a copy of the labels per request).
  const httpDuration = metrics.httpDuration;
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.once("finish", () =>
      httpDuration.observe(
        { method: req.method, route: req.route?.path ?? "unmatched", status: String(res.statusCode) },
        (performance.now() - started) / 1000,
      ),
    );
    next();
  });
  // API answers may carry personal data: no shared or browser cache keeps them.
  app.use("/api", (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });
}

/** The JSON body parser, then the checks every body passes before any route sees it. */
function useBodyChecks(app: Express) {
  // The raw body tells, before parsing, which of the two walks below could find anything (bodyChecks).
  app.use(express.json({ limit: "64kb", strict: true, verify: noteBodyChecks }));
  // No request of this API nests deeper than a few levels; a deeper body (64 KiB allows 30 000
  // levels) would overflow the stack of whatever walks it recursively (JSON.stringify, String()).
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(
      bodyChecks.get(req)?.depth !== false && nestedDeeperThan(req.body, MAX_JSON_DEPTH)
        ? problems.badRequest(`The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`)
        : undefined,
    );
  });
  // A string that is not well-formed Unicode (a lone surrogate such as "\ud800", which JSON allows
  // as an escape) cannot be stored or compared reliably: refused here, for every route at once.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(
      bodyChecks.get(req)?.unicode === false || wellFormedDeep(req.body)
        ? undefined
        : problems.invalid([{ path: "(body)", message: "strings must be well-formed Unicode (no lone surrogates)" }]),
    );
  });
}

/** The rate limits that run before the routes (login, the status lookup), and the benchmark's no-op. */
function useLimiters(app: Express, config: Config) {
  app.post("/api/auth/login", loginLimiter(config.LOGIN_RATE_LIMIT_PER_MINUTE));
  // one budget for the status lookup and the insured person's documents (the same check)
  app.post(
    ["/api/status", "/api/status/documents", "/api/status/documents/pdf"],
    statusLimiter(config.STATUS_RATE_LIMIT_PER_MINUTE),
  );
  if (config.BENCH_SAFEGUARDED_NOOP === "on") {
    // Benchmark only (docs/performance.md, scenario 6): the ceiling of any route of this service.
    // Behind everything the status lookup passes (the middleware above, a limiter of its own with
    // the same settings, the router and the public guard), answering a constant. Not in the
    // OpenAPI document; off unless BENCH_SAFEGUARDED_NOOP=on.
    const noopRouter = express.Router();
    noopRouter.post(
      "/api/bench/safeguarded-noop",
      (_req: Request, _res: Response, next: NextFunction) => next(),
      (_req, res) => {
        res.json({});
      },
    );
    app.post("/api/bench/safeguarded-noop", statusLimiter(config.STATUS_RATE_LIMIT_PER_MINUTE));
    app.use(noopRouter);
  }
}

/**
 * The API's routes, each registered in the OpenAPI registry as it is added. The order matters: it
 * is Express's matching order and the order of the document's paths.
 */
function apiRouter({ ctx, config, tokens }: AppServices, registry: OpenAPIRegistry) {
  const router = express.Router();
  const guards = authGuards(ctx, tokens);
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
  caseImportRoutes(deps);
  assessmentRoutes(deps);
  adminRoutes(deps);
  apiClientRoutes(deps);
  webhookRoutes(deps);
  reportRoutes(deps);
  documentRoutes(deps);
  clerkRoutes(deps);
  partiesRoutes(deps);
  contributionRoutes(deps);
  contributionImportRoutes(deps);
  return router;
}

/** The OpenAPI document, the interactive reference (/docs) and the metrics (/metrics). */
function serveDocumentation(app: Express, registry: OpenAPIRegistry, { config, metrics }: AppServices) {
  // The OpenAPI document and the swagger-ui pages are made on their first request, not at start:
  // together they hold some 15 MB that a node answering lookups never needs.
  let document: ReturnType<typeof generateDocument> | undefined;
  const openApiDocument = () => (document ??= generateDocument(registry));
  app.get("/api/openapi.json", (_req, res) => {
    res.json(openApiDocument());
  });
  let docsPages: Promise<express.Router> | undefined;
  app.use("/docs", (req: Request, res: Response, next: NextFunction) => {
    docsPages ??= import("swagger-ui-express").then(({ default: swaggerUi }) =>
      express
        .Router()
        .use(swaggerUi.serve, swaggerUi.setup(openApiDocument(), { customSiteTitle: "Case tracker API" })),
    );
    docsPages.then((pages) => pages(req, res, next), next);
  });
  app.get("/metrics", metricsGuard(config.METRICS_TOKEN), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/**
 * The web interface: plain static files from src/web/public (no build step); /console and /admin
 * are the staff console and the admin pages, / the insured person's status page.
 */
function serveWebInterface(app: Express) {
  const webRoot = fileURLToPath(new URL("../web/public/", import.meta.url));
  app.use(express.static(webRoot, { index: "index.html", redirect: false }));
  for (const page of ["console", "admin"])
    app.get(`/${page}`, (_req, res) => res.sendFile(`${page}.html`, { root: webRoot }));
  app.get("/verify/:code", (_req, res) => res.sendFile("verify.html", { root: webRoot }));
}

const MAX_JSON_DEPTH = 32;

/**
 * Which checks of a parsed JSON body can find anything, from its raw bytes (express.json's
 * verify, before parsing): a body with at most MAX_JSON_DEPTH bytes "{" or "[" cannot nest deeper
 * than that (in any UTF encoding each such character holds its byte, so the count never falls
 * short); and a lone surrogate can come only from a \u escape in UTF-8 JSON, where raw bytes
 * that are not well-formed UTF-8 decode to U+FFFD (other UTF encodings are always walked). A
 * request not in the map (no body) is walked as before; false means that walk can be skipped.
 */
const bodyChecks = new WeakMap<IncomingMessage, { depth: boolean; unicode: boolean }>();
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const BACKSLASH_U = Buffer.from("\\u");

function noteBodyChecks(req: IncomingMessage, _res: ServerResponse, buf: Buffer, encoding: string) {
  let opens = 0;
  for (let i = 0; i < buf.length && opens <= MAX_JSON_DEPTH; i++) {
    const b = buf[i];
    if (b === OPEN_BRACE || b === OPEN_BRACKET) opens++;
  }
  bodyChecks.set(req, {
    depth: opens > MAX_JSON_DEPTH,
    unicode: encoding !== "utf-8" || buf.includes(BACKSLASH_U),
  });
}

/** Whether a parsed JSON value nests objects or arrays more than `limit` levels deep (no recursion). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The request path as logged: never the query string, and nothing that could be personal data.
 * A path that matched a route holds ids, codes and usernames; long digit runs (ID or phone
 * numbers) and non-ASCII text (names), raw or %-encoded, are masked all the same. A path that
 * matched nothing (a mistyped or probing URL, which may carry anything, e.g. a name) is logged by
 * its top-level prefix only.
 */
export function loggablePath(url: string, matchedRoute = true): string {
  const path = url.split("?")[0];
  if (!matchedRoute) {
    const top = /^\/(api|docs|metrics|healthz)(?=\/|$)/.exec(path)?.[0] ?? "";
    return path === top ? top : `${top}/*`;
  }
  return path
    .replace(/(?:%[89A-Fa-f][0-9A-Fa-f])+/g, "*")
    .replace(/[^\x21-\x7e]+/g, "*")
    .replace(/\d{11,}[Xx]?/g, "*");
}

const pathOf = (req: Request) => loggablePath(String(req.originalUrl ?? req.url), req.route !== undefined);

const clientErrors: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, "headers-too-large", "Request header fields too large"],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, "too-large", "Payload too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "request-timeout", "Request timeout"],
};

/**
 * For the HTTP server's "clientError" event: requests that Node's parser rejects before Express
 * sees them (malformed, headers over the size limit) get problem details too, not a bare status.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex) {
  const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (err.code === "ECONNRESET" || !socket.writable || started) {
    socket.destroy();
    return;
  }
  const [status, slug, title] = clientErrors[err.code ?? ""] ?? [400, "bad-request", "Bad request"];
  const detail =
    status === 431 ? "The request line and headers exceed 16 KiB." : "The HTTP request could not be parsed.";
  const body = JSON.stringify({ type: `/problems/${slug}`, title, status, detail });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}

function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === "entity.parse.failed") return problems.badRequest("The body is not valid JSON.");
  if (e?.type === "entity.too.large")
    return new Problem(413, "too-large", "Payload too large", "The body exceeds 64 KiB.");
  if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported") {
    return new Problem(415, "unsupported-media-type", "Unsupported media type", "Send UTF-8 JSON.");
  }
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500)
    return new Problem(e.status, "bad-request", "Bad request", e.message);
  if (err instanceof CalendarError) return problems.invalid([{ path: "occurredOn", message: err.message }]);
  if (isDomainError(err)) return problems.invalid([{ path: "(body)", message: (err as Error).message }]);
  return new Problem(
    500,
    "internal",
    "Internal server error",
    "Something went wrong; the request id identifies it in the logs.",
  );
}

function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction) {
  const p = toProblem(err);
  if (p.status >= 500) req.log?.error({ err }, "request failed");
  if (res.headersSent) return;
  res
    .status(p.status)
    .type("application/problem+json")
    .send(JSON.stringify(p.toJSON(req.originalUrl.split("?")[0])));
}

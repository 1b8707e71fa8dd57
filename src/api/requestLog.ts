// The request log: one line per answer, at the level the app chooses, written when the answer
// is complete; nothing from headers, query strings or bodies (src/api/app.ts says what is kept).
// It writes the lines pino-http wrote ({ req: { id, method }, res: { statusCode }, responseTime,
// path }, "request completed" / "request errored"), with pino, but does no work for a request
// whose line is not written: pino-http built a child logger (its bindings serialized) for every
// request before knowing the level. Here the request's child logger (req.log) is made the first
// time something logs with it, and the level is asked for first.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Level } from "pino";
import type { Logger } from "../log.ts";

declare module "node:http" {
  interface IncomingMessage {
    /** the request id (X-Request-Id) */
    id: string;
    /** a child logger bound to { req: { id, method } }, made on first use */
    log: Logger;
  }
}

export interface RequestLogOptions {
  /** the request's id (may set the X-Request-Id header) */
  genReqId: (req: IncomingMessage, res: ServerResponse) => string;
  /** the line's level, "silent" for none */
  levelOf: (req: IncomingMessage, res: ServerResponse, err?: Error) => Level | "silent";
  /** fields added to the line (the path as logged) */
  lineFields: (req: IncomingMessage) => Record<string, unknown>;
}

export function requestLog(logger: Logger, o: RequestLogOptions) {
  // Only what is safe to keep: no headers (tokens), no query strings or bodies (personal data).
  const base = logger.child(
    {},
    {
      serializers: {
        req: (req: { id: string; method: string }) => ({ id: req.id, method: req.method }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: (err: Error & { type?: string }) => ({ type: err.type, message: err.message, stack: err.stack }),
      },
    },
  );
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const id = o.genReqId(req, res);
    req.id = id;
    let child: Logger | undefined;
    Object.defineProperty(req, "log", {
      configurable: true,
      enumerable: false,
      get: () => (child ??= base.child({ req: { id, method: req.method } })),
    });
    const started = Date.now();
    const done = (err?: Error) => {
      res.removeListener("close", done);
      res.removeListener("finish", done);
      res.removeListener("error", done);
      const level = o.levelOf(req, res, err);
      if (level === "silent") return;
      const line = { res: { statusCode: res.statusCode }, responseTime: Date.now() - started, ...o.lineFields(req) };
      if (err || res.statusCode >= 500) {
        const error = err ?? new Error(`failed with status code ${res.statusCode}`);
        req.log[level]({ ...line, err: error }, "request errored");
      } else req.log[level](line, "request completed");
    };
    res.on("close", done);
    res.on("finish", done);
    res.on("error", done);
    next();
  };
}

// Helmet's security headers, computed once. Helmet builds the same values on every request
// (the Content-Security-Policy string is joined from its directives each time); with options
// that hold no per-request function (no nonce), every request gets the same headers. So helmet
// runs once, here, against a recording response, and each request gets what it did: the same
// headers, set and removed in the same order.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request, Response, NextFunction } from "express";
import helmet, { type HelmetOptions } from "helmet";

type Op = ["set", string, string | number | readonly string[]] | ["remove", string];

/** The header operations helmet's middleware performs for any request, with these options. */
export function helmetOperations(options: HelmetOptions): Op[] {
  const ops: Op[] = [];
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      ops.push(["set", name, value]);
      return res;
    },
    removeHeader(name: string) {
      ops.push(["remove", name]);
    },
  };
  let done = false;
  let failed: unknown;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    failed = err;
    done = true;
  });
  if (failed) throw failed instanceof Error ? failed : new Error("helmet failed: " + JSON.stringify(failed));
  // Helmet's middleware is synchronous; a version that were not would not have called next yet.
  if (!done) throw new Error("helmet did not finish synchronously: its headers cannot be computed once");
  return ops;
}

/** Express middleware setting helmet's headers (see the top of this file). */
export function securityHeaders(options: HelmetOptions) {
  const ops = helmetOperations(options);
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const op of ops) {
      if (op[0] === "set") res.setHeader(op[1], op[2]);
      else res.removeHeader(op[1]);
    }
    next();
  };
}

// Helmet's headers computed once (src/api/headers.ts) are exactly the ones helmet sets itself.
import { describe, expect, it } from "vitest";
import express from "express";
import helmet from "helmet";
import type { AddressInfo } from "node:net";
import { securityHeaders } from "../../src/api/headers.ts";

const options = { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } };

async function headersOf(app: express.Express, path: string) {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    const h = Object.fromEntries([...res.headers].filter(([k]) => k !== "date" && k !== "keep-alive"));
    return { status: res.status, headers: h };
  } finally {
    await new Promise((r) => server.close(r));
  }
}

function appWith(middleware: express.RequestHandler) {
  const app = express();
  app.use(middleware);
  app.get("/a", (_req, res) => res.json({ ok: true }));
  app.get("/b", (_req, res) => res.type("html").send("<p>x</p>"));
  return app;
}

describe("security headers computed once", () => {
  it("are the headers helmet sets, request after request", async () => {
    const once = appWith(securityHeaders(options));
    const real = appWith(helmet(options));
    for (const path of ["/a", "/b", "/a", "/missing"]) {
      const mine = await headersOf(once, path);
      expect(mine).toEqual(await headersOf(real, path));
      // (Express's own 404 page sets a stricter policy of its own, for both alike.)
      if (path !== "/missing") expect(mine.headers["content-security-policy"]).toContain("default-src 'self'");
      expect(mine.headers["x-powered-by"]).toBeUndefined();
    }
  });
});

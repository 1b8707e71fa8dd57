// Helpers for the reliability and security tests (test/reliability): a raw HTTP client that can
// send what fetch refuses to, a fingerprint of everything stored in the SQLite file, integrity
// checks, insured persons, and the paths that bring a medical transfer to each of its states.
import net from "node:net";
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { expect } from "vitest";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";
import { root } from "./server.ts";
import { medicalCertificate, openCase, walkTo, type Api } from "./fixtures.ts";

const run = promisify(execFile);

export type { Api } from "./fixtures.ts";

export function dbFile(databaseUrl: string): string {
  return databaseUrl.slice("file:".length).split("?")[0];
}

// ------------------------------------------------------------------ raw HTTP

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

/**
 * One HTTP/1.1 request on its own connection, written byte for byte: any method, any request
 * target, any header bytes (UTF-8, control characters), which fetch would refuse or rewrite.
 * Content-Length is computed from the body. The connection is kept alive until the answer is
 * complete and then closed by us: had we asked the server to close it, a server answering early
 * (413) would close with our body still unread, and the TCP reset could destroy its answer.
 */
export function rawRequest(
  baseUrl: string,
  req: { method: string; target: string; headers?: [string, string][]; body?: string | Buffer; timeoutMs?: number },
): Promise<RawReply> {
  const { hostname, port } = new URL(baseUrl);
  const body =
    req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, "utf8");
  const lines = [`${req.method} ${req.target} HTTP/1.1`, `Host: ${hostname}:${port}`];
  for (const [k, v] of req.headers ?? []) lines.push(`${k}: ${v}`);
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(lines.join("\r\n") + "\r\n\r\n", "utf8");
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let settled = false;
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `no complete answer within ${req.timeoutMs ?? 15_000} ms to ${req.method} ${req.target.slice(0, 200)}`,
          ),
        ),
      req.timeoutMs ?? 15_000,
    );
    function finish(err?: Error) {
      if (settled) return;
      const parsed = parseResponse(Buffer.concat(chunks), req.method === "HEAD");
      if (!parsed && !err)
        err = new Error(
          `incomplete answer to ${req.method} ${req.target.slice(0, 200)}: ${Buffer.concat(chunks).toString("latin1").slice(0, 300)}`,
        );
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (parsed) resolve(parsed);
      else reject(err ?? new Error("no answer"));
    }
    socket.on("data", (d) => {
      chunks.push(d);
      if (parseResponse(Buffer.concat(chunks), req.method === "HEAD")) finish();
    });
    socket.on("end", () => finish());
    socket.on("close", () => finish());
    // The server may answer (413, 431) and close before it has read everything we write.
    socket.on("error", (e) => finish(e));
    socket.write(head);
    if (body !== undefined) socket.write(body);
  });
}

function parseResponse(buf: Buffer, isHead: boolean): RawReply | undefined {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine, ...headerLines] = buf.subarray(0, end).toString("latin1").split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const l of headerLines) {
    const i = l.indexOf(":");
    const k = l.slice(0, i).trim().toLowerCase();
    headers[k] = headers[k] === undefined ? l.slice(i + 1).trim() : `${headers[k]}, ${l.slice(i + 1).trim()}`;
  }
  const status = Number(m[1]);
  let rest = buf.subarray(end + 4);
  let bodyBuf: Buffer;
  if (isHead || status === 204 || status === 304) bodyBuf = Buffer.alloc(0);
  else if (headers["content-length"] !== undefined) {
    const n = Number(headers["content-length"]);
    if (rest.length < n) return undefined;
    bodyBuf = rest.subarray(0, n);
  } else if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
    const parts: Buffer[] = [];
    for (;;) {
      const eol = rest.indexOf("\r\n");
      if (eol < 0) return undefined;
      const size = parseInt(rest.subarray(0, eol).toString("latin1"), 16);
      if (Number.isNaN(size)) return undefined;
      if (size === 0) break;
      if (rest.length < eol + 2 + size + 2) return undefined;
      parts.push(rest.subarray(eol + 2, eol + 2 + size));
      rest = rest.subarray(eol + 2 + size + 2);
    }
    bodyBuf = Buffer.concat(parts);
  } else return undefined; // read to the end of the connection
  const text = bodyBuf.toString("utf8");
  let json: any;
  if (/json/.test(headers["content-type"] ?? "")) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status, headers, text, json };
}

// ------------------------------------------------------------------ problem details

/** A 4xx answer is RFC 9457 problem details whose status is the HTTP status. */
export function expectProblem(
  r: { status: number; headers: Record<string, string> | Headers; body?: any; json?: any },
  method = "GET",
) {
  const contentType = r.headers instanceof Headers ? r.headers.get("content-type") : r.headers["content-type"];
  expect(contentType ?? "", `content type of a ${r.status}`).toMatch(/^application\/problem\+json/);
  if (method === "HEAD") return;
  const body = "json" in r ? r.json : r.body;
  expect(body, `problem body of a ${r.status}`).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status: r.status,
  });
  expect(body.type).toMatch(/^\/problems\/[a-z0-9-]+$/);
}

// ------------------------------------------------------------------ the stored state

/**
 * A read-only view of the service's SQLite file (WAL: it sees every committed transaction while
 * the service runs). `fingerprint` hashes every row of every table (or of the `only` ones): any
 * write to them changes it.
 */
export function openStore(databaseUrl: string, opts: { only?: string[] } = {}) {
  const db = new Database(dbFile(databaseUrl), { readonly: true, fileMustExist: true, timeout: 5000 });
  const tables = (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[]
  )
    .map((t) => t.name)
    .filter((t) => !opts.only || opts.only.includes(t));
  const selects = tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`)] as const);
  return {
    db,
    fingerprint(): string {
      const h = createHash("sha256");
      for (const [t, stmt] of selects) {
        h.update(`\u0000${t}\u0000`);
        for (const row of stmt.iterate()) h.update(JSON.stringify(row));
      }
      return h.digest("hex");
    },
    count(table: string): number {
      return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
    },
    close: () => db.close(),
  };
}

/** SQLite's own checks on a file that no process is writing: integrity, and foreign keys. */
export function checkFile(file: string): { integrity: string; foreignKeyViolations: number } {
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  try {
    const integrity = (db.pragma("integrity_check") as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join("; ");
    const foreignKeyViolations = (db.pragma("foreign_key_check") as unknown[]).length;
    return { integrity, foreignKeyViolations };
  } finally {
    db.close();
  }
}

/** Runs one of the project's CLIs (`node --import tsx src/cli/<name>.ts ...args`) and never throws. */
export async function runCli(name: string, args: string[], env: Record<string, string | undefined> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", `src/cli/${name}.ts`, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

// ------------------------------------------------------------------ people and cases

const surnames = [
  "王",
  "李",
  "张",
  "刘",
  "陈",
  "杨",
  "黄",
  "赵",
  "吴",
  "周",
  "徐",
  "孙",
  "马",
  "朱",
  "胡",
  "郭",
  "何",
  "高",
  "林",
  "罗",
];
const given = [
  "秀英",
  "志强",
  "丽娟",
  "建国",
  "海燕",
  "文博",
  "晓明",
  "桂兰",
  "子涵",
  "一鸣",
  "雨婷",
  "德华",
  "春梅",
  "国栋",
  "静怡",
  "浩然",
];

/** n distinct insured persons with valid ID numbers and names no other test uses. */
export function makePeople(n: number, salt = 0): { name: string; idNumber: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const k = i + salt * 1000;
    const birth = `19${60 + (k % 40)}${String(1 + (k % 12)).padStart(2, "0")}${String(1 + (k % 28)).padStart(2, "0")}`;
    return {
      name:
        surnames[k % surnames.length] +
        given[Math.floor(k / surnames.length) % given.length] +
        (k >= surnames.length * given.length ? "之" : ""),
      idNumber: makeTestIdNumber(
        ["350102", "440305", "110105", "310104"][k % 4],
        birth,
        String(100 + (Math.floor(k / 4) % 900)).padStart(3, "0"),
      ),
    };
  });
}

export { medicalEventBody, pathTo } from "./fixtures.ts";

/** A medical transfer's certificate stating `arrearsFen` and `accountBalanceFen`. */
export const certificate = (arrearsFen = 0, accountBalanceFen = 52_000) =>
  medicalCertificate({ arrearsFen, accountBalanceFen });

export async function openMedical(
  api: Api,
  token: string,
  insured: { name: string; idNumber: string },
  from = "FZ",
  to = "XM",
) {
  return (await openCase(api, token, { insured, from, to })) as {
    id: string;
    caseNumber: string;
    version: number;
    state: string;
  };
}

/** A new medical transfer (FZ → XM) brought to `state`; the certificate states `arrearsFen`. */
export async function medicalCaseIn(
  api: Api,
  tokens: { out: string; in: string },
  state: string,
  insured: { name: string; idNumber: string },
  arrearsFen = 0,
) {
  const c = await openMedical(api, tokens.out, insured);
  return (await walkTo(api, tokens, c, state, { arrearsFen })) as {
    id: string;
    caseNumber: string;
    version: number;
    state: string;
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

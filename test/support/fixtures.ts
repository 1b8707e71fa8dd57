// Fixtures shared by the service tests, written once: a running service with its agencies and
// clerks (and its restart), opening a case of each type, the standard certificates and event
// bodies, walking a medical transfer to a state, `send`, `sendKeyed` and `advance`, waiting for
// what background jobs do, and what a bearer token must contain.
import { expect } from "vitest";
import { decodeJwt, type JWTPayload } from "jose";
import { caseTypeInfo, type CaseType } from "../../machines/index.ts";
import { client, freshPerson, setUpAgencies, startService, type Reply, type TestServer } from "./server.ts";

export type Api = ReturnType<typeof client>;
/** The tokens of setUpAgencies: the administrator and one clerk each of FZ (out), XM (in) and SZ (other). */
export type Tokens = Awaited<ReturnType<typeof setUpAgencies>>;
export type Insured = { name: string; idNumber: string };

/**
 * The real service on a fresh database with agencies FZ, XM and SZ and a clerk each:
 * `beforeAll(async () => ({ server, api, tokens } = await startWithAgencies()))`, and stop the
 * server in `afterAll`. `checkAnswers`: every answer is checked against the OpenAPI document.
 */
export async function startWithAgencies(
  env?: Record<string, string>,
  opts: { checkAnswers?: boolean; dir?: string } = {},
): Promise<{ server: TestServer; api: Api; tokens: Tokens }> {
  const server = await startService({ env, dir: opts.dir });
  const api = client(server.url, opts);
  return { server, api, tokens: await setUpAgencies(api) };
}

/**
 * Stops `server` (if it still runs) and starts the service again on the same directory and
 * database with `env`; tokens stay valid (the signing secret is in the database).
 */
export async function restart(
  server: TestServer,
  env?: Record<string, string>,
  opts: { checkAnswers?: boolean } = {},
): Promise<{ server: TestServer; api: Api }> {
  await server.stop();
  const next = await startService({ dir: server.dir, env });
  return { server: next, api: client(next.url, opts) };
}

// ------------------------------------------------------------------ opening cases

export interface OpenCase {
  type?: CaseType;
  insured?: Insured;
  /** the agency codes; a single-agency type (a renewal) has one, so `to` defaults to `from` for it */
  from?: string;
  to?: string;
  occurredOn?: string;
}

/**
 * The body of `POST /api/cases`: a medical transfer FZ → XM for a fresh person (freshPerson(): one
 * open case of a kind per person) unless told otherwise.
 */
export function openBody(o: OpenCase = {}): Record<string, unknown> {
  const type = o.type ?? "medicalTransfer";
  const from = o.from ?? "FZ";
  const body: Record<string, unknown> = {
    type,
    insured: o.insured ?? freshPerson(),
    fromAgency: from,
    toAgency: o.to ?? (caseTypeInfo(type).singleAgency ? from : "XM"),
  };
  if (o.occurredOn !== undefined) body.occurredOn = o.occurredOn;
  return body;
}

/** Opens a case (expects 201) and returns the case as answered. */
export async function openCase(api: Api, token: string, o: OpenCase = {}): Promise<any> {
  const r = await api.call("POST", "/api/cases", { token, body: openBody(o) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

// ------------------------------------------------------------------ events

/** Records an event and returns the answer as it is (any status). */
export function send(
  api: Api,
  token: string,
  id: string,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<Reply> {
  return api.call("POST", `/api/cases/${id}/events`, { token, body, headers });
}

/**
 * POSTs `body` to `path` (opening a case or recording an event) as a retrying client does: with
 * an Idempotency-Key, and an If-Match on the version it last saw. Returns the answer as it is.
 */
export function sendKeyed(
  api: Api,
  token: string,
  path: string,
  body: Record<string, unknown>,
  o: { key?: string; ifMatch?: number } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (o.key) headers["Idempotency-Key"] = o.key;
  if (o.ifMatch !== undefined) headers["If-Match"] = `"${o.ifMatch}"`;
  return api.call("POST", path, { token, body, headers });
}

/** Records an event that must succeed (200) and returns the case. */
export async function advance(api: Api, token: string, id: string, body: Record<string, unknown>): Promise<any> {
  const r = await send(api, token, id, body);
  expect(r.status, `${String(body.type)}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
}

/** The case's event log, oldest first. */
export async function eventsOf(api: Api, token: string, id: string): Promise<any[]> {
  const r = await api.call("GET", `/api/cases/${id}/events`, { token });
  expect(r.status).toBe(200);
  return r.body.items;
}

type Fields = Record<string, unknown>;

/** A medical transfer's ISSUE_CERTIFICATE: 36 months, balance 52 000 fen, no arrears, unless told otherwise. */
export const medicalCertificate = (o: Fields = {}) => ({
  type: "ISSUE_CERTIFICATE",
  contributionMonths: 36,
  accountBalanceFen: 52_000,
  arrearsFen: 0,
  ...o,
});

/**
 * A pension transfer's ISSUE_CERTIFICATE: 120 months, personal account 4 567 800 fen, no arrears,
 * contribution wages since 1998 of 19 546 667 fen (pooled share 2 345 600 fen), unless told otherwise.
 * From version 3 on the figures come from the record (importPensionRecord): typed, they must be its.
 */
export const pensionCertificate = (o: Fields = {}) => ({
  type: "ISSUE_CERTIFICATE",
  contributionMonths: 120,
  personalAccountFen: 4_567_800,
  arrearsFen: 0,
  contributionWagesSince1998Fen: 19_546_667,
  ...o,
});

/** Integer fen as the yuan of an agency's file ("1628.89"). */
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

/**
 * The pension record a version 3 certificate reads pensionCertificate's figures from (the same
 * defaults): `contributionMonths` months paid by an employer, ending with `lastMonth` (before the
 * certificate's month), whose bases add up to `contributionWagesSince1998Fen` and whose credits to
 * the personal account add up to `personalAccountFen`, imported by `token`'s agency (the
 * transfer-out agency) through POST /api/contributions/import.
 */
export async function importPensionRecord(
  api: Api,
  token: string,
  idNumber: string,
  o: {
    contributionMonths?: number;
    personalAccountFen?: number;
    contributionWagesSince1998Fen?: number;
    lastMonth?: string;
  } = {},
): Promise<void> {
  const months = o.contributionMonths ?? 120;
  const wages = o.contributionWagesSince1998Fen ?? 19_546_667;
  const account = o.personalAccountFen ?? 4_567_800;
  const [y, m] = (o.lastMonth ?? "2026-07").split("-").map(Number) as [number, number];
  const last = y * 12 + (m - 1);
  /** the i-th of `months` shares of `total`: equal, the last one takes the rest */
  const share = (total: number, i: number) =>
    i < months - 1 ? Math.floor(total / months) : total - (months - 1) * Math.floor(total / months);
  const rows = Array.from({ length: months }, (_, i) => {
    const index = last - (months - 1) + i;
    const month = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
    const credit = share(account, i);
    return [idNumber, "pension", month, yuan(share(wages, i)), yuan(2 * credit), yuan(credit), yuan(credit)]
      .concat(["paid", "employer", "91350100MA3K00002E"])
      .join(",");
  });
  const header = "idNumber,insurance,month,base,employer,individual,accountCredit,status,payer,employerCreditCode";
  const r = await api.upload("/api/contributions/import", {
    token,
    file: { bytes: [header, ...rows, ""].join("\r\n"), name: "record.csv", type: "text/csv" },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body).toMatchObject({ written: true, refused: 0 });
}

/** Body of each medical-transfer event, valid wherever the machine defines it (balance 52 000 fen, given arrears). */
export function medicalEventBody(type: string, arrearsFen = 0): Record<string, unknown> {
  switch (type) {
    case "ISSUE_CERTIFICATE":
      return medicalCertificate({ arrearsFen });
    case "REISSUE_CERTIFICATE":
    case "ACCEPT":
    case "TRANSFER_IN_DONE":
      return { type };
    case "ARREARS_PAID":
      return { type, paidFen: arrearsFen };
    case "FILE_APPLICATION":
      return { type, channel: "offline", applicant: "individual" };
    case "REFUSE":
      return { type, reason: "not yet enrolled at the new place" };
    case "TRANSFER_OUT_DONE":
      return { type, transferredFen: 52_000 };
    case "WITHDRAW":
      return { type, reason: "stays with the old employer" };
    // version 2's online flow
    case "APPLY_ONLINE":
      return { type, applicant: "employer" };
    case "ISSUE_RECORD_FORM":
      return { ...medicalCertificate({ arrearsFen }), type };
    default:
      throw new Error(`no body for ${type}`);
  }
}

/** The events (and who records them) that bring a new medical transfer to each state. */
export const pathTo: Record<string, { type: string; by: "out" | "in" }[]> = {
  suspended: [],
  certificateIssued: [{ type: "ISSUE_CERTIFICATE", by: "out" }],
  applicationFiled: [
    { type: "ISSUE_CERTIFICATE", by: "out" },
    { type: "FILE_APPLICATION", by: "in" },
  ],
  refused: [
    { type: "ISSUE_CERTIFICATE", by: "out" },
    { type: "FILE_APPLICATION", by: "in" },
    { type: "REFUSE", by: "in" },
  ],
  transferOut: [
    { type: "ISSUE_CERTIFICATE", by: "out" },
    { type: "FILE_APPLICATION", by: "in" },
    { type: "ACCEPT", by: "in" },
  ],
  transferIn: [
    { type: "ISSUE_CERTIFICATE", by: "out" },
    { type: "FILE_APPLICATION", by: "in" },
    { type: "ACCEPT", by: "in" },
    { type: "TRANSFER_OUT_DONE", by: "out" },
  ],
  // version 2's online flow (the record form is not yet issued in onlineTransferOut)
  onlineApplicationFiled: [{ type: "APPLY_ONLINE", by: "in" }],
  onlineRefused: [
    { type: "APPLY_ONLINE", by: "in" },
    { type: "REFUSE", by: "in" },
  ],
  onlineTransferOut: [
    { type: "APPLY_ONLINE", by: "in" },
    { type: "ACCEPT", by: "in" },
  ],
};

/**
 * Walks an open medical transfer along `pathTo[state]` with the standard bodies (the certificate
 * states `arrearsFen`); `on` dates every act (default: today). Returns the case in `state`.
 */
export async function walkTo(
  api: Api,
  tokens: { out: string; in: string },
  c: { id: string },
  state: string,
  opts: { arrearsFen?: number; on?: (type: string) => string | undefined } = {},
): Promise<any> {
  let last: any = c;
  for (const step of pathTo[state]) {
    const occurredOn = opts.on?.(step.type);
    const body = { ...medicalEventBody(step.type, opts.arrearsFen ?? 0), ...(occurredOn ? { occurredOn } : {}) };
    const r = await send(api, tokens[step.by], c.id, body);
    expect(r.status, `${step.type} on the way to ${state}: ${JSON.stringify(r.body)}`).toBe(200);
    last = r.body;
  }
  expect(last.state).toBe(state);
  return last;
}

/**
 * A medical transfer FZ → XM taken to transferOut: accepted on `acceptOn`, so due 10 working days
 * later. The certificate (24 months, balance 10 000 fen unless `certificate` says otherwise) and
 * the online filing are dated `openedOn` unless `certificateOn` / `filedOn` are given.
 */
export async function medicalInTransferOut(
  api: Api,
  tokens: { out: string; in: string },
  dates: { openedOn: string; acceptOn: string; certificateOn?: string; filedOn?: string },
  insured: Insured = freshPerson(),
  certificate: Fields = {},
) {
  const { id } = await openCase(api, tokens.out, { insured, occurredOn: dates.openedOn });
  await advance(
    api,
    tokens.out,
    id,
    medicalCertificate({
      occurredOn: dates.certificateOn ?? dates.openedOn,
      contributionMonths: 24,
      accountBalanceFen: 10_000,
      ...certificate,
    }),
  );
  await advance(api, tokens.in, id, {
    type: "FILE_APPLICATION",
    occurredOn: dates.filedOn ?? dates.openedOn,
    channel: "online",
    applicant: "employer",
  });
  const c = await advance(api, tokens.in, id, { type: "ACCEPT", occurredOn: dates.acceptOn });
  expect(c.state).toBe("transferOut");
  return c as {
    id: string;
    insured: { name: string; idNumber: string };
    caseNumber: string;
    stepDueOn: string;
    dueOn: string;
    provisional: boolean;
    version: number;
  };
}

// ------------------------------------------------------------------ background jobs

/** Polls until `check` returns a value other than undefined/false, or fails after `ms`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ------------------------------------------------------------------ tokens

/**
 * A bearer token says whose it is and for how long: subject = the user's id, the role, and
 * exp − iat = the configured lifetime. Returns the decoded claims.
 */
export function expectToken(
  token: string,
  want: { userId: number; role: "staff" | "admin"; ttlMinutes: number },
): JWTPayload {
  const claims = decodeJwt(token);
  expect(claims).toMatchObject({ sub: String(want.userId), role: want.role });
  expect(claims.exp! - claims.iat!).toBe(want.ttlMinutes * 60);
  return claims;
}

// ------------------------------------------------------------------ regional policies

/** Fuzhou (FZ's region): seed 000's 70 % of an average wage of 8,000.00 as the lowest base, 10 %. */
export const fuzhouPolicy = {
  region: "350100",
  effectiveFrom: "2026-01-01",
  contributionBaseFen: 500_000,
  rateBasisPoints: 1000,
  lateFeePerDayPpm: 500,
  lateFeeAppliesToFlexible: false,
  maxBackPayMonths: 2,
  waitingPeriodMonths: 6,
  flexibleRateBasisPoints: 800,
  averageWageFen: 800_000,
  baseFloorPercent: 70,
  baseCeilingPercent: 300,
  reimbursementRatios: [
    { minContinuousMonths: 0, ratioPercent: 60 },
    { minContinuousMonths: 36, ratioPercent: 90 },
  ],
};

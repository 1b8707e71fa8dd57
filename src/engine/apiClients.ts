// API clients: service accounts of one agency (the national medical insurance service platform
// filing online applications, say). An administrator creates one with the event types it may
// record; its key is shown once and only a salted HMAC-SHA-256 of it is kept. A client sends the key
// as `Authorization: Bearer <key>`; keys begin with API_CLIENT_KEY_PREFIX so the auth guard tells
// them from user tokens (JWTs begin with "eyJ").
//
// Revocation takes effect at once on every node: each request reads the client's row (one primary
// key read, like the user read of a token request) and refuses a revoked one. No cache to go stale.
//
// What a client may do (src/engine/access.ts, advanceCase.ts, openCase.ts): record only the event
// types it is scoped to, only on cases of its agency and only those events that agency's side
// records; open cases (for its agency) only when scoped to CASE_OPENED. Every event it records names
// it as the actor (CaseEvent.actorKind "client", actorId the client's id, actorName its name).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/client.ts";
import type { ApiClient } from "../generated/prisma/client.ts";
import { problems } from "../problems.ts";
import { recordAudit } from "./audit.ts";
import type { Actor, EngineContext } from "./context.ts";
import { CASE_OPENED } from "./types.ts";

/** Every key begins with this (then the client's id, "_", and 43 characters of base64url randomness). */
export const API_CLIENT_KEY_PREFIX = "sitk_";
/** The scope that lets a client open cases (the name of a case's first event). */
export const OPEN_SCOPE = CASE_OPENED;
/** lastUsedAt is written at most this often per client (a client may send many requests a second). */
const LAST_USE_EVERY_MS = 60_000;

const KEY_SHAPE = /^sitk_([1-9][0-9]{0,9})_([A-Za-z0-9_-]{43})$/;

export function isApiClientKey(token: string): boolean {
  return token.startsWith(API_CLIENT_KEY_PREFIX);
}

function hashSecret(salt: string, secret: string): string {
  // The secret is 256 random bits: a fast keyed hash is enough (nothing to guess), a slow password
  // hash would only cost every request.
  return createHmac("sha256", Buffer.from(salt, "hex")).update(secret, "utf8").digest("hex");
}

/** The event types a client may be scoped to: every machine's events, and CASE_OPENED. */
export function scopableEvents(ctx: EngineContext): Set<string> {
  const all = new Set<string>([OPEN_SCOPE]);
  for (const type of ctx.machines.types) {
    for (let v = 1; ; v++) {
      const mod = ctx.machines.get(type, v);
      if (!mod) break;
      for (const e of Object.keys(mod.events)) all.add(e);
    }
  }
  return all;
}

export interface ApiClientJson {
  id: number;
  name: string;
  agencyCode: string;
  events: string[];
  keyPrefix: string;
  active: boolean;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

export function apiClientView(c: ApiClient & { agency: { code: string } }): ApiClientJson {
  return {
    id: c.id,
    name: c.name,
    agencyCode: c.agency.code,
    events: JSON.parse(c.events) as string[],
    keyPrefix: `${API_CLIENT_KEY_PREFIX}${c.id}_`,
    active: c.revokedAt === null,
    createdAt: c.createdAt.toISOString(),
    createdBy: c.createdBy,
    lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
    revokedAt: c.revokedAt?.toISOString() ?? null,
    revokedBy: c.revokedBy,
  };
}

export async function createApiClient(
  ctx: EngineContext,
  admin: Actor,
  input: { name: string; agencyCode: string; events: string[] },
): Promise<{ client: ApiClientJson; key: string }> {
  const agency = await ctx.db.agency.findUnique({ where: { code: input.agencyCode } });
  if (!agency) throw problems.invalid([{ path: "agencyCode", message: `no agency with code ${input.agencyCode}` }]);
  const known = scopableEvents(ctx);
  const unknown = input.events.map((e, i) => [e, i] as const).filter(([e]) => !known.has(e));
  if (unknown.length > 0) {
    throw problems.invalid(
      unknown.map(([e, i]) => ({
        path: `events.${i}`,
        message: `not an event type of any case machine (nor ${OPEN_SCOPE}): ${e}`,
      })),
    );
  }
  const events = [...new Set(input.events)];
  const secret = randomBytes(32).toString("base64url");
  const salt = randomBytes(16).toString("hex");
  const created = await ctx.db.$transaction(async (tx) => {
    const row = await tx.apiClient.create({
      data: {
        name: input.name,
        agencyId: agency.id,
        events: JSON.stringify(events),
        keySalt: salt,
        keyHash: hashSecret(salt, secret),
        createdBy: admin.username,
      },
      include: { agency: { select: { code: true } } },
    });
    await recordAudit(tx, admin, {
      action: "apiClient.created",
      target: `apiClient:${row.id}`,
      after: { name: row.name, agencyCode: agency.code, events },
    });
    return row;
  });
  return { client: apiClientView(created), key: `${API_CLIENT_KEY_PREFIX}${created.id}_${secret}` };
}

export async function listApiClients(ctx: EngineContext): Promise<ApiClientJson[]> {
  const rows = await ctx.db.apiClient.findMany({
    orderBy: { id: "asc" },
    include: { agency: { select: { code: true } } },
  });
  return rows.map(apiClientView);
}

export async function revokeApiClient(ctx: EngineContext, admin: Actor, id: number): Promise<ApiClientJson> {
  return ctx.db.$transaction(async (tx) => {
    const row = await tx.apiClient.findUnique({ where: { id }, include: { agency: { select: { code: true } } } });
    if (!row) throw problems.notFound(`API client ${id}`);
    if (row.revokedAt !== null) return apiClientView(row); // revoking twice changes nothing
    const revoked = await tx.apiClient.update({
      where: { id },
      data: { revokedAt: new Date(), revokedBy: admin.username },
      include: { agency: { select: { code: true } } },
    });
    await recordAudit(tx, admin, {
      action: "apiClient.revoked",
      target: `apiClient:${id}`,
      before: { name: row.name, agencyCode: row.agency.code, active: true },
      after: { active: false },
    });
    return apiClientView(revoked);
  });
}

/** The latest events a client recorded, newest first (what it did, for administrators). */
export async function apiClientEvents(ctx: EngineContext, id: number, limit: number) {
  const client = await ctx.db.apiClient.findUnique({ where: { id }, select: { id: true } });
  if (!client) throw problems.notFound(`API client ${id}`);
  const rows = await ctx.db.caseEvent.findMany({
    where: { actorKind: "client", actorId: id },
    orderBy: { id: "desc" },
    take: limit,
    select: {
      seq: true,
      type: true,
      fromState: true,
      toState: true,
      occurredOn: true,
      recordedAt: true,
      case: { select: { caseNumber: true, type: true } },
    },
  });
  return rows.map((e) => ({
    caseNumber: e.case.caseNumber,
    caseType: e.case.type,
    seq: e.seq,
    type: e.type,
    fromState: e.fromState,
    toState: e.toState,
    occurredOn: e.occurredOn,
    recordedAt: e.recordedAt.toISOString(),
  }));
}

/**
 * The actor a key stands for, or a 401. Reads the client's row on every request: a revoked client
 * (or one whose agency is gone) is refused at once, whichever node revoked it.
 */
export async function authenticateApiClient(db: Db, key: string): Promise<Actor> {
  const m = KEY_SHAPE.exec(key);
  if (!m) throw problems.unauthorized("The API client key is invalid.");
  const row = await db.apiClient.findUnique({ where: { id: Number(m[1]) } });
  const expected = Buffer.from(row?.keyHash ?? "00".repeat(32), "hex");
  const actual = Buffer.from(hashSecret(row?.keySalt ?? "00".repeat(16), m[2]!), "hex");
  // constant-time comparison of the hashes (and a hash computed even for an unknown id)
  const matches = expected.length === actual.length && timingSafeEqual(expected, actual);
  if (!row || !matches) throw problems.unauthorized("The API client key is invalid.");
  if (row.revokedAt !== null) throw problems.unauthorized("This API client has been revoked.");
  const now = Date.now();
  if (row.lastUsedAt === null || now - row.lastUsedAt.getTime() >= LAST_USE_EVERY_MS) {
    // at most one write a minute per client; a lost race only writes the same minute twice
    await db.apiClient.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now - LAST_USE_EVERY_MS) } }] },
      data: { lastUsedAt: new Date(now) },
    });
  }
  return {
    kind: "client",
    userId: row.id,
    username: row.name,
    agencyId: row.agencyId,
    events: JSON.parse(row.events) as string[],
  };
}

/** Whether a client actor is scoped to `eventType` (staff and administrators are not clients). */
export function clientMay(actor: Actor, eventType: string): boolean {
  return actor.kind !== "client" || (actor.events ?? []).includes(eventType);
}

// The delivery worker: sends committed outbox messages to the subscribed webhooks, at least once.
//
// 1. Fan-out. An undispatched OutboxMessage is claimed by a conditional update
//    (dispatchedAt IS NULL → now) and, in the same transaction, one WebhookDelivery is created
//    per active webhook subscribed to its kind (global, or for one of the case's agencies).
//    The unique (messageId, webhookId) makes a double fan-out impossible.
// 2. Delivery. A due delivery is claimed by a conditional update (status pending, due, not
//    locked → lockedUntil = now + timeout + margin, claimToken = random), so two workers or
//    nodes never send the same attempt concurrently. The request is signed (./signing.ts) and
//    bounded by WEBHOOK_TIMEOUT_MS. The outcome is written with the attempt log row, guarded by
//    the claim token: 2xx → delivered; anything else → retried with exponential backoff and
//    jitter, until WEBHOOK_MAX_ATTEMPTS consecutive failures mark it failed (an administrator
//    can redeliver it). A worker that dies mid-attempt leaves a lock that simply expires.
//
// Every write runs in an interactive transaction: the SQLite driver adapter runs statements
// outside a transaction on the same connection, so they would otherwise join (and could be
// rolled back with) a concurrent engine transaction.
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.ts";
import type { Logger } from "../log.ts";
import type { WebhookDelivery, OutboxMessage, Webhook } from "../generated/prisma/client.ts";
import { JobLoop } from "../runtime/jobLoop.ts";
import { yieldToEventLoop } from "../runtime/eventLoop.ts";
import { onOutboxWritten } from "./outbox.ts";
import { retryDelayMs, sign, type RetryPolicy } from "./signing.ts";

export interface DeliveryOptions extends RetryPolicy {
  pollMs: number;
  timeoutMs: number;
  concurrency: number;
}

const FANOUT_BATCH = 100;
/** A claim outlives the request timeout by this much (time to record the outcome). */
const CLAIM_MARGIN_MS = 30_000;
const RESPONSE_KEEP_BYTES = 1024;
export const USER_AGENT = "si-case-tracker-webhooks/1";

type Claimed = WebhookDelivery & { message: OutboxMessage; webhook: Webhook };

export function parseKinds(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

/** Reads at most `limit` bytes of a response body, then lets the rest go. */
async function readSome(res: Response, limit: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

function describeError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError") return `timeout after ${timeoutMs} ms`;
  if (err?.name === "AbortError") return "aborted (service stopping)";
  const cause = err?.cause?.code ?? err?.cause?.message;
  return [err?.message ?? String(e), cause].filter(Boolean).join(": ").slice(0, 500);
}

export class DeliveryWorker {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #opts: DeliveryOptions;
  readonly #loop: JobLoop;
  readonly #abort = new AbortController();
  #unsubscribe: (() => void) | undefined;

  constructor(deps: { db: Db; log: Logger }, opts: DeliveryOptions) {
    this.#db = deps.db;
    this.#log = deps.log;
    this.#opts = opts;
    this.#loop = new JobLoop("webhook delivery", () => this.runOnce(), opts.pollMs, deps.log);
  }

  start(): void {
    this.#unsubscribe = onOutboxWritten(() => this.#loop.nudge());
    this.#loop.start();
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    // In-flight requests are cut short; their deliveries are retried (at least once).
    this.#abort.abort();
    await this.#loop.stop();
  }

  /** One round: fan out new messages, send what is due. Returns the pause until the next due delivery. */
  async runOnce(): Promise<number> {
    await this.fanOut();
    while (!this.#abort.signal.aborted) {
      const sent = await this.deliverDue();
      if (sent < this.#opts.concurrency) break;
    }
    const next = await this.#db.webhookDelivery.findFirst({
      where: { status: "pending", webhook: { active: true } },
      orderBy: { nextAttemptAt: "asc" },
      select: { nextAttemptAt: true, lockedUntil: true },
    });
    if (!next) return this.#opts.pollMs;
    const at = Math.max(next.nextAttemptAt.getTime(), next.lockedUntil?.getTime() ?? 0);
    return Math.max(10, at - Date.now());
  }

  async fanOut(): Promise<number> {
    let messages = 0;
    for (;;) {
      const page = await this.#db.outboxMessage.findMany({
        where: { dispatchedAt: null },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: FANOUT_BATCH,
        select: { id: true, kind: true, fromAgencyId: true, toAgencyId: true },
      });
      for (const m of page) {
        const now = new Date();
        const done = await this.#db.$transaction(async (tx) => {
          const { count } = await tx.outboxMessage.updateMany({ where: { id: m.id, dispatchedAt: null }, data: { dispatchedAt: now } });
          if (count !== 1) return false; // another worker took it
          const agencies = [m.fromAgencyId, m.toAgencyId].filter((a): a is number => a !== null);
          const hooks = await tx.webhook.findMany({
            where: { active: true, OR: [{ agencyId: null }, ...(agencies.length ? [{ agencyId: { in: agencies } }] : [])] },
            select: { id: true, events: true },
          });
          const subscribed = hooks.filter((h) => parseKinds(h.events).includes(m.kind));
          if (subscribed.length > 0) {
            await tx.webhookDelivery.createMany({
              data: subscribed.map((h) => ({ id: randomUUID(), messageId: m.id, webhookId: h.id, nextAttemptAt: now })),
            });
          }
          return true;
        });
        if (done) messages++;
        await yieldToEventLoop();
      }
      if (page.length < FANOUT_BATCH) return messages;
    }
  }

  /** Claims up to `concurrency` due deliveries and sends them; returns how many were sent. */
  async deliverDue(): Promise<number> {
    const now = new Date();
    const due = await this.#db.webhookDelivery.findMany({
      where: {
        status: "pending",
        nextAttemptAt: { lte: now },
        OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
        webhook: { active: true },
      },
      orderBy: [{ nextAttemptAt: "asc" }, { id: "asc" }],
      take: this.#opts.concurrency,
      select: { id: true },
    });
    const claimed: { d: Claimed; token: string }[] = [];
    for (const { id } of due) {
      const c = await this.claim(id);
      if (c) claimed.push(c);
    }
    await Promise.all(claimed.map(({ d, token }) => this.send(d, token)));
    return claimed.length;
  }

  async claim(id: string): Promise<{ d: Claimed; token: string } | null> {
    const token = randomUUID();
    const now = new Date();
    const lockedUntil = new Date(now.getTime() + this.#opts.timeoutMs + CLAIM_MARGIN_MS);
    const d = await this.#db.$transaction(async (tx) => {
      const { count } = await tx.webhookDelivery.updateMany({
        where: { id, status: "pending", nextAttemptAt: { lte: now }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
        data: { lockedUntil, claimToken: token },
      });
      if (count !== 1) return null;
      return tx.webhookDelivery.findUnique({ where: { id }, include: { message: true, webhook: true } });
    });
    return d ? { d, token } : null;
  }

  async send(d: Claimed, token: string): Promise<void> {
    const body = d.message.body;
    const startedAt = new Date();
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    let statusCode: number | null = null;
    let error: string | null = null;
    let responseBody: string | null = null;
    try {
      const res = await fetch(d.webhook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": USER_AGENT,
          "x-tracker-event": d.message.kind,
          "x-tracker-delivery": d.id,
          "x-tracker-timestamp": String(timestamp),
          "x-tracker-signature": sign(d.webhook.secret, timestamp, body),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.any([AbortSignal.timeout(this.#opts.timeoutMs), this.#abort.signal]),
      });
      statusCode = res.status;
      responseBody = await readSome(res, RESPONSE_KEEP_BYTES).catch(() => null);
      if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
    } catch (e) {
      error = describeError(e, this.#opts.timeoutMs);
    }
    const ok = error === null;
    const durationMs = Date.now() - startedAt.getTime();
    const failures = ok ? 0 : d.failures + 1;
    const exhausted = !ok && failures >= this.#opts.maxAttempts;
    const now = new Date();
    try {
      await this.#db.$transaction(async (tx) => {
        const { count } = await tx.webhookDelivery.updateMany({
          where: { id: d.id, claimToken: token },
          data: {
            status: ok ? "delivered" : exhausted ? "failed" : "pending",
            attempts: d.attempts + 1,
            failures,
            nextAttemptAt: ok || exhausted ? d.nextAttemptAt : new Date(now.getTime() + retryDelayMs(failures, this.#opts)),
            lockedUntil: null,
            claimToken: null,
            manual: false,
            lastStatusCode: statusCode,
            lastError: error,
            ...(ok ? { deliveredAt: now } : {}),
          },
        });
        if (count !== 1) throw new Error("claim lost");
        await tx.webhookDeliveryAttempt.create({
          data: { deliveryId: d.id, attemptNo: d.attempts + 1, manual: d.manual, startedAt, durationMs, statusCode, error, responseBody },
        });
      });
    } catch (e) {
      // The claim expired and another worker took the delivery: it will record its own attempt.
      this.#log.warn({ err: e, deliveryId: d.id }, "could not record a webhook attempt");
      return;
    }
    const log = { deliveryId: d.id, webhookId: d.webhookId, kind: d.message.kind, attempt: d.attempts + 1, statusCode, error };
    if (ok) this.#log.debug(log, "webhook delivered");
    else if (exhausted) this.#log.warn(log, "webhook delivery failed for good; an administrator may redeliver it");
    else this.#log.info(log, "webhook attempt failed; will retry");
  }
}

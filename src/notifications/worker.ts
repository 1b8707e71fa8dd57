// The delivery worker: sends committed outbox messages to the subscribed webhooks, at least once.
//
// 1. Fan-out. An undispatched OutboxMessage is claimed by a conditional update
//    (dispatchedAt IS NULL → now) and, in the same transaction, one WebhookDelivery is created
//    per active webhook subscribed to its kind (global, or for one of the case's agencies).
//    The unique (messageId, webhookId) makes a double fan-out impossible.
// 2. Delivery. A due delivery is claimed by a conditional update (status pending, due, not
//    locked → lockedUntil = now + timeout + margin, claimToken = random), so two workers or
//    nodes never send the same attempt concurrently. Sends run side by side in slots
//    (WEBHOOK_CONCURRENCY per process, at most WEBHOOK_CONCURRENCY_PER_WEBHOOK for one webhook);
//    a slot that frees up is filled at once, so a slow receiver holds only its own slots and
//    never delays another webhook's deliveries. The request is signed (./signing.ts), bounded by
//    WEBHOOK_TIMEOUT_MS, and goes only to an allowed address (./destinations.ts: checked on the
//    address connected to). The receiver's answer body is not read or kept; errors are coarse. The outcome is written with the attempt log row, guarded by
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
import { Agent, request } from "undici";
import { onOutboxWritten } from "./outbox.ts";
import { retryDelayMs, signatureHeaders, type RetryPolicy } from "./signing.ts";
import {
  DestinationNotAllowed,
  isDestinationNotAllowed,
  literalHostRefused,
  pinnedLookup,
  type Network,
} from "./destinations.ts";

export interface DeliveryOptions extends RetryPolicy {
  pollMs: number;
  timeoutMs: number;
  /** sends at once in this process */
  concurrency: number;
  /** sends at once to one webhook, in this process */
  perWebhookConcurrency: number;
  /** networks that are allowed although special (WEBHOOK_ALLOWED_NETWORKS) */
  allowedNetworks: readonly Network[];
}

const FANOUT_BATCH = 100;
/** A claim outlives the request timeout by this much (time to record the outcome). */
const CLAIM_MARGIN_MS = 30_000;
export const USER_AGENT = "si-case-tracker-webhooks/1";

type Claimed = WebhookDelivery & { message: OutboxMessage; webhook: Webhook };

/** One request to a webhook, as its log row keeps it. */
interface Attempt {
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  /** null: delivered (a 2xx answer) */
  error: string | null;
}

export function parseKinds(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

/** What the delivery log says of a failed request: coarse, so that it tells nothing about the networks reached. */
function describeError(e: unknown, timeoutMs: number, timedOut: boolean, stopping: boolean): string {
  if (isDestinationNotAllowed(e)) return "destination not allowed";
  if (timedOut) return `timeout after ${timeoutMs} ms`;
  if (stopping) return "aborted (service stopping)";
  return "no HTTP answer (connection failed or closed, or not HTTP)";
}

export class DeliveryWorker {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #opts: DeliveryOptions;
  readonly #loop: JobLoop;
  readonly #abort = new AbortController();
  /** connections resolve names through the destination check, and connect to the address checked */
  readonly #agent: Agent;
  /** sends in progress in this process, by delivery id */
  readonly #inFlight = new Map<string, Promise<void>>();
  /** sends in progress in this process, by webhook */
  readonly #perWebhook = new Map<number, number>();
  #unsubscribe: (() => void) | undefined;

  constructor(deps: { db: Db; log: Logger }, opts: DeliveryOptions) {
    this.#db = deps.db;
    this.#log = deps.log;
    this.#opts = opts;
    // No limit of connections per origin here: two webhooks on one host must not share slots.
    this.#agent = new Agent({ connect: { lookup: pinnedLookup(opts.allowedNetworks) } });
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
    await Promise.allSettled([...this.#inFlight.values()]);
    await this.#agent.destroy().catch(() => undefined);
  }

  /** Sends in progress now (for tests and shutdown). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * One round: fan out new messages, start sends in the free slots. Does not wait for the sends:
   * each one, when it ends, wakes the loop to fill its slot. Returns the pause until the next
   * due delivery that a free slot could take.
   */
  async runOnce(): Promise<number> {
    await this.fanOut();
    await this.fillSlots();
    if (this.#inFlight.size >= this.#opts.concurrency) return this.#opts.pollMs; // a send ending wakes the loop
    const saturated = this.#saturated();
    const next = await this.#db.webhookDelivery.findFirst({
      where: {
        status: "pending",
        webhook: { active: true },
        ...(saturated.length ? { webhookId: { notIn: saturated } } : {}),
      },
      orderBy: { nextAttemptAt: "asc" },
      select: { nextAttemptAt: true, lockedUntil: true },
    });
    if (!next) return this.#opts.pollMs;
    const at = Math.max(next.nextAttemptAt.getTime(), next.lockedUntil?.getTime() ?? 0);
    return Math.max(10, at - Date.now());
  }

  /** Webhooks that have all their slots of this process in use. */
  #saturated(): number[] {
    return [...this.#perWebhook].filter(([, n]) => n >= this.#opts.perWebhookConcurrency).map(([id]) => id);
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
          const { count } = await tx.outboxMessage.updateMany({
            where: { id: m.id, dispatchedAt: null },
            data: { dispatchedAt: now },
          });
          if (count !== 1) return false; // another worker took it
          const agencies = [m.fromAgencyId, m.toAgencyId].filter((a): a is number => a !== null);
          const hooks = await tx.webhook.findMany({
            where: {
              active: true,
              OR: [{ agencyId: null }, ...(agencies.length ? [{ agencyId: { in: agencies } }] : [])],
            },
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

  /** Claims due deliveries for the free slots (respecting each webhook's limit) and starts sending them; returns how many started. */
  async fillSlots(): Promise<number> {
    let started = 0;
    while (!this.#abort.signal.aborted) {
      const free = this.#opts.concurrency - this.#inFlight.size;
      if (free <= 0) break;
      const saturated = this.#saturated();
      const now = new Date();
      const take = free * 4;
      const due = await this.#db.webhookDelivery.findMany({
        where: {
          status: "pending",
          nextAttemptAt: { lte: now },
          OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
          webhook: { active: true },
          ...(saturated.length ? { webhookId: { notIn: saturated } } : {}),
        },
        orderBy: [{ nextAttemptAt: "asc" }, { id: "asc" }],
        take,
        select: { id: true, webhookId: true },
      });
      let round = 0;
      for (const { id, webhookId } of due) {
        if (this.#inFlight.size >= this.#opts.concurrency || this.#abort.signal.aborted) break;
        if ((this.#perWebhook.get(webhookId) ?? 0) >= this.#opts.perWebhookConcurrency || this.#inFlight.has(id))
          continue;
        const c = await this.claim(id);
        if (!c) continue;
        this.#start(c.d, c.token);
        round++;
      }
      started += round;
      // Nothing more to take now: every due delivery was looked at, or none could start.
      if (round === 0 || due.length < take) break;
    }
    return started;
  }

  #start(d: Claimed, token: string): void {
    this.#perWebhook.set(d.webhookId, (this.#perWebhook.get(d.webhookId) ?? 0) + 1);
    const sending = this.send(d, token)
      .catch((err) => this.#log.error({ err, deliveryId: d.id }, "webhook send failed unexpectedly"))
      .finally(() => {
        this.#inFlight.delete(d.id);
        const n = (this.#perWebhook.get(d.webhookId) ?? 1) - 1;
        if (n > 0) this.#perWebhook.set(d.webhookId, n);
        else this.#perWebhook.delete(d.webhookId);
        this.#loop.nudge(); // the slot is free: fill it
      });
    this.#inFlight.set(d.id, sending);
  }

  async claim(id: string): Promise<{ d: Claimed; token: string } | null> {
    const token = randomUUID();
    const now = new Date();
    const lockedUntil = new Date(now.getTime() + this.#opts.timeoutMs + CLAIM_MARGIN_MS);
    const d = await this.#db.$transaction(async (tx) => {
      const { count } = await tx.webhookDelivery.updateMany({
        where: {
          id,
          status: "pending",
          nextAttemptAt: { lte: now },
          OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
        },
        data: { lockedUntil, claimToken: token },
      });
      if (count !== 1) return null;
      return tx.webhookDelivery.findUnique({ where: { id }, include: { message: true, webhook: true } });
    });
    return d ? { d, token } : null;
  }

  /** One attempt at a claimed delivery: the request, then its outcome and log row (if the claim still holds). */
  async send(d: Claimed, token: string): Promise<void> {
    const startedAt = new Date();
    const { statusCode, error } = await this.#post(d, startedAt);
    const attempt: Attempt = { startedAt, durationMs: Date.now() - startedAt.getTime(), statusCode, error };
    const failures = error === null ? 0 : d.failures + 1;
    const exhausted = error !== null && failures >= this.#opts.maxAttempts;
    try {
      await this.#record(d, token, attempt, failures, exhausted);
    } catch (e) {
      // The claim expired and another worker took the delivery: it will record its own attempt.
      this.#log.warn({ err: e, deliveryId: d.id }, "could not record a webhook attempt");
      return;
    }
    const log = {
      deliveryId: d.id,
      webhookId: d.webhookId,
      kind: d.message.kind,
      attempt: d.attempts + 1,
      statusCode,
      error,
    };
    if (error === null) this.#log.debug(log, "webhook delivered");
    else if (exhausted) this.#log.warn(log, "webhook delivery failed for good; an administrator may redeliver it");
    else this.#log.info(log, "webhook attempt failed; will retry");
  }

  /** The signed request to the webhook's address: its status code, or why there is none (error null: a 2xx). */
  async #post(d: Claimed, startedAt: Date): Promise<Pick<Attempt, "statusCode" | "error">> {
    const body = d.message.body;
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    const timeout = AbortSignal.timeout(this.#opts.timeoutMs);
    let statusCode: number | null = null;
    try {
      // An address literal is connected to without a lookup: check it here (names are checked by
      // the agent's lookup, on the address it connects to).
      if (literalHostRefused(d.webhook.url, this.#opts.allowedNetworks, false)) throw new DestinationNotAllowed();
      const res = await request(d.webhook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": USER_AGENT,
          ...signatureHeaders(d.webhook.secret, d.id, d.message.kind, timestamp, body),
        },
        body,
        dispatcher: this.#agent,
        signal: AbortSignal.any([timeout, this.#abort.signal]),
      });
      statusCode = res.statusCode;
      // The body is read and dropped, never kept (redirects are not followed: a 3xx is a failure).
      await res.body.dump({ limit: 64 * 1024, signal: timeout }).catch(() => undefined);
      return { statusCode, error: statusCode < 200 || statusCode > 299 ? `HTTP ${statusCode}` : null };
    } catch (e) {
      return {
        statusCode,
        error: describeError(e, this.#opts.timeoutMs, timeout.aborted, this.#abort.signal.aborted),
      };
    }
  }

  /** The delivery's new status and the attempt's log row, in one transaction guarded by the claim token. */
  async #record(d: Claimed, token: string, attempt: Attempt, failures: number, exhausted: boolean): Promise<void> {
    const ok = attempt.error === null;
    const now = new Date();
    await this.#db.$transaction(async (tx) => {
      const { count } = await tx.webhookDelivery.updateMany({
        where: { id: d.id, claimToken: token },
        data: {
          status: ok ? "delivered" : exhausted ? "failed" : "pending",
          attempts: d.attempts + 1,
          failures,
          nextAttemptAt:
            ok || exhausted ? d.nextAttemptAt : new Date(now.getTime() + retryDelayMs(failures, this.#opts)),
          lockedUntil: null,
          claimToken: null,
          manual: false,
          lastStatusCode: attempt.statusCode,
          lastError: attempt.error,
          ...(ok ? { deliveredAt: now } : {}),
        },
      });
      if (count !== 1) throw new Error("claim lost");
      // Receivers' answers are not kept: only the status code is recorded.
      await tx.webhookDeliveryAttempt.create({
        data: { deliveryId: d.id, attemptNo: d.attempts + 1, manual: d.manual, ...attempt, responseBody: null },
      });
    });
  }
}

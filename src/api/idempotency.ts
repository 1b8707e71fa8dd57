// Idempotency-Key handling: the first successful response is stored in the same transaction
// as the change it describes; a retry with the same key gets that response back and writes
// nothing. Keys are scoped per user; reusing a key for a different request is refused.
//
// No personal data is stored: a case view is kept without its `insured` block, which a replay
// fills in again from the case (as the same user is shown it), so the replay matches the first
// answer while the stored row holds neither the name nor the ID number.
import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import { Problem, problems } from "../problems.ts";
import { findIdempotent, type IdempotentWrite } from "../engine/idempotency.ts";
import type { CaseWithAgencies } from "../engine/types.ts";
import { loadCase } from "../engine/readCase.ts";
import { insuredView } from "./caseViews.ts";
import type { Actor, EngineContext } from "../engine/context.ts";

type IdemFactory = (r: { status: number; view: (c: CaseWithAgencies) => unknown }) => IdempotentWrite;

/** Marks a stored case view whose `insured` block (left null) comes from the case (its `id`) at replay. */
const INSURED_FROM_CASE = "$insuredFromCase";

/** What is stored of an answer: a case view without the insured person's data. */
function storable(body: unknown): unknown {
  if (
    typeof body !== "object" ||
    body === null ||
    !("insured" in body) ||
    !("id" in body) ||
    typeof body.id !== "string"
  )
    return body;
  // `insured: null` keeps the key where it was, so the refilled answer serializes as the first did.
  return { ...body, insured: null, [INSURED_FROM_CASE]: true };
}

async function replayed(ctx: EngineContext, actor: Actor, stored: unknown): Promise<unknown> {
  if (typeof stored !== "object" || stored === null || !(INSURED_FROM_CASE in stored)) return stored; // stored before this format
  const { [INSURED_FROM_CASE]: _marker, ...body } = stored as unknown as Record<string, unknown> & { id: string };
  return { ...body, insured: insuredView(ctx, await loadCase(ctx, body.id), actor) };
}

// Requests with the same key that arrive together on this node wait for the first one.
const inFlight = new Map<string, Promise<unknown>>();

export async function withIdempotency<T>(
  ctx: EngineContext,
  req: Request,
  res: Response,
  actor: Actor,
  run: (idem?: IdemFactory) => Promise<T>,
): Promise<unknown> /* T, or the stored answer when the key is replayed */ {
  const key = req.get("idempotency-key");
  if (key === undefined) return run(undefined);
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw problems.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.");
  }
  // users and API clients have ids of their own: never the same scope
  const scope = actor.kind === "client" ? `client:${actor.userId}` : `user:${actor.userId}`;
  const fingerprint = createHash("sha256")
    .update(`${req.method} ${req.path}\n${req.get("if-match") ?? ""}\n${JSON.stringify(req.body ?? null)}`)
    .digest("hex");

  const replay = async (): Promise<{ hit: true; body: unknown } | { hit: false }> => {
    const stored = await findIdempotent(ctx, { scope, key });
    if (!stored) return { hit: false };
    if (stored.fingerprint !== fingerprint) {
      throw new Problem(
        422,
        "idempotency-key-reused",
        "Idempotency key reused",
        "This Idempotency-Key was used for a different request.",
      );
    }
    res.status(stored.status).set("Idempotent-Replayed", "true");
    return { hit: true, body: await replayed(ctx, actor, JSON.parse(stored.body)) };
  };

  const slot = `${scope}\u0000${key}`;
  while (inFlight.has(slot)) await inFlight.get(slot)!.catch(() => undefined);
  // The slot is claimed with no await between the check above and the set below, so two
  // arrivals cannot both find it free; the stored-response lookup runs inside the claim.
  const work = (async () => {
    const first = await replay();
    if (first.hit) return first.body;
    const factory: IdemFactory = (r) => ({
      scope,
      key,
      fingerprint,
      respond: (c) => ({ status: r.status, body: storable(r.view(c)) }),
    });
    try {
      return await run(factory);
    } catch (e) {
      // Another node may have completed the same request first: answer as it did.
      if (e instanceof Problem && (e.status === 409 || e.status === 412)) {
        const again = await replay();
        if (again.hit) return again.body;
      }
      throw e;
    }
  })();
  inFlight.set(slot, work);
  try {
    return await work;
  } finally {
    if (inFlight.get(slot) === work) inFlight.delete(slot);
  }
}

// Events whose recorded payload the service computes from the request.
//
// Most events are recorded as the clerk sent them (the machine's EventSpec.payload validates the
// request and is what the log holds). Some facts are fixed by rules that need I/O (a regional
// policy in the database): for those, the API accepts a smaller REQUEST schema, the service
// computes the rest, and the machine receives and the log records request + result. The machine
// stays pure, replays from the log alone, and checks that what it is given adds up.
//
// The hook is keyed by case type, machine version and event type, so that old versions (which
// recorded what the clerk typed) keep their payloads. The OpenAPI document shows `request` for the
// latest version (src/api/openapi.ts); POST /api/cases/{id}/preview computes without recording.
import type { z } from "zod";
import type { CaseMachineModule } from "../../machines/types.ts";
import { assessArrearsRequestSchema } from "../../machines/renewal.ts";
import type { EngineContext } from "./context.ts";
import { assessRenewal } from "./renewalAssessment.ts";
import type { CaseWithAgencies } from "./types.ts";

export interface ComputedPayload {
  /** what the API accepts for this event */
  request: z.ZodObject;
  /** the payload to record (validated afterwards with the machine's EventSpec.payload) */
  compute(ctx: EngineContext, c: CaseWithAgencies, request: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const computed: Record<string, ComputedPayload> = {
  "renewal@2:ASSESS_ARREARS": {
    request: assessArrearsRequestSchema,
    compute: async (ctx, c, request) => ({
      ...(await assessRenewal(ctx, c, assessArrearsRequestSchema.parse(request))),
    }),
  },
};

const keyOf = (type: string, version: number, event: string) => `${type}@${version}:${event}`;

/** The hook for this event of this machine version, or undefined (the payload is recorded as sent). */
export function computedPayloadFor(mod: Pick<CaseMachineModule, "type" | "version">, event: string) {
  const key = keyOf(mod.type, mod.version, event);
  return Object.hasOwn(computed, key) ? computed[key] : undefined;
}

/** The schema the API validates an event's request with: the hook's request, or the machine's payload. */
export function requestSchemaFor(mod: CaseMachineModule, event: string): z.ZodObject {
  return computedPayloadFor(mod, event)?.request ?? mod.events[event]!.payload;
}

// Events whose recorded payload the service computes from the request.
//
// Most events are recorded as the clerk sent them (the machine's EventSpec.payload validates the
// request and is what the log holds). Some facts are fixed by rules that need I/O (a regional
// policy in the database): for those, a machine version declares the event in `computed` with a
// smaller request schema and the name of the service's computation (machines/types.ts
// ComputedPayloadSpec); the service computes the rest, and the machine receives and the log
// records request + result. The machine stays pure, replays from the log alone, and checks that
// what it is given adds up. The declaration is per machine version, so that old versions (which
// recorded what the clerk typed) keep their payloads. The OpenAPI document shows `request` for the
// latest version (src/api/openapi.ts).
import type { z } from "zod";
import type { CaseMachineModule } from "../../machines/types.ts";
import {
  assessArrearsFromRecordRequestSchema,
  assessArrearsRequestSchema,
  type ServiceComputation,
} from "../../machines/vocabulary.ts";
import type { EngineContext } from "./context.ts";
import { assessArrears, assessArrearsFromRecord } from "./arrearsAssessment.ts";
import { restorationFromRecord } from "./backPaidMonths.ts";
import { applicationGap } from "./applicationGap.ts";
import { certificateFromRecord, certificateReissueFromRecord } from "./certificateFromRecord.ts";
import type { CaseWithAgencies } from "./types.ts";

/** The event being recorded: its date (China) is what a record is read as of. */
export interface ComputedFor {
  occurredOn: string;
}

type Computation = (
  ctx: EngineContext,
  c: CaseWithAgencies,
  request: Record<string, unknown>,
  event: ComputedFor,
) => Promise<Record<string, unknown>>;

/** The service's computations, one per name of the vocabulary (a missing one does not compile). */
const computations: Record<ServiceComputation, { compute: Computation }> = {
  arrearsAssessment: {
    compute: async (ctx, c, request) => ({
      ...(await assessArrears(ctx, c, assessArrearsRequestSchema.parse(request))),
    }),
  },
  arrearsAssessmentFromRecord: {
    compute: async (ctx, c, request) => ({
      ...(await assessArrearsFromRecord(ctx, c, assessArrearsFromRecordRequestSchema.parse(request))),
    }),
  },
  restorationFromRecord: {
    compute: async (ctx, c) => ({ ...(await restorationFromRecord(ctx, c)) }),
  },
  certificateFromRecord: {
    compute: async (ctx, c, request, event) => ({ ...(await certificateFromRecord(ctx, c, request, event)) }),
  },
  certificateReissueFromRecord: {
    compute: (ctx, c, request, event) => certificateReissueFromRecord(ctx, c, request, event),
  },
  applicationGap: {
    compute: async (ctx, c, request, event) => ({ ...request, gap: await applicationGap(ctx, c, event) }),
  },
};

export interface ComputedPayload {
  /** what the API accepts for this event */
  request: z.ZodObject;
  /** the payload to record (validated afterwards with the machine's EventSpec.payload) */
  compute: Computation;
}

/** The hook for this event of this machine version, or undefined (the payload is recorded as sent). */
export function computedPayloadFor(mod: CaseMachineModule, event: string): ComputedPayload | undefined {
  const spec = mod.computed && Object.hasOwn(mod.computed, event) ? mod.computed[event] : undefined;
  if (!spec) return undefined;
  return { request: spec.request, compute: computations[spec.computedBy].compute };
}

/** The schema the API validates an event's request with: the hook's request, or the machine's payload. */
export function requestSchemaFor(mod: CaseMachineModule, event: string): z.ZodObject {
  return computedPayloadFor(mod, event)?.request ?? mod.events[event]!.payload;
}

// The renewal assessment preview: what ASSESS_ARREARS would record, computed without recording
// anything, so the console can show the clerk the result before they confirm (and, from version 3
// on, the missed months the record gives when the request leaves them out).
import { fieldErrorsOf, problems } from "../problems.ts";
import { computedPayloadFor } from "./computedPayloads.ts";
import type { Actor, EngineContext } from "./context.ts";
import { moduleOf } from "./machineCatalog.ts";
import { ownAgencyCase } from "./readCase.ts";

/**
 * The payload ASSESS_ARREARS would record now on a case of the actor's agency; 409 when the case's
 * machine version has no assessment computed by the service (another type, or a version 1 case).
 */
export async function previewAssessment(
  ctx: EngineContext,
  actor: Actor,
  caseId: string,
  request: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const c = await ownAgencyCase(ctx, actor, caseId);
  const hook = computedPayloadFor(moduleOf(ctx, c), "ASSESS_ARREARS");
  if (!hook)
    throw problems.conflict(
      `This ${c.type} case (machine version ${c.machineVersion}) has no assessment computed by the service.`,
    );
  // the request of the case's own version (version 2 needs the months, version 3 takes them from the record)
  const parsed = hook.request.safeParse(request);
  if (!parsed.success) throw problems.invalid(fieldErrorsOf(parsed.error.issues));
  return hook.compute(ctx, c, parsed.data, { occurredOn: ctx.today() });
}

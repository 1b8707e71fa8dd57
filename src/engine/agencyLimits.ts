// The statutory limits an agency may configure (Agency.limits): which keys are valid, and an
// agency's stored settings as the deadlines read them.
import { machineRegistry } from "../../machines/index.ts";
import { limitSpecsOf, type AgencyLimits } from "../deadlines/index.ts";
import type { LimitSpec } from "../../machines/types.ts";

/** Every limit key of every installed machine version (the agency settings that are valid). */
export function allLimitSpecs(): LimitSpec[] {
  const byKey = new Map<string, LimitSpec>();
  for (const versions of Object.values(machineRegistry)) {
    for (const mod of Object.values(versions)) for (const spec of limitSpecsOf(mod)) byKey.set(spec.key, spec);
  }
  return [...byKey.values()];
}

/** An agency's stored limits (Agency.limits, JSON); {} when unreadable. */
export function parseLimits(json: string): AgencyLimits {
  try {
    const v = JSON.parse(json);
    return v && typeof v === "object" ? (v as AgencyLimits) : {};
  } catch {
    return {};
  }
}

// Pure helpers around the case machines: start, restore, step, inspect, describe.
// Nothing here does I/O or reads a clock; the engine persists what these return.
// The payload vocabulary the machines share (fen amounts, reasons, channel, applicant) is in
// ./vocabulary.ts.
import { createActor, initialTransition, type AnyMachineSnapshot, type AnyStateMachine } from "xstate";
import { z } from "zod";
import type { CaseMachineModule, EventSpec, OverallDeadline, RefusalView, StateMeta } from "./types.ts";

/** `input` of every case machine. `openedOn` is a China date, "YYYY-MM-DD". */
export interface CaseInput {
  openedOn: string;
}

/**
 * The event union of a machine, derived from its event specs (single source): the engine
 * flattens the validated payload into the event and adds `occurredOn`. Engine-added extra
 * fields may be present; machines never read them.
 */
export type CaseEventOf<Specs extends Record<string, EventSpec>> = {
  [K in keyof Specs & string]: { type: K; occurredOn: string } & z.infer<Specs[K]["payload"]>;
}[keyof Specs & string];

/** What the engine passes in: a type, a China date and flattened payload (plus engine fields). */
export interface CaseEvent {
  type: string;
  occurredOn: string;
  [field: string]: unknown;
}

// ---------------------------------------------------------------------------
// Running

/** Plain-JSON form of a snapshot, as stored with the case. */
export interface PersistedCaseSnapshot {
  status: "active" | "done" | "error" | "stopped";
  value: string;
  context: Record<string, unknown>;
  [field: string]: unknown;
}

/** The top-level state name (machines are flat, so the value is a string). */
export function stateOf(snapshot: AnyMachineSnapshot): string {
  if (typeof snapshot.value !== "string") {
    throw new Error(`case machines are flat; got state value ${JSON.stringify(snapshot.value)}`);
  }
  return snapshot.value;
}

/** Initial snapshot of a new case; `initialTransition` is pure (no actions are executed). */
export function initialSnapshot(mod: CaseMachineModule, input: CaseInput): AnyMachineSnapshot {
  const [snapshot] = initialTransition(mod.machine, input);
  return snapshot;
}

/**
 * Restores a persisted snapshot (object or JSON text). XState does not check that the
 * snapshot belongs to this machine, so an unknown state name is rejected here; the
 * machine *version* is the engine's to check (it is stored beside the snapshot).
 */
export function restore(mod: CaseMachineModule, persisted: PersistedCaseSnapshot | string): AnyMachineSnapshot {
  const data = (typeof persisted === "string" ? JSON.parse(persisted) : persisted) as PersistedCaseSnapshot;
  if (typeof data?.value !== "string" || !Object.hasOwn(mod.states, data.value)) {
    throw new Error(`snapshot state ${JSON.stringify(data?.value)} is not a state of ${mod.type} v${mod.version}`);
  }
  return mod.machine.resolveState({ value: data.value, context: data.context, status: data.status });
}

/**
 * One step: restore, then the pure `transition`. `changed` is true when the event was
 * taken (a transition was enabled, guards included), even if the state name stays the
 * same (self-transitions such as REISSUE_CERTIFICATE change the context only). When it
 * is false the snapshot returned is the restored one, unchanged.
 */
export function nextSnapshot(
  mod: CaseMachineModule,
  persisted: PersistedCaseSnapshot | string,
  event: CaseEvent,
): { snapshot: AnyMachineSnapshot; changed: boolean; state: string } {
  return nextFrom(mod, restore(mod, persisted), event);
}

/** `nextSnapshot` from a snapshot already restored (the engine has restored it to check the event). */
export function nextFrom(
  mod: CaseMachineModule,
  before: AnyMachineSnapshot,
  event: CaseEvent,
): { snapshot: AnyMachineSnapshot; changed: boolean; state: string } {
  if (!canTake(mod, before, event)) {
    return { snapshot: before, changed: false, state: stateOf(before) };
  }
  const after = mod.machine.transition(before, event, inertScope(mod.machine));
  return { snapshot: after, changed: true, state: stateOf(after) };
}

/**
 * The actor scope a transition is computed in. xstate's `transition()` builds a new inert actor for
 * every call, and the actor's constructor computes the machine's initial snapshot: under load that
 * was four fifths of an advance's machine time. These machines spawn no child, schedule nothing and
 * have no action to execute (their assigns are applied inside the transition), so one scope per
 * machine, whose executor discards actions as `transition()`'s caller would, gives the same snapshot
 * (test/machines/transition-scope.test.ts compares them).
 */
type TransitionScope = Parameters<AnyStateMachine["transition"]>[2];
const scopes = new WeakMap<AnyStateMachine, TransitionScope>();
function inertScope(machine: AnyStateMachine): TransitionScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    scope = {
      self,
      defer: () => {},
      id: "",
      logger: () => {},
      sessionId: "",
      stopChild: () => {},
      system: self.system,
      emit: () => {},
      actionExecutor: () => {},
    };
    scopes.set(machine, scope);
  }
  return scope;
}

/**
 * Event types defined in the current state, ignoring payload and guards: those event
 * types of `mod.events` that have a transition out of an active state node
 * (`StateNode.ownEvents`, which already leaves out forbidden/no-op transitions). This is
 * what the UI offers as buttons; whether the payload passes the guards is `canTake`.
 */
export function eventsDefinedIn(mod: CaseMachineModule, snapshot: AnyMachineSnapshot): string[] {
  if (snapshot.status !== "active") return [];
  const own = new Set(snapshot._nodes.flatMap((node) => node.ownEvents as string[]));
  return Object.keys(mod.events).filter((type) => own.has(type));
}

/** Full check: the event type belongs to the module and a transition is enabled (guards included). */
export function canTake(mod: CaseMachineModule, snapshot: AnyMachineSnapshot, event: CaseEvent): boolean {
  return Object.hasOwn(mod.events, event.type) && snapshot.status === "active" && snapshot.can(event);
}

/** Plain JSON (undefined fields dropped), ready to store and to feed back to `nextSnapshot`. */
export function persist(snapshot: AnyMachineSnapshot): PersistedCaseSnapshot {
  return JSON.parse(JSON.stringify(snapshot.machine.getPersistedSnapshot(snapshot))) as PersistedCaseSnapshot;
}

// ---------------------------------------------------------------------------
// Describing (diagrams, API docs)

export interface TransitionJson {
  /** target state name; null for a self-transition that only updates the context */
  target: string | null;
  /** guard name, `and(a, b)` for combined guards, null when unguarded */
  guard: string | null;
}

export interface CaseDefinitionJson {
  type: string;
  version: number;
  id: string;
  initial: string;
  steps: number;
  overall: OverallDeadline | null;
  states: Record<string, StateMeta & { final: boolean; on: Record<string, TransitionJson[]> }>;
  events: Record<string, Omit<EventSpec, "payload"> & { payload: Record<string, unknown> }>;
}

function guardName(guard: unknown): string | null {
  if (guard == null) return null;
  if (typeof guard === "string") return guard;
  const g = guard as { type?: string; guards?: unknown[]; name?: string; check?: unknown };
  // Higher-order guards (`and([...])`) are functions carrying their parts in `.guards`.
  if (Array.isArray(g.guards)) return `${g.name || "guard"}(${g.guards.map(guardName).join(", ")})`;
  return g.type ?? g.name ?? "inline";
}

/**
 * A compact, JSON-serialisable definition built from the machine's own state nodes (not
 * a hand-written copy): state meta, transitions with their guards, and each event's
 * payload as JSON Schema. `machine.toJSON()` carries whole state nodes and action
 * objects; this is what a diagram needs.
 */
export function definitionJson(mod: CaseMachineModule): CaseDefinitionJson {
  const root = mod.machine.root;
  const states: CaseDefinitionJson["states"] = {};
  for (const [name, node] of Object.entries(root.states)) {
    const on: Record<string, TransitionJson[]> = {};
    for (const [type, list] of node.transitions) {
      on[type] = list.map((t) => ({ target: t.target?.[0]?.key ?? null, guard: guardName(t.guard) }));
    }
    states[name] = { ...mod.states[name], final: node.type === "final", on };
  }
  const events: CaseDefinitionJson["events"] = {};
  for (const [type, spec] of Object.entries(mod.events)) {
    events[type] = { recordedBy: spec.recordedBy, label: spec.label, payload: z.toJSONSchema(spec.payload) };
  }
  return {
    type: mod.type,
    version: mod.version,
    id: mod.machine.id,
    initial: root.initial.target[0]!.key,
    steps: mod.steps,
    overall: mod.overall ?? null,
    states,
    events,
  };
}

/**
 * A refusal as the status answer shows it, from a transfer machine's facts: `refusalReason` (every
 * version) and `refusalReasonCode` (from the second versions on; absent before, then null).
 */
export function refusalOf(facts: Record<string, unknown>): RefusalView {
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  return { reasonCode: text(facts.refusalReasonCode), reason: text(facts.refusalReason) };
}

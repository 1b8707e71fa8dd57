// Case machine definitions (GET /api/machines/:type) and what pages derive from them:
// the happy path (one state per step), the diagram layout, limit keys. The list of case types
// comes from the server (GET /api/machines): the pages hold no list of their own.
import { api } from "./api.js";
import { rememberCaseTypes } from "./case-types.js";

/** @typedef {import("./case-types.js").CaseTypeInfo} CaseTypeInfo */

/**
 * A machine definition as GET /api/machines/:type gives it (only what the pages read).
 * @typedef {{ label?: { zh: string, en: string }, step: number, final?: boolean, outcome?: string,
 *   deadline?: LimitSpec, on?: Record<string, { target?: string, guard?: string }[]> }} StateDef
 * @typedef {{ key: string, nationalMaxDays: number, agency?: string }} LimitSpec
 * @typedef {{ label?: { zh: string, en: string }, payload?: any }} EventDef
 * @typedef {{ type: string, version: number, initial: string, states: Record<string, StateDef>,
 *   events: Record<string, EventDef>, overall?: LimitSpec }} MachineDef
 */

/** @type {Promise<CaseTypeInfo[]> | null} */
let typesPromise = null;

/** The case types the server offers, in its order (cached; a failed load is tried again next time). */
export function getCaseTypes() {
  if (!typesPromise) {
    const p = api("GET", "/api/machines", { auth: false }).then((r) => {
      if (r.status !== 200 || !Array.isArray(r.body?.items)) throw new Error(`case types not available (${r.status})`);
      const items = /** @type {CaseTypeInfo[]} */ (r.body.items);
      rememberCaseTypes(items);
      return items;
    });
    p.catch(() => {
      typesPromise = null;
    });
    typesPromise = p;
  }
  return typesPromise;
}

/** The names of the case types (an empty list when the server cannot be reached). */
export async function caseTypeNames() {
  try {
    return (await getCaseTypes()).map((c) => c.type);
  } catch {
    return [];
  }
}

/** @type {Map<string, Promise<MachineDef>>} */
const cache = new Map();

/**
 * The definition of a case type (a given machine version, or the latest).
 * @param {string} type @param {number} [version]
 */
export function getDefinition(type, version) {
  const key = `${type}@${version ?? "latest"}`;
  if (!cache.has(key)) {
    const path = `/api/machines/${encodeURIComponent(type)}${version ? `?version=${version}` : ""}`;
    const p = api("GET", path, { auth: false }).then((r) => {
      if (r.status !== 200) throw new Error(`machine ${type} not available (${r.status})`);
      return r.body;
    });
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return /** @type {Promise<MachineDef>} */ (cache.get(key));
}

/**
 * Targets of a state's transitions, in declaration order: [{ event, target }] (self-transitions left out).
 * @param {MachineDef} def @param {string} state
 * @returns {{ event: string, target: string, guard?: string }[]}
 */
export function edgesFrom(def, state) {
  const out = [];
  for (const [event, list] of Object.entries(def.states[state]?.on ?? {})) {
    for (const tr of list)
      if (tr.target && tr.target !== state) out.push({ event, target: tr.target, guard: tr.guard });
  }
  return out;
}

/**
 * Events that stay in the state (they only record facts, e.g. a reissued certificate).
 * @param {MachineDef} def @param {string} state
 */
export function selfEvents(def, state) {
  const out = [];
  for (const [event, list] of Object.entries(def.states[state]?.on ?? {})) {
    if (list.some((tr) => !tr.target || tr.target === state)) out.push(event);
  }
  return out;
}

/**
 * The happy path: from the initial state, always the first transition to the next step,
 * preferring non-final states and, among final ones, a completed outcome.
 * @param {MachineDef} def
 * @returns {string[]} state names, index 0 = step 1
 */
export function happyPath(def) {
  const path = [def.initial];
  const seen = new Set(path);
  let cur = def.initial;
  while (!def.states[cur].final) {
    const step = def.states[cur].step;
    const candidates = edgesFrom(def, cur)
      .map((e) => e.target)
      .filter((t) => !seen.has(t) && def.states[t].step > step);
    if (candidates.length === 0) break;
    const rank = (/** @type {string} */ t) => {
      const st = def.states[t];
      const gap = st.step - step;
      const kind = !st.final ? 0 : st.outcome === "completed" ? 1 : 2;
      return gap * 10 + kind;
    };
    candidates.sort((a, b) => rank(a) - rank(b));
    cur = candidates[0];
    seen.add(cur);
    path.push(cur);
  }
  return path;
}

/**
 * Diagram layout: one column per step, the happy path on row 0, every other state on the
 * next free row of its step's column.
 * @param {MachineDef} def
 * @returns {Map<string, { col: number, row: number, main: boolean }>}
 */
export function layout(def) {
  const main = happyPath(def);
  /** @type {Map<string, { col: number, row: number, main: boolean }>} */
  const pos = new Map();
  /** @type {Map<number, number>} */
  const rowsUsed = new Map();
  for (const name of main) {
    const col = def.states[name].step - 1;
    pos.set(name, { col, row: 0, main: true });
    rowsUsed.set(col, 1);
  }
  // Others in step order, then final states last, so branches read left to right.
  const others = Object.keys(def.states)
    .filter((n) => !pos.has(n))
    .sort(
      (a, b) => def.states[a].step - def.states[b].step || Number(def.states[a].final) - Number(def.states[b].final),
    );
  for (const name of others) {
    const col = def.states[name].step - 1;
    const row = rowsUsed.get(col) ?? 1;
    rowsUsed.set(col, row + 1);
    pos.set(name, { col, row: Math.max(row, 1), main: false });
  }
  return pos;
}

/**
 * Every configurable limit of a definition: step limits and the overall one.
 * @param {MachineDef} def
 */
export function limitSpecs(def) {
  /** @type {LimitSpec[]} */
  const specs = [];
  for (const st of Object.values(def.states)) if (st.deadline) specs.push(st.deadline);
  if (def.overall) specs.push(def.overall);
  const seen = new Set();
  return specs.filter((s) => (seen.has(s.key) ? false : (seen.add(s.key), true)));
}

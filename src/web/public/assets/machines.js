// Case machine definitions (GET /api/machines/:type) and what pages derive from them:
// the happy path (one state per step), the diagram layout, limit keys.
import { api } from "./api.js";

/** @type {Map<string, Promise<any>>} */
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
  return /** @type {Promise<any>} */ (cache.get(key));
}

export const CASE_TYPES = ["medicalTransfer", "pensionTransfer", "renewal"];

/** Targets of a state's transitions, in declaration order: [{ event, target }] (self-transitions left out). */
export function edgesFrom(def, state) {
  const out = [];
  for (const [event, list] of Object.entries(def.states[state]?.on ?? {})) {
    for (const tr of list) if (tr.target && tr.target !== state) out.push({ event, target: tr.target, guard: tr.guard });
  }
  return out;
}

/** Events that stay in the state (they only record facts, e.g. a reissued certificate). */
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
    const rank = (t) => {
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
 * @returns {Map<string, { col: number, row: number, main: boolean }>}
 */
export function layout(def) {
  const main = happyPath(def);
  const pos = new Map();
  const rowsUsed = new Map();
  for (const name of main) {
    const col = def.states[name].step - 1;
    pos.set(name, { col, row: 0, main: true });
    rowsUsed.set(col, 1);
  }
  // Others in step order, then final states last, so branches read left to right.
  const others = Object.keys(def.states)
    .filter((n) => !pos.has(n))
    .sort((a, b) => def.states[a].step - def.states[b].step || Number(def.states[a].final) - Number(def.states[b].final));
  for (const name of others) {
    const col = def.states[name].step - 1;
    const row = rowsUsed.get(col) ?? 1;
    rowsUsed.set(col, row + 1);
    pos.set(name, { col, row: Math.max(row, 1), main: false });
  }
  return pos;
}

/** Every configurable limit of a definition: step limits and the overall one. */
export function limitSpecs(def) {
  const specs = [];
  for (const st of Object.values(def.states)) if (st.deadline) specs.push(st.deadline);
  if (def.overall) specs.push(def.overall);
  const seen = new Set();
  return specs.filter((s) => (seen.has(s.key) ? false : (seen.add(s.key), true)));
}

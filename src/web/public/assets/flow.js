// Which flow a case follows (medical transfers: paper or online, the answers' `flow` field), for
// the status page and the console; and the step names of a case's own path through its machine.
import { t } from "./i18n.js";

/** The flow as words, or null when the case type has no flows (the field is absent). @param {any} c */
export function flowText(c) {
  if (!c || c.flow === undefined) return null;
  return t(c.flow === null ? "flow.undecided" : `flow.${c.flow}`);
}

/**
 * The state to name each step after: the states the case went through (its timeline), else the
 * machine's main path. An online medical transfer skips the paper certificate: its step 2 is not
 * named after it.
 * @param {any} def machine definition @param {string[]} main happyPath(def)
 * @param {{ state: string }[]} timeline @param {any} c the status answer
 * @returns {(string | null)[]} index 0 = step 1; null = a step this case does not go through
 */
export function pathOf(def, main, timeline, c) {
  /** @type {(string | null)[]} */
  const byStep = [...main];
  for (const e of timeline) {
    const st = def.states[e.state];
    if (st && !st.final) byStep[st.step - 1] = e.state;
  }
  if (c.flow === "online") {
    for (let i = 0; i < c.progress.step - 1; i++) {
      const name = byStep[i];
      if (!name || !timeline.some((e) => e.state === name)) byStep[i] = null;
    }
  }
  return byStep;
}

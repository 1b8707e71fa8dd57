// The case page without friction: a "details" switch for versions, sequence numbers and codes,
// the timeline's order (newest first unless switched), the diagram folded away, working days left
// for the step and the whole case, and the events the rules refuse now (all decided by the server).
import { h } from "./dom.js";
import { t } from "./i18n.js";

const DETAILS_KEY = "tracker.caseDetails";
const ORDER_KEY = "tracker.timelineOrder";
const DIAGRAM_KEY = "tracker.diagramOpen";

/** @param {string} key @param {string} fallback */
function stored(key, fallback) {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}
/** @param {string} key @param {string} value */
function store(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage may be unavailable */
  }
}

/**
 * The "details" switch: while off, elements marked .detail-only (versions, sequence numbers,
 * codes) are hidden on the page `root`. Remembered across cases.
 * @param {HTMLElement} root
 */
export function detailsSwitch(root) {
  const on = stored(DETAILS_KEY, "off") === "on";
  root.classList.toggle("show-details", on);
  const box = h("input", {
    type: "checkbox",
    id: "case-details-switch",
    checked: on,
    onChange: (/** @type {Event} */ e) => {
      const checked = /** @type {HTMLInputElement} */ (e.currentTarget).checked;
      root.classList.toggle("show-details", checked);
      store(DETAILS_KEY, checked ? "on" : "off");
    },
  });
  return h("p", { class: "details-switch" }, box, " ", h("label", { for: "case-details-switch" }, t("caseUx.details")));
}

/** Text shown only with the details switch on. @param {...any} children */
export function detailOnly(...children) {
  return h("span", { class: "detail-only" }, ...children);
}

/** "newest" (the default) or "oldest". */
export function timelineOrder() {
  return stored(ORDER_KEY, "newest") === "oldest" ? "oldest" : "newest";
}

/**
 * The events in the chosen order, and a button that switches it (re-rendering with `rerender`).
 * @template T @param {T[]} events @param {() => void} rerender
 * @returns {{ ordered: T[], toggle: HTMLElement }}
 */
export function orderedTimeline(events, rerender) {
  const order = timelineOrder();
  const ordered = order === "newest" ? [...events].reverse() : events;
  const toggle = h(
    "button",
    {
      type: "button",
      class: "secondary small timeline-order",
      "aria-pressed": String(order === "newest"),
      onClick: () => {
        store(ORDER_KEY, order === "newest" ? "oldest" : "newest");
        rerender();
      },
    },
    order === "newest" ? t("caseUx.showOldestFirst") : t("caseUx.showNewestFirst"),
  );
  return { ordered, toggle };
}

/**
 * The diagram folded into a <details> (closed unless opened before), so a normal case fits a
 * laptop screen. @param {any} diagram
 */
export function collapsibleDiagram(diagram) {
  const d = h(
    "details",
    { class: "case-diagram-fold", open: stored(DIAGRAM_KEY, "closed") === "open" },
    h("summary", null, t("caseUx.showDiagram")),
    diagram,
  );
  d.addEventListener("toggle", () =>
    store(DIAGRAM_KEY, /** @type {HTMLDetailsElement} */ (d).open ? "open" : "closed"),
  );
  return d;
}

/**
 * Working days left for the current step and for the whole case, as the server counted them.
 * @param {any} c @param {"step" | "overall"} which
 * @returns {string | null}
 */
export function workingDaysText(c, which) {
  const n = which === "step" ? c.stepWorkingDaysLeft : c.overallWorkingDaysLeft;
  if (typeof n !== "number") return null;
  if (n < 0) return t("caseUx.daysOverdue", { n: -n });
  return n === 0 ? t("caseUx.dueToday") : t("caseUx.daysLeft", { n });
}

/** The reason the server gives for a blocked event, translated when known. @param {any} c @param {string} type */
export function blockedReason(c, type) {
  const b = (c.blockedEvents ?? []).find((/** @type {any} */ x) => x.type === type);
  if (!b) return null;
  const key = `refusal.${c.type}.${type}`;
  const s = t(key);
  return s === key ? b.reason : s;
}

/**
 * The note under the buttons naming each blocked event and why.
 * @param {any} c @param {(type: string) => string} eventLabel
 */
export function blockedNotes(c, eventLabel) {
  const list = (c.blockedEvents ?? []).map((/** @type {any} */ b) =>
    h(
      "li",
      { id: `blocked-${b.type}` },
      h("strong", null, t("caseUx.blocked", { event: eventLabel(b.type) })),
      " ",
      blockedReason(c, b.type),
    ),
  );
  return list.length ? h("ul", { class: "blocked-notes note note-warning" }, list) : null;
}

/** A working-days text for a queue row (the server's count). @param {any} row */
export function queueDaysText(row) {
  if (row.final || typeof row.workingDaysLeft !== "number") return null;
  const n = row.workingDaysLeft;
  return n < 0 ? t("caseUx.daysOverdue", { n: -n }) : n === 0 ? t("caseUx.dueToday") : t("caseUx.daysLeft", { n });
}

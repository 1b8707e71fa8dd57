// The clerk's queues and who holds a case (docs/clerk-tools.md): the "mine" and "unassigned"
// queues, the agency's workload with its one-step handover, and the case page's assignment card.
import { api } from "./api.js";
import { h, listener, replace } from "./dom.js";
import { t } from "./i18n.js";
import { formatInstant, problemMessage, showMessage } from "./ui.js";

/**
 * The queue switch above the filters: all of my agency's cases, mine, unassigned, and the workload.
 * @param {{ assignedTo: string }} filters the console's queue filters (assignedTo: "" | "me" | "none")
 * @param {() => void} reload
 */
export function queueTabs(filters, reload) {
  const workloadSlot = h("div", { class: "workload-slot" });
  /** @param {string} value @param {string} key */
  const tab = (value, key) =>
    h(
      "button",
      {
        type: "button",
        class: filters.assignedTo === value ? "primary" : "secondary",
        "aria-pressed": String(filters.assignedTo === value),
        "data-queue": value || "all",
        onClick: () => {
          filters.assignedTo = value;
          for (const b of bar.querySelectorAll("button[data-queue]")) {
            const on = b.getAttribute("data-queue") === (value || "all");
            b.className = on ? "primary" : "secondary";
            b.setAttribute("aria-pressed", String(on));
          }
          reload();
        },
      },
      t(key),
    );
  const bar = h(
    "div",
    { class: "queue-tabs", role: "group", "aria-label": t("clerk.queues") },
    tab("", "clerk.queueAll"),
    " ",
    tab("me", "clerk.queueMine"),
    " ",
    tab("none", "clerk.queueUnassigned"),
    " ",
    h(
      "button",
      {
        type: "button",
        class: "secondary",
        "data-workload": "",
        onClick: () => void showWorkload(workloadSlot, reload),
      },
      t("clerk.workload"),
    ),
  );
  return h("div", { class: "clerk-queues" }, bar, workloadSlot);
}

/** @param {HTMLElement} slot @param {() => void} reload */
async function showWorkload(slot, reload) {
  const r = await api("GET", "/api/agency/workload");
  if (r.status !== 200) return showMessage(slot, problemMessage(r));
  const w = r.body;
  const rows = [...w.clerks, { ...w.unassigned, username: null }].map((/** @type {any} */ c) =>
    h(
      "tr",
      null,
      h("th", { scope: "row" }, c.username ?? t("clerk.nobody")),
      h("td", null, String(c.open)),
      h("td", null, String(c.overdue)),
      h("td", null, String(c.dueSoon)),
    ),
  );
  const names = w.clerks.map((/** @type {any} */ c) => c.username);
  /** @param {string} name @param {string} label */
  const select = (name, label) =>
    h(
      "label",
      null,
      label,
      " ",
      h(
        "select",
        { name },
        names.map((/** @type {string} */ n) => h("option", { value: n }, n)),
      ),
    );
  const msg = h("div", { class: "messages", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "reassign", novalidate: true },
    select("from", t("clerk.reassignFrom")),
    " ",
    select("to", t("clerk.reassignTo")),
    " ",
    h("button", { type: "submit", class: "primary" }, t("clerk.reassign")),
  );
  form.addEventListener(
    "submit",
    listener(async (/** @type {Event} */ e) => {
      e.preventDefault();
      const data = new FormData(/** @type {HTMLFormElement} */ (form));
      const rr = await api("POST", "/api/agency/workload/reassign", {
        body: { from: data.get("from"), to: data.get("to") },
      });
      if (rr.status !== 200) return showMessage(msg, problemMessage(rr));
      showMessage(msg, { kind: "success", title: t("clerk.reassigned", { n: rr.body.moved, to: rr.body.to }) });
      reload();
    }),
  );
  replace(
    slot,
    h(
      "section",
      { class: "card workload", "aria-labelledby": "sec-workload" },
      h("h2", { id: "sec-workload" }, t("clerk.workloadHeading", { n: w.dueSoonWorkingDays })),
      h(
        "table",
        { class: "queue" },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            [t("clerk.col.clerk"), t("clerk.col.open"), t("clerk.col.overdue"), t("clerk.col.dueSoon")].map((c) =>
              h("th", { scope: "col" }, c),
            ),
          ),
        ),
        h("tbody", null, rows),
      ),
      names.length > 1 ? form : null,
      msg,
    ),
  );
}

/** Who holds each side of the case. @param {any} a the assignment (GET /api/cases/:id/assignment) */
function holders(a) {
  return h(
    "dl",
    { class: "facts" },
    a.sides.map((/** @type {any} */ s) =>
      h("div", null, h("dt", null, s.agency), h("dd", { "data-assignee": s.agency }, s.assignee ?? t("clerk.nobody"))),
    ),
  );
}

/**
 * My side's buttons: take it (unless I hold it), hand it over to a colleague, release it (when held).
 * @param {any} mine my agency's side @param {any} me @param {any[]} clerks my agency's active clerks
 * @param {(username: string | null) => void} put sets my side's assignee
 */
function sideActions(mine, me, clerks, put) {
  const handover = /** @type {HTMLSelectElement} */ (
    h(
      "select",
      { name: "handover", "aria-label": t("clerk.handoverTo") },
      clerks
        .filter((/** @type {any} */ k) => k.username !== mine.assignee)
        .map((/** @type {any} */ k) => h("option", { value: k.username }, k.username)),
    )
  );
  return h(
    "p",
    { class: "form-actions" },
    mine.assignee !== me.username
      ? h(
          "button",
          { type: "button", class: "primary", "data-take": "", onClick: () => put(me.username) },
          t("clerk.take"),
        )
      : null,
    " ",
    handover,
    " ",
    h(
      "button",
      { type: "button", class: "secondary", "data-handover": "", onClick: () => put(handover.value) },
      t("clerk.handover"),
    ),
    " ",
    mine.assignee
      ? h(
          "button",
          { type: "button", class: "secondary", "data-release": "", onClick: () => put(null) },
          t("clerk.release"),
        )
      : null,
  );
}

/** An assignment change as a timeline entry. @param {any} e */
function historyEntry(e) {
  return {
    at: e.at,
    node: h(
      "li",
      { class: "tl-assignment" },
      h("time", { datetime: e.at }, formatInstant(e.at)),
      h(
        "span",
        { class: "tl-label" },
        e.to
          ? t(e.from ? "clerk.tl.handedOver" : "clerk.tl.assigned", { agency: e.agency, from: e.from ?? "", to: e.to })
          : t("clerk.tl.released", { agency: e.agency, from: e.from ?? "" }),
      ),
      h("span", { class: "tl-meta muted small" }, t("clerk.tl.by", { user: e.by })),
    ),
  };
}

/**
 * The case page's assignment card: who holds each side; take, hand over or release my side.
 * @param {any} c the case view
 * @param {any} me the logged-in user (/api/me)
 * @param {(entries: { at: string, node: HTMLElement }[]) => void} toTimeline
 */
export function assignmentCard(c, me, toTimeline) {
  const body = h("div", null, h("p", { class: "muted" }, t("common.loading")));
  const card = h(
    "section",
    { class: "card clerk-assignment", "aria-labelledby": "sec-assignment" },
    h("h2", { id: "sec-assignment" }, t("clerk.assignment")),
    body,
  );
  const load = async () => {
    const [ar, wr] = await Promise.all([
      api("GET", `/api/cases/${c.id}/assignment`),
      api("GET", "/api/agency/workload"),
    ]);
    if (ar.status !== 200) return showMessage(body, problemMessage(ar));
    const a = ar.body;
    const mine = a.sides.find((/** @type {any} */ s) => s.agency === me.agency?.code);
    const clerks = wr.status === 200 ? wr.body.clerks.filter((/** @type {any} */ k) => !k.disabled) : [];
    const msg = h("div", { class: "messages", "aria-live": "polite" });
    /** @param {string | null} username */
    const put = async (username) => {
      const r = await api("PUT", `/api/cases/${c.id}/assignee`, { body: { username } });
      if (r.status !== 200) return showMessage(msg, problemMessage(r));
      await load();
    };
    replace(body, holders(a), mine ? sideActions(mine, me, clerks, (u) => void put(u)) : null, msg);
    toTimeline(a.history.map(historyEntry));
  };
  void load();
  return card;
}

/**
 * Puts entries (notes, assignment changes) into the staff timeline among the events, by time;
 * entries of the same kind from an earlier call are replaced.
 * @param {HTMLElement} timeline the <ol> of the events
 * @param {any[]} events the events shown, with recordedAt
 * @param {string} kind
 * @param {{ at: string, node: HTMLElement }[]} entries
 */
export function mergeIntoTimeline(timeline, events, kind, entries) {
  for (const old of timeline.querySelectorAll(`[data-clerk="${kind}"]`)) old.remove();
  const at = new Map(events.map((e) => [String(e.seq), e.recordedAt]));
  // newest first or oldest first, as the events are shown
  const items = [...timeline.querySelectorAll("li[data-seq]")];
  const first = items[0] ? at.get(items[0].getAttribute("data-seq") ?? "") : undefined;
  const last = items.at(-1) ? at.get(items.at(-1)?.getAttribute("data-seq") ?? "") : undefined;
  const newestFirst = first !== undefined && last !== undefined && first > last;
  for (const e of entries) {
    e.node.setAttribute("data-clerk", kind);
    e.node.setAttribute("data-at", e.at);
    const all = [...timeline.children];
    const before = all.find((li) => {
      const t0 = li.getAttribute("data-at") ?? at.get(li.getAttribute("data-seq") ?? "");
      return t0 !== undefined && (newestFirst ? t0 < e.at : t0 > e.at);
    });
    if (before) before.before(e.node);
    else timeline.append(e.node);
  }
}

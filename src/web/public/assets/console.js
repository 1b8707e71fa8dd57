// Staff console: the queue of my agency's cases, a case page (timeline, diagram, one button per
// allowed event with its form), and opening a case. Hash routes: #/ · #/case/<id> · #/new.
// Nothing personal goes into the URL: the search text stays in memory.
import { flowText } from "./flow.js";
import { api } from "./api.js";
import { h, replace, listener } from "./dom.js";
import { t, label as pick } from "./i18n.js";
import {
  initPage,
  showMessage,
  clearMessage,
  problemMessage,
  formatDate,
  formatInstant,
  typeLabel,
  sideLabel,
  Fields,
} from "./ui.js";
import { startSession } from "./session.js";
import { caseTypeNames, getCaseTypes, getDefinition } from "./machines.js";
import { eventForm, fieldLabel, enumLabel } from "./forms.js";
import { renderDiagram } from "./diagram.js";
import { formatFen } from "./money.js";
import { chinaToday } from "./dates.js";
import { newIdempotencyKey } from "./keys.js";
import { idNumberProblem, normalizeIdNumber } from "./idnumber.js";
import { documentsSection } from "./console-documents.js";
import { importView } from "./console-import.js";
import { contributionImportView } from "./console-contribution-import.js";
import { contributionsCard } from "./console-contributions.js";
import { transferGapNote } from "./status-gap.js";
import {
  blockedNotes,
  blockedReason,
  collapsibleDiagram,
  detailOnly,
  detailsSwitch,
  orderedTimeline,
  queueDaysText,
  workingDaysText,
} from "./console-case.js";
import {
  assessmentCard,
  certificateCard,
  factLabel,
  prefillFromRecord,
  previewFirst,
  structuredFacts,
} from "./console-assessment.js";
import { assignmentCard, mergeIntoTimeline, queueTabs } from "./console-assignment.js";
import { notesCard } from "./console-notes.js";
import { attachmentsCard, missingDocumentsMessage } from "./console-attachments.js";
import {
  duplicatesNotice,
  nameCorrectionOf,
  openCaseExistsMessage,
  partiesCard,
  partyBody,
  partyFields,
  partyVocabulary,
  schemeFilterField,
} from "./console-parties.js";
import { attachAgencyPickers } from "./console-agency-picker.js";
import { schemes } from "./vocabulary.js";

const view = /** @type {HTMLElement} */ (document.getElementById("view"));
const messages = /** @type {HTMLElement} */ (document.getElementById("messages"));

/** @type {any} */
let me = null;
const filters = { mine: true, type: "", state: "", overdue: "", q: "", assignedTo: "", scheme: "" };
/** @type {Record<string, any>} */
const defs = {};

const session = startSession({
  onReady: (user) => {
    me = user;
    const navNew = document.getElementById("nav-new");
    if (navNew) /** @type {HTMLElement} */ (navNew.parentElement).hidden = me.role !== "staff";
    const navImport = document.getElementById("nav-import");
    if (navImport) /** @type {HTMLElement} */ (navImport.parentElement).hidden = me.role !== "staff";
    const navContrib = document.getElementById("nav-contributions-import");
    if (navContrib) /** @type {HTMLElement} */ (navContrib.parentElement).hidden = me.role !== "staff";
    void route();
  },
  onLoggedOut: () => {
    me = null;
  },
});

initPage(() => {
  session.renderWho();
  if (me) void route({ keepFocus: true });
});

window.addEventListener("hashchange", () => {
  if (me) {
    clearMessage(messages);
    void route();
  }
});

async function loadDefinitions() {
  await Promise.all(
    (await caseTypeNames()).map(async (type) => {
      if (!defs[type]) {
        try {
          defs[type] = await getDefinition(type);
        } catch {
          /* labels fall back to state names */
        }
      }
    }),
  );
}

/** Bumped on every navigation: a view whose data arrives after the user moved on is dropped. */
let navSeq = 0;

/** @param {{ keepFocus?: boolean }} [opts] */
function route(opts = {}) {
  navSeq += 1;
  const hash = location.hash || "#/";
  const m = /^#\/case\/([0-9a-f-]{36})$/i.exec(hash);
  if (m) return caseView(m[1], opts);
  if (hash === "#/new") return newCaseView(opts);
  if (hash === "#/import" && me.role === "staff") {
    const at = navSeq;
    return importView(view, () => at === navSeq);
  }
  if (hash === "#/contributions/import" && me.role === "staff") {
    const at = navSeq;
    return contributionImportView(view, () => at === navSeq);
  }
  return queueView(opts);
}

/** Move focus to the view's heading so screen readers announce the new page. */
function focusHeading(/** @type {{ keepFocus?: boolean }} */ opts) {
  if (opts.keepFocus) return;
  const h1 = view.querySelector("h1");
  if (h1) /** @type {HTMLElement} */ (h1).focus();
}

// ------------------------------------------------------------------ queue

/** The state filter's options: the states of the chosen type, or of every type. @param {string[]} caseTypes */
function stateOptions(caseTypes) {
  const seen = new Map();
  const types = filters.type ? [filters.type] : caseTypes;
  for (const type of types)
    for (const [name, st] of Object.entries(defs[type]?.states ?? {}))
      if (!seen.has(name)) seen.set(name, pick(st.label));
  return [{ value: "", label: t("queue.allStates") }, ...[...seen].map(([value, label]) => ({ value, label }))];
}

/**
 * The queue's filter fields, set to the current filters: type, state (follows the type), overdue,
 * scheme (the server's schemes), search text, and "mine only" for staff.
 * @param {Fields} fields @param {string[]} caseTypes @param {string[]} schemeList
 */
function queueFilterFields(fields, caseTypes, schemeList) {
  const typeField = fields.add({
    name: "type",
    label: t("queue.filterType"),
    kind: "select",
    value: filters.type,
    options: [{ value: "", label: t("queue.allTypes") }, ...caseTypes.map((v) => ({ value: v, label: typeLabel(v) }))],
  });
  const stateField = fields.add({
    name: "state",
    label: t("queue.filterState"),
    kind: "select",
    value: filters.state,
    options: stateOptions(caseTypes),
  });
  const overdueField = fields.add({
    name: "overdue",
    label: t("queue.filterOverdue"),
    kind: "select",
    value: filters.overdue,
    options: [
      { value: "", label: t("queue.overdueAny") },
      { value: "true", label: t("queue.overdueOnly") },
      { value: "false", label: t("queue.overdueNot") },
    ],
  });
  const qField = fields.add({
    name: "q",
    label: t("queue.search"),
    hint: t("queue.searchHint"),
    value: filters.q,
    attrs: { type: "search", autocomplete: "off", spellcheck: "false", maxlength: 64 },
  });
  const mineField =
    me.role === "staff"
      ? fields.add({ name: "mine", label: t("queue.mineOnly"), kind: "checkbox", value: filters.mine })
      : null;
  fields.control("type")?.addEventListener("change", () => {
    filters.type = String(fields.value("type"));
    const sel = /** @type {HTMLSelectElement} */ (fields.control("state"));
    replace(
      sel,
      stateOptions(caseTypes).map((o) => h("option", { value: o.value }, o.label)),
    );
  });
  const schemeField = schemeFilterField(fields, filters.scheme, schemeList);
  return { grid: [typeField, stateField, overdueField, schemeField, qField], mineField };
}

/**
 * The filter form: applying it keeps the filters and reloads the table; "reset" starts over.
 * @param {Fields} fields @param {string[]} caseTypes @param {string[]} schemeList @param {HTMLElement} tableSlot
 */
function queueFilterForm(fields, caseTypes, schemeList, tableSlot) {
  const { grid, mineField } = queueFilterFields(fields, caseTypes, schemeList);
  const filterForm = h(
    "form",
    { class: "filters card", role: "search", "aria-label": t("queue.filtersLabel"), novalidate: true },
    h("div", { class: "filter-grid" }, grid),
    mineField,
    h(
      "p",
      { class: "form-actions" },
      h("button", { type: "submit", class: "primary" }, t("queue.apply")),
      " ",
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onClick: () => {
            Object.assign(filters, { mine: true, type: "", state: "", overdue: "", q: "", scheme: "" });
            void queueView({});
          },
        },
        t("queue.reset"),
      ),
    ),
  );
  filterForm.addEventListener("submit", (e) => {
    e.preventDefault();
    filters.type = String(fields.value("type") ?? "");
    filters.state = String(fields.value("state") ?? "");
    filters.overdue = String(fields.value("overdue") ?? "");
    filters.scheme = String(fields.value("scheme") ?? "");
    filters.q = String(fields.value("q") ?? "").trim();
    filters.mine = mineField ? Boolean(fields.value("mine")) : false;
    void loadQueue(tableSlot, null);
  });
  return filterForm;
}

/** What the badges in the table mean. */
function queueLegend() {
  return h(
    "ul",
    { class: "legend", "aria-label": t("queue.legendLabel") },
    h("li", null, h("span", { class: "badge badge-danger" }, t("badge.overdue")), " ", t("queue.legendOverdue")),
    h("li", null, h("span", { class: "badge badge-warning" }, t("badge.dueSoon")), " ", t("queue.legendDueSoon")),
    h("li", null, h("span", { class: "badge badge-info" }, t("badge.provisional")), " ", t("queue.legendProvisional")),
  );
}

/** @param {{ keepFocus?: boolean }} opts */
async function queueView(opts) {
  const seq = navSeq;
  document.title = `${t("queue.heading")} — ${t("console.brand")}`;
  const [caseTypes, schemeList] = await Promise.all([loadDefinitions().then(caseTypeNames), schemes()]);
  if (seq !== navSeq) return;
  const fields = new Fields("queue");
  const tableSlot = h("div", { class: "table-slot" });
  const filterForm = queueFilterForm(fields, caseTypes, schemeList, tableSlot);
  const heading =
    me.role === "staff" && filters.mine
      ? t("queue.headingMine", { agency: me.agency?.name ?? "" })
      : t("queue.heading");
  replace(
    view,
    h("h1", { tabindex: "-1" }, heading),
    me.role !== "staff" ? h("p", { class: "note note-info" }, t("queue.adminNote")) : null,
    me.role === "staff" ? queueTabs(filters, () => void loadQueue(tableSlot, null)) : null,
    duplicatesNotice(),
    filterForm,
    queueLegend(),
    tableSlot,
  );
  focusHeading(opts);
  await loadQueue(tableSlot, null);
}

/**
 * @param {HTMLElement} slot
 * @param {{ cursor: string, tbody: HTMLElement, count: number } | null} more
 */
async function loadQueue(slot, more) {
  const params = new URLSearchParams({ sort: "due", limit: "50" });
  if (filters.mine && me.role === "staff") params.set("mine", "true");
  if (filters.type) params.set("type", filters.type);
  if (filters.state) params.set("state", filters.state);
  if (filters.overdue) params.set("overdue", filters.overdue);
  if (filters.scheme) params.set("scheme", filters.scheme);
  if (filters.q) params.set("q", filters.q);
  if (filters.assignedTo && me.role === "staff") params.set("assignedTo", filters.assignedTo);
  if (more) params.set("cursor", more.cursor);
  if (!more) replace(slot, h("p", { class: "muted", role: "status" }, t("common.loading")));
  const r = await api("GET", `/api/cases?${params}`);
  if (r.status !== 200) {
    if (r.status !== 401) showMessage(slot, { ...problemMessage(r) });
    return;
  }
  const rows = r.body.items.map((/** @type {any} */ c) => queueRow(c));
  if (more) {
    more.tbody.append(...rows);
    more.count += rows.length;
  }
  const count = more ? more.count : rows.length;
  const tbody = more ? more.tbody : h("tbody", null, rows);
  const caption = h("caption", null, t("queue.caption", { n: count }), r.body.nextCursor ? t("queue.captionMore") : "");
  if (!more) {
    if (rows.length === 0) {
      replace(slot, h("p", { class: "empty", role: "status" }, t("queue.empty")));
      return;
    }
    const table = h(
      "table",
      { class: "queue" },
      caption,
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          [
            t("queue.col.caseNumber"),
            t("queue.col.type"),
            t("queue.col.state"),
            t("queue.col.insured"),
            t("queue.col.agencies"),
            t("queue.col.stepDue"),
            t("queue.col.due"),
            t("queue.col.flags"),
          ].map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      tbody,
    );
    replace(
      slot,
      h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": t("queue.tableLabel") }, table),
    );
  } else {
    slot.querySelector("caption")?.replaceWith(caption);
    slot.querySelector(".load-more")?.remove();
  }
  if (r.body.nextCursor) {
    const state = { cursor: r.body.nextCursor, tbody, count };
    slot.append(
      h(
        "p",
        { class: "load-more" },
        h("button", { type: "button", class: "secondary", onClick: () => loadQueue(slot, state) }, t("queue.loadMore")),
      ),
    );
  }
  slot.querySelector(".queue-status")?.remove();
  slot.append(h("p", { class: "visually-hidden queue-status", role: "status" }, t("queue.caption", { n: count })));
}

/** @param {any} c */
function queueRow(c) {
  // due soon as the server decides it (the dueSoon filter's rule), never counted here
  const soon = c.dueSoon === true && !c.overdue;
  const flags = [];
  if (c.final) flags.push(h("span", { class: "badge badge-neutral" }, t("badge.final")));
  if (c.overdue) flags.push(h("span", { class: "badge badge-danger" }, t("badge.overdue")));
  else if (soon) flags.push(h("span", { class: "badge badge-warning" }, t("badge.dueSoon")));
  if (c.provisional) flags.push(h("span", { class: "badge badge-info" }, t("badge.provisional")));
  return h(
    "tr",
    { class: c.overdue ? "row-overdue" : soon ? "row-duesoon" : null, "data-case": c.caseNumber },
    h("th", { scope: "row" }, h("a", { href: `#/case/${c.id}` }, c.caseNumber)),
    h("td", null, typeLabel(c.type)),
    h(
      "td",
      null,
      pick(c.stateLabel),
      h("br"),
      h("span", { class: "muted small" }, t("queue.waitingFor", { side: sideLabel(c.actingSide) })),
    ),
    h("td", null, c.insuredName, h("br"), h("span", { class: "muted small mono" }, c.insuredIdNumber)),
    h("td", null, `${c.fromAgency} → ${c.toAgency}`),
    h(
      "td",
      null,
      c.stepDueOn ? h("time", { datetime: c.stepDueOn }, formatDate(c.stepDueOn)) : t("common.none"),
      queueDaysText(c) ? [h("br"), h("span", { class: "muted small days-left" }, queueDaysText(c))] : null,
    ),
    h("td", null, c.dueOn ? h("time", { datetime: c.dueOn }, formatDate(c.dueOn)) : t("common.none")),
    h("td", { class: "flags" }, flags),
  );
}

// ------------------------------------------------------------------ case page

/**
 * @param {string} id
 * @param {{ keepFocus?: boolean, notice?: any }} opts
 */
async function caseView(id, opts) {
  const seq = navSeq;
  if (!opts.keepFocus) replace(view, h("p", { class: "muted", role: "status" }, t("common.loading")));
  const [cr, er] = await Promise.all([api("GET", `/api/cases/${id}`), api("GET", `/api/cases/${id}/events`)]);
  if (seq !== navSeq) return;
  if (cr.status !== 200 || er.status !== 200) {
    const bad = cr.status !== 200 ? cr : er;
    if (bad.status === 401) return;
    replace(view, h("h1", { tabindex: "-1" }, t("case.unavailable")), h("div", { class: "messages" }), backLink());
    showMessage(/** @type {HTMLElement} */ (view.querySelector(".messages")), {
      ...problemMessage(bad),
      text: bad.status === 403 ? t("case.forbiddenHelp") : undefined,
    });
    focusHeading(opts);
    return;
  }
  let def;
  try {
    def = await getDefinition(cr.body.type, cr.body.machineVersion);
  } catch {
    def = null;
  }
  if (seq !== navSeq) return;
  renderCase(cr.body, er.body.items, def, opts);
}

function backLink() {
  return h("p", { class: "back" }, h("a", { href: "#/" }, `← ${t("case.back")}`));
}

/**
 * The case page: summary, actions (one button per allowed event), diagram, timeline, facts.
 * @param {any} c case view
 * @param {any[]} events
 * @param {any} def
 * @param {{ keepFocus?: boolean, notice?: any }} opts
 */
function renderCase(c, events, def, opts) {
  document.title = `${c.caseNumber} — ${t("console.brand")}`;
  const pageMessages = h("div", { class: "messages", "aria-live": "polite" });
  const visited = new Set(events.map((e) => e.toState));
  replace(
    view,
    h("div", { class: "case-topline" }, backLink(), detailsSwitch(view)),
    h("h1", { tabindex: "-1" }, t("case.heading", { caseNumber: c.caseNumber })),
    pageMessages,
    h(
      "div",
      { class: "case-grid" },
      h(
        "section",
        { class: "card", "aria-labelledby": "sec-summary" },
        h("h2", { id: "sec-summary" }, t("case.summary")),
        caseNotes(c),
        transferGapNote(c),
        h("dl", { class: "facts" }, caseSummary(c)),
      ),
      caseActions(c, events, def, pageMessages),
    ),
    assessmentCard(c),
    certificateCard(c),
    h(
      "div",
      { class: "case-grid" },
      h(
        "section",
        { class: "card", "aria-labelledby": "sec-timeline" },
        h("h2", { id: "sec-timeline" }, t("timeline.heading")),
        caseTimeline(events, def, () => renderCase(c, events, def, { keepFocus: true })),
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "sec-facts" },
        h("h2", { id: "sec-facts" }, t("case.facts")),
        h("dl", { class: "facts" }, caseFacts(c)),
      ),
    ),
    // after the timeline, not between it and the summary: the latest event stays on the first screen
    contributionsCard(c, me.role),
    partiesCard(c),
    me.role === "staff" ? clerkTools(c, events) : null,
    documentsSection(c),
    // folded, after the timeline: the summary, actions and latest events come first
    h(
      "section",
      { class: "card", "aria-labelledby": "sec-diagram" },
      h("h2", { id: "sec-diagram" }, t("case.diagram")),
      def ? collapsibleDiagram(renderDiagram(def, c.state, visited)) : h("p", null, t("case.noDiagram")),
    ),
  );
  if (opts.notice) {
    showMessage(pageMessages, { ...opts.notice, focus: true });
  } else focusHeading(opts);
}

/** The clerk's tools on the case page: assignee, notes and attachments (their entries join the timeline). @param {any} c @param {any[]} events */
function clerkTools(c, events) {
  const into = (/** @type {string} */ kind) => (/** @type {{ at: string, node: HTMLElement }[]} */ entries) => {
    const tl = /** @type {HTMLElement | null} */ (view.querySelector("ol.timeline-staff"));
    if (tl) mergeIntoTimeline(tl, events, kind, entries);
  };
  return h(
    "div",
    { class: "case-grid clerk-tools" },
    assignmentCard(c, me, into("assignment")),
    notesCard(c, into("note")),
    attachmentsCard(c, () => {}),
  );
}

/** One term and its value in a <dl>. @param {string} term @param {any} value @param {string | null} [key] */
function fact(term, value, key = null) {
  return h("div", { class: "fact", "data-fact": key }, h("dt", null, term), h("dd", null, value));
}

/** The case's fixed data: type, state, agencies, the insured person, dates, version. @param {any} c */
function caseSummary(c) {
  return [
    fact(t("case.type"), [typeLabel(c.type), detailOnly(` (v${c.machineVersion})`)]),
    flowText(c) ? fact(t("flow.label"), flowText(c), "flow") : null,
    fact(t("case.state"), h("strong", null, pick(c.stateLabel)), "state"),
    fact(t("case.waitingFor"), sideLabel(c.actingSide)),
    fact(t("case.from"), [c.fromAgency.name, detailOnly(` (${c.fromAgency.code})`)]),
    fact(t("case.to"), [c.toAgency.name, detailOnly(` (${c.toAgency.code})`)]),
    fact(t("case.insuredName"), c.insured.name),
    fact(t("case.idNumber"), h("span", { class: "mono" }, c.insured.idNumber)),
    fact(t("case.openedOn"), formatDate(c.openedOn)),
    fact(t("case.stepDueOn"), formatDate(c.stepDueOn), "stepDueOn"),
    workingDaysText(c, "step") ? fact(t("caseUx.stepLeft"), workingDaysText(c, "step"), "stepWorkingDaysLeft") : null,
    fact(t("case.dueOn"), formatDate(c.dueOn), "dueOn"),
    workingDaysText(c, "overall")
      ? fact(t("caseUx.overallLeft"), workingDaysText(c, "overall"), "overallWorkingDaysLeft")
      : null,
    fact(t("case.version"), detailOnly(String(c.version)), "version"),
  ];
}

/** Overdue, provisional and outcome notes. @param {any} c */
function caseNotes(c) {
  const notes = [];
  if (c.overdue)
    notes.push(
      h(
        "div",
        { class: "note note-danger" },
        h("p", { class: "note-title" }, t("case.overdueTitle")),
        h("p", null, t("case.overdueText")),
      ),
    );
  if (c.provisional && !c.final)
    notes.push(
      h(
        "div",
        { class: "note note-warning" },
        h("p", { class: "note-title" }, t("status.provisionalTitle")),
        h("p", null, t("case.provisionalText")),
      ),
    );
  if (c.final)
    notes.push(h("div", { class: "note note-success" }, h("p", null, t(`case.outcome.${c.outcome ?? "completed"}`))));
  return notes;
}

/**
 * The button of one allowed event; one the rules refuse now (the server asked the machine) is
 * shown, not offered.
 * @param {any} c @param {any} def @param {string} ev
 * @param {(ev: string, button: HTMLButtonElement) => void} openForm
 */
function eventButton(c, def, ev, openForm) {
  return h(
    "button",
    {
      type: "button",
      class: "event-button",
      "data-event": ev,
      "aria-expanded": "false",
      "aria-controls": "event-form-slot",
      disabled: blockedReason(c, ev) !== null,
      "aria-describedby": blockedReason(c, ev) !== null ? `blocked-${ev}` : null,
      onClick: (/** @type {MouseEvent} */ e) => openForm(ev, /** @type {HTMLButtonElement} */ (e.currentTarget)),
    },
    def ? pick(def.events[ev]?.label) || ev : ev,
  );
}

/** What the actions card says above its buttons (or instead of them). @param {any} c @param {number} buttons */
function actionIntro(c, buttons) {
  if (buttons > 0) return h("p", null, t("case.actionsIntro"));
  return h(
    "p",
    { class: "muted" },
    c.final
      ? t("case.noActionsFinal")
      : me.role === "staff"
        ? t("case.noActionsWaiting", { side: sideLabel(c.actingSide) })
        : t("case.noActionsAdmin"),
  );
}

/**
 * The actions card: one button per allowed event; the event's form opens below the buttons.
 * @param {any} c @param {any[]} events @param {any} def @param {HTMLElement} pageMessages
 */
function caseActions(c, events, def, pageMessages) {
  const formSlot = h("div", { class: "form-slot", id: "event-form-slot" });
  const buttons = (c.allowedEvents ?? []).map((/** @type {string} */ ev) => eventButton(c, def, ev, openForm));
  const intro = actionIntro(c, buttons.length);

  let idemKey = "";
  let lastBody = "";
  function openForm(/** @type {string} */ ev, /** @type {HTMLButtonElement} */ button) {
    for (const b of buttons) b.setAttribute("aria-expanded", String(b === button));
    clearMessage(pageMessages);
    if (!def) return;
    idemKey = newIdempotencyKey();
    const built = eventForm(def, ev, {
      onCancel: () => {
        replace(formSlot);
        button.setAttribute("aria-expanded", "false");
        button.focus();
      },
      // computed events (a renewal assessment) are previewed before they are recorded
      onSubmit: previewFirst(
        c,
        def,
        ev,
        () => built,
        async (body, fields) => {
          // A retry of the same body after a network failure reuses its key (no double recording).
          const text = JSON.stringify(body);
          if (text !== lastBody) idemKey = newIdempotencyKey();
          lastBody = text;
          const r = await api("POST", `/api/cases/${c.id}/events`, {
            body,
            headers: { "If-Match": `"${c.version}"`, "Idempotency-Key": idemKey },
          });
          if (r.status === 200) {
            const after = r.body;
            const notice = {
              kind: "success",
              title: t("case.recorded", { event: pick(def.events[ev]?.label) || ev }),
              text: t("case.nowState", { state: pick(after.stateLabel), version: after.version }),
            };
            const evs = await api("GET", `/api/cases/${c.id}/events`);
            renderCase(after, evs.status === 200 ? evs.body.items : events, def, { keepFocus: true, notice });
            return;
          }
          if (r.status === 401) return;
          showEventProblem(c, def, r, built, fields);
        },
      ),
    });
    replace(formSlot, built.form);
    // a renewal's missed months from the agency's contribution record (issue #28)
    void prefillFromRecord(c, def, ev, built);
    const first = built.form.querySelector("input, select, textarea");
    /** @type {HTMLElement} */ (first ?? built.form.querySelector("button"))?.focus();
  }

  return h(
    "section",
    { class: "card actions", "aria-labelledby": "sec-actions" },
    h("h2", { id: "sec-actions" }, t("case.actions")),
    intro,
    buttons.length
      ? h("div", { class: "event-buttons", role: "group", "aria-label": t("case.actions") }, buttons)
      : null,
    blockedNotes(c, (type) => (def ? pick(def.events[type]?.label) || type : type)),
    formSlot,
  );
}

/**
 * Why an event was not recorded, in the event's form.
 * @param {any} c @param {any} def @param {any} r @param {{ messages: HTMLElement }} built @param {Fields} fields
 */
function showEventProblem(c, def, r, built, fields) {
  const p = r.body && typeof r.body === "object" ? r.body : {};
  const reload = {
    label: t("case.reload"),
    primary: true,
    onClick: () => caseView(c.id, { notice: reloadedNotice() }),
  };
  if (r.status === 412) {
    showMessage(built.messages, {
      kind: "error",
      title: t("err.stale", { version: p.currentVersion ?? "?" }),
      actions: [reload],
      focus: true,
    });
  } else if (r.status === 409 && p.type === "/problems/missing-documents") {
    showMessage(built.messages, { ...missingDocumentsMessage(p), focus: true });
  } else if (r.status === 409) {
    const allowed = (p.allowedEvents ?? []).map((/** @type {string} */ e) => pick(def.events[e]?.label) || e);
    const details = [];
    const why = refusalText(c.type, p, r);
    if (why) details.push(why);
    details.push(allowed.length ? t("case.allowedNow", { events: allowed.join("、") }) : t("case.allowedNone"));
    const title =
      p.type === "/problems/refused-by-rule"
        ? t("err.refusedByRule")
        : p.type === "/problems/event-not-allowed"
          ? t("err.notAllowedNow")
          : t("err.conflict");
    // a rule's refusal (or a case's event limit) stays whatever is reloaded: no reload offered
    const byRule = p.type === "/problems/refused-by-rule" || p.type === "/problems/event-limit-reached";
    showMessage(built.messages, { kind: "error", title, details, actions: byRule ? [] : [reload], focus: true });
  } else if (r.status === 422) {
    const unmatched = fields.applyServerErrors(p.errors ?? []);
    showMessage(built.messages, {
      kind: "error",
      title: t("err.invalid"),
      details: unmatched.map((e) => `${e.path}: ${e.message}`),
    });
    if (!fields.focusFirstError()) /** @type {HTMLElement} */ (built.messages.firstElementChild)?.focus();
  } else if (r.status === 403) {
    showMessage(built.messages, {
      kind: "error",
      title: t("err.forbidden"),
      text: t("case.forbiddenEvent"),
      details: p.detail ? [t("msg.serverSaid", { detail: p.detail })] : [],
      focus: true,
    });
  } else {
    showMessage(built.messages, { ...problemMessage(r), focus: true });
  }
}

function reloadedNotice() {
  return { kind: "info", text: t("case.reloaded") };
}

/** What the case has recorded so far (except the opening date and the flow, already in the summary). @param {any} c */
function caseFacts(c) {
  // openedOn and flow are in the summary (flow in words; here it would show the code "paper")
  return Object.entries(c.facts ?? {})
    .filter(([k]) => k !== "openedOn" && k !== "flow" && !structuredFacts.has(k))
    .map(([k, v]) => fact(fieldLabel(k), formatValue(k, v), k));
}

/**
 * Every event of the case with its payload, newest first unless switched.
 * @param {any[]} events @param {any} def @param {() => void} rerender
 */
function caseTimeline(events, def, rerender) {
  const { ordered, toggle } = orderedTimeline(events, rerender);
  return [
    h("p", { class: "timeline-controls" }, toggle),
    h(
      "ol",
      { class: "timeline timeline-staff" },
      ordered.map((e) =>
        h(
          "li",
          { "data-seq": e.seq },
          h("time", { datetime: e.occurredOn }, formatDate(e.occurredOn)),
          h("span", { class: "tl-label" }, pick(e.label)),
          h(
            "span",
            { class: "tl-state" },
            e.fromState
              ? t("timeline.fromTo", { from: stateName(def, e.fromState), to: stateName(def, e.toState) })
              : t("timeline.nowState", { state: stateName(def, e.toState) }),
          ),
          h(
            "span",
            { class: "tl-meta muted small" },
            detailOnly(t("caseUx.seq", { seq: e.seq })),
            t("caseUx.timelineMeta", { user: e.actor?.username ?? "?", at: formatInstant(e.recordedAt) }),
          ),
          Object.keys(e.payload ?? {}).length
            ? h(
                "dl",
                // the opening's payload is codes (type, machine version, agencies): a detail
                { class: e.type === "CASE_OPENED" ? "tl-payload detail-only" : "tl-payload" },
                Object.entries(e.payload)
                  .filter(([k]) => !structuredFacts.has(k))
                  .map(([k, v]) => h("div", null, h("dt", null, fieldLabel(k)), h("dd", null, formatValue(k, v)))),
              )
            : null,
        ),
      ),
    ),
  ];
}

/** @param {any} def @param {string} state */
function stateName(def, state) {
  return def?.states?.[state] ? pick(def.states[state].label) : state;
}

/**
 * A translated reason for a rule refusal, or the server's detail.
 * @param {string} type @param {any} p problem details @param {any} r the reply
 */
function refusalText(type, p, r) {
  const m = /^(\w+) is refused/.exec(p.detail ?? "");
  if (p.type === "/problems/refused-by-rule" && m) {
    const key = `refusal.${type}.${m[1]}`;
    const s = t(key);
    if (s !== key) return s;
  }
  return p.detail ? t("msg.serverSaid", { detail: p.detail }) : problemMessage(r).title;
}

/** @param {string} key @param {unknown} v */
function formatValue(key, v) {
  if (v === null || v === undefined) return t("common.none");
  if (typeof v === "boolean") return v ? t("common.yes") : t("common.no");
  if (factLabel(key, v) !== undefined) return /** @type {string} */ (factLabel(key, v));
  if (typeof v === "number" && /Fen$/.test(key)) return formatFen(v);
  if (typeof v === "string" && (key === "channel" || key === "applicant")) return enumLabel(key, v);
  if (typeof v === "string" && key === "type") return typeLabel(v);
  if (typeof v === "string" && (key === "scheme" || key === "toScheme")) return t(`parties.scheme.${v}`);
  if (typeof v === "string" && key === "insurance") return t(`parties.insurance.${v}`);
  if (typeof v === "string" && /On$/.test(key)) return formatDate(v);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- facts are scalars; anything else prints as JS does
  return String(v);
}

// ------------------------------------------------------------------ opening a case

/**
 * The open-case form's fields: type (the server's types), the person, the agencies, the date,
 * and the parties' fields (the server's schemes and insurances).
 * @param {Fields} fields @param {import("./case-types.js").CaseTypeInfo[]} caseTypes
 * @param {import("./console-parties.js").PartyVocabulary} vocabulary
 */
function newCaseFields(fields, caseTypes, vocabulary) {
  const today = chinaToday();
  return [
    fields.add({
      name: "type",
      label: t("newCase.type"),
      kind: "select",
      required: true,
      options: [
        { value: "", label: t("form.choose") },
        ...caseTypes.map((c) => ({ value: c.type, label: typeLabel(c.type) })),
      ],
    }),
    fields.add({
      name: "insured.name",
      label: t("newCase.name"),
      required: true,
      attrs: { autocomplete: "off", maxlength: 100 },
    }),
    fields.add({
      name: "insured.idNumber",
      label: t("newCase.idNumber"),
      hint: t("status.idNumberHint"),
      required: true,
      attrs: { autocomplete: "off", spellcheck: "false", maxlength: 24 },
    }),
    fields.add({
      name: "fromAgency",
      label: t("newCase.fromAgency"),
      hint: t("newCase.fromHint"),
      required: true,
      value: me.agency?.code ?? "",
      attrs: { autocomplete: "off", maxlength: 32 },
    }),
    fields.add({
      name: "toAgency",
      label: t("newCase.toAgency"),
      hint: t("newCase.toHint"),
      attrs: { autocomplete: "off", maxlength: 32 },
    }),
    fields.add({
      name: "occurredOn",
      label: t("newCase.occurredOn"),
      kind: "date",
      hint: t("hint.occurredOn", { today }),
      attrs: { max: today },
    }),
    partyFields(fields, vocabulary),
  ];
}

/** The body of POST /api/cases. @param {(name: string) => string} v trimmed value of a field */
function newCaseBody(v) {
  return {
    type: v("type"),
    insured: {
      name: v("insured.name"),
      idNumber: normalizeIdNumber(v("insured.idNumber")),
      ...nameCorrectionOf(v),
    },
    fromAgency: v("fromAgency"),
    ...(v("toAgency") ? { toAgency: v("toAgency") } : {}),
    ...(v("occurredOn") ? { occurredOn: v("occurredOn") } : {}),
    ...partyBody(v),
  };
}

/**
 * What the browser can check before sending: required fields, the ID number's form and check
 * digit, the receiving agency of a two-agency type, no date in the future. Errors go next to
 * their fields; false when there is any.
 * @param {Fields} fields @param {(name: string) => string} v
 * @param {import("./case-types.js").CaseTypeInfo[]} caseTypes
 */
function checkNewCase(fields, v, caseTypes) {
  let ok = true;
  const fail = (/** @type {string} */ name, /** @type {string} */ message) => {
    fields.setError(name, message);
    ok = false;
  };
  for (const n of ["type", "insured.name", "insured.idNumber", "fromAgency"]) if (!v(n)) fail(n, t("val.required"));
  const idProblem = v("insured.idNumber") ? idNumberProblem(v("insured.idNumber")) : null;
  if (idProblem) fail("insured.idNumber", t(idProblem === "check" ? "val.idNumberCheck" : "val.idNumber"));
  // A type handled by two agencies needs the receiving one (machine metadata: singleAgency).
  const typeInfo = caseTypes.find((c) => c.type === v("type"));
  if (typeInfo && typeInfo.singleAgency === false && !v("toAgency")) fail("toAgency", t("val.required"));
  if (v("occurredOn") && v("occurredOn") > chinaToday())
    fail("occurredOn", t("val.dateFuture", { today: chinaToday() }));
  return ok;
}

/**
 * Why the server did not open the case: field errors next to their fields, a double enrolment
 * with who handles the open case, anything else as a message.
 * @param {any} r the reply @param {Fields} fields @param {HTMLElement} messagesSlot
 */
function showNewCaseProblem(r, fields, messagesSlot) {
  if (r.status === 422) {
    const unmatched = fields.applyServerErrors(r.body?.errors ?? []);
    showMessage(messagesSlot, {
      kind: "error",
      title: t("err.invalid"),
      details: unmatched.map((x) => `${x.path}: ${x.message}`),
    });
    fields.focusFirstError();
  } else showMessage(messagesSlot, openCaseExistsMessage(r) ?? { ...problemMessage(r), focus: true });
}

/**
 * Sends the form: checks it, then POST /api/cases with an Idempotency-Key (a retry of the same
 * body reuses its key: no second case), and opens the new case's page.
 * @param {Fields} fields @param {import("./case-types.js").CaseTypeInfo[]} caseTypes @param {HTMLElement} messagesSlot
 */
function newCaseSubmitter(fields, caseTypes, messagesSlot) {
  let key = newIdempotencyKey();
  let lastBody = "";
  return listener(async (/** @type {Event} */ e) => {
    e.preventDefault();
    fields.clearErrors();
    const v = (/** @type {string} */ n) => String(fields.value(n) ?? "").trim();
    const body = newCaseBody(v);
    if (!checkNewCase(fields, v, caseTypes)) return void fields.focusFirstError();
    const text = JSON.stringify(body);
    if (text !== lastBody) key = newIdempotencyKey();
    lastBody = text;
    const r = await api("POST", "/api/cases", { body, headers: { "Idempotency-Key": key } });
    if (r.status === 201) {
      location.hash = `#/case/${r.body.id}`;
      return;
    }
    if (r.status !== 401) showNewCaseProblem(r, fields, messagesSlot);
  });
}

/** @param {{ keepFocus?: boolean }} opts */
async function newCaseView(opts) {
  const seq = navSeq;
  document.title = `${t("newCase.heading")} — ${t("console.brand")}`;
  if (me.role !== "staff") {
    replace(
      view,
      h("h1", { tabindex: "-1" }, t("newCase.heading")),
      h("p", { class: "note note-info" }, t("newCase.staffOnly")),
    );
    return focusHeading(opts);
  }
  /** @type {import("./case-types.js").CaseTypeInfo[]} */
  let caseTypes = [];
  const vocabulary = partyVocabulary(); // the OpenAPI document loads with the case types
  try {
    caseTypes = await getCaseTypes();
  } catch {
    /* the form still opens; the server answers with the problem on submit */
  }
  const parties = await vocabulary;
  if (seq !== navSeq) return;
  const fields = new Fields("new");
  const messagesSlot = h("div", { class: "form-messages", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", novalidate: true },
    newCaseFields(fields, caseTypes, parties),
    messagesSlot,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("newCase.submit"))),
  );
  form.addEventListener("submit", newCaseSubmitter(fields, caseTypes, messagesSlot));
  attachAgencyPickers(form);
  replace(view, backLink(), h("h1", { tabindex: "-1" }, t("newCase.heading")), h("p", null, t("newCase.intro")), form);
  focusHeading(opts);
}

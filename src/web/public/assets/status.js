// Status page for insured persons: case number + ID number (sent in a POST body, never in
// the URL) → progress, due dates, provisional note, overdue warning, timeline.
import { schemeText } from "./console-parties.js";
import { api } from "./api.js";
import { h, replace, listener } from "./dom.js";
import { t, label as pick } from "./i18n.js";
import { initPage, showMessage, clearMessage, problemMessage, formatDate, typeLabel, sideLabel } from "./ui.js";
import { getCaseTypes, getDefinition, happyPath } from "./machines.js";
import { flowText, pathOf } from "./flow.js";
import { idNumberProblem, normalizeIdNumber } from "./idnumber.js";
import { hideInsuredDocuments, showInsuredDocuments } from "./status-documents.js";
import { paymentDueNote } from "./status-payment.js";
import { transferGapNote } from "./status-gap.js";
import { refusalNote } from "./status-refusal.js";
import { caseTypeInfo } from "./case-types.js";

const form = /** @type {HTMLFormElement} */ (document.getElementById("lookup-form"));
const messages = /** @type {HTMLElement} */ (document.getElementById("messages"));
const result = /** @type {HTMLElement} */ (document.getElementById("result"));

/** @type {{ status: any, def: any } | null} */
let shown = null;

initPage(() => {
  if (shown) renderResult(shown.status, shown.def);
  clearMessage(messages);
});

/** @param {string} name @param {string} msg */
function fieldError(name, msg) {
  const input = /** @type {HTMLInputElement} */ (document.getElementById(name));
  const err = /** @type {HTMLElement} */ (document.getElementById(`${name}-err`));
  err.textContent = msg;
  err.hidden = !msg;
  if (msg) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

form.addEventListener(
  "submit",
  listener(async (e) => {
    e.preventDefault();
    const caseNumber = /** @type {HTMLInputElement} */ (form.elements.namedItem("caseNumber")).value.trim();
    const idNumber = normalizeIdNumber(/** @type {HTMLInputElement} */ (form.elements.namedItem("idNumber")).value);
    const idProblem = idNumber ? idNumberProblem(idNumber) : null;
    fieldError("caseNumber", caseNumber ? "" : t("val.required"));
    fieldError(
      "idNumber",
      !idNumber
        ? t("val.required")
        : idProblem === "format"
          ? t("val.idNumber")
          : idProblem === "check"
            ? t("val.idNumberCheck")
            : "",
    );
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad) {
      /** @type {HTMLElement} */ (bad).focus();
      return;
    }
    const button = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
    button.disabled = true;
    showMessage(messages, { kind: "info", text: t("common.loading") });
    hideInsuredDocuments();
    const r = await api("POST", "/api/status", { body: { caseNumber, idNumber }, auth: false });
    button.disabled = false;
    if (r.status !== 200) {
      shown = null;
      result.hidden = true;
      if (r.status === 404)
        showMessage(messages, {
          kind: "error",
          title: t("status.notFound"),
          text: t("status.notFoundHelp"),
          focus: true,
        });
      else if (r.status === 429)
        showMessage(messages, { kind: "error", title: t("err.tooMany"), text: t("status.tooManyHelp"), focus: true });
      else showMessage(messages, { ...problemMessage(r), focus: true });
      return;
    }
    let def = null;
    try {
      def = await getDefinition(r.body.type);
    } catch {
      def = null; // progress still shows as "step k of n" without step names
    }
    // The case type's label as the server gives it (the dictionary's when it cannot be had).
    await getCaseTypes().catch(() => undefined);
    shown = { status: r.body, def };
    clearMessage(messages);
    renderResult(r.body, def);
    void showInsuredDocuments({ caseNumber, idNumber });
    const heading = document.getElementById("result-heading");
    heading?.focus();
  }),
);

/**
 * The steps of the case, done, current and to come, named by the machine when it is known.
 * @param {any} st status answer @param {any} def machine definition or null
 */
function progressSteps(st, def) {
  const p = st.progress;
  const main = def ? pathOf(def, happyPath(def), st.timeline, st) : [];
  const steps = [];
  for (let i = 1; i <= p.steps; i++) {
    let text;
    if (i === p.step) text = pick(p.label);
    else if (def && main[i - 1] === null) text = t("flow.notOnline");
    else if (def && main[i - 1]) text = pick(def.states[/** @type {string} */ (main[i - 1])].label);
    else text = t("status.stepN", { n: i });
    const state = i < p.step || (i === p.step && st.final) ? "done" : i === p.step ? "current" : "todo";
    steps.push(
      h(
        "li",
        { class: `step step-${state}`, "aria-current": i === p.step ? "step" : null },
        h("span", { class: "step-marker", "aria-hidden": "true" }, state === "done" ? "✓" : String(i)),
        h("span", { class: "step-text" }, text),
        h("span", { class: "visually-hidden" }, ` (${t(`status.stepState.${state}`)})`),
      ),
    );
  }
  return steps;
}

/** The case's facts: type, flow, agencies, scheme, the person, and while open who acts and by when. @param {any} st */
function statusFacts(st) {
  const p = st.progress;
  /** @type {HTMLElement[]} */
  const facts = [];
  const fact = (/** @type {string} */ term, /** @type {any} */ value, cls = "") =>
    facts.push(h("div", { class: `fact ${cls}` }, h("dt", null, term), h("dd", null, value)));
  fact(t("case.type"), typeLabel(st.type));
  if (flowText(st)) fact(t("flow.label"), flowText(st));
  // a type one agency handles (GET /api/machines: singleAgency) names it once
  if (caseTypeInfo.get(st.type)?.singleAgency) fact(t("status.agency"), `${st.fromAgency.name}`);
  else {
    fact(t("case.from"), `${st.fromAgency.name}`);
    fact(t("case.to"), `${st.toAgency.name}`);
  }
  if (st.scheme) fact(t("parties.scheme"), schemeText(st));
  fact(t("case.insured"), `${st.insured.name} · ${st.insured.idNumber}`);
  if (!st.final) {
    fact(t("case.waitingFor"), sideLabel(p.side));
    if (st.stepDueOn) fact(t("case.stepDueOn"), formatDate(st.stepDueOn));
    if (st.dueOn) fact(t("case.dueOn"), formatDate(st.dueOn));
    if (st.workingDaysLeft !== null && st.workingDaysLeft !== undefined && !st.overdue)
      fact(t("case.workingDaysLeft"), t("case.workingDaysValue", { n: st.workingDaysLeft }));
  }
  return facts;
}

/** The notes: how it ended or that it is the person's turn, overdue, provisional dates. @param {any} st */
function statusNotes(st) {
  const notes = [];
  if (st.final) {
    const outcome = st.outcome ?? "completed";
    notes.push(
      h(
        "div",
        { class: `note note-${outcome === "completed" ? "success" : "info"}` },
        h("p", null, t(`status.outcome.${outcome}`)),
      ),
    );
  } else if (st.progress.side === "insured") {
    notes.push(h("div", { class: "note note-info" }, h("p", null, t("status.yourTurn"))));
  }
  if (st.overdue) {
    notes.push(
      h(
        "div",
        { class: "note note-danger", role: "alert" },
        h("p", { class: "note-title" }, t("status.overdueTitle")),
        h("p", null, t("status.overdueText")),
      ),
    );
  }
  if (st.provisional && !st.final) {
    notes.push(
      h(
        "div",
        { class: "note note-warning" },
        h("p", { class: "note-title" }, t("status.provisionalTitle")),
        h("p", null, t("status.provisionalText")),
      ),
    );
  }
  return notes;
}

/** What happened, as the person may see it. @param {any} st */
function statusTimeline(st) {
  return h(
    "ol",
    { class: "timeline" },
    st.timeline.map((/** @type {any} */ ev) =>
      h(
        "li",
        null,
        h("time", { datetime: ev.occurredOn }, formatDate(ev.occurredOn)),
        h("span", { class: "tl-label" }, ev.count > 1 ? `${pick(ev.label)} ×${ev.count}` : pick(ev.label)),
        ev.stateLabel ? h("span", { class: "tl-state" }, t("timeline.nowState", { state: pick(ev.stateLabel) })) : null,
      ),
    ),
  );
}

/** The progress bar (step k of n). @param {any} st */
function progressBar(st) {
  const p = st.progress;
  return h(
    "div",
    {
      class: "progressbar",
      role: "progressbar",
      "aria-valuemin": "0",
      "aria-valuemax": String(p.steps),
      "aria-valuenow": String(p.step),
      "aria-valuetext": t("status.progressText", { step: p.step, steps: p.steps, label: pick(p.label) }),
      "aria-label": t("status.progressLabel"),
    },
    h("div", { class: `progressbar-fill${st.overdue ? " is-overdue" : ""}`, style: `width:${p.percent}%` }),
  );
}

/**
 * @param {any} st status answer
 * @param {any} def machine definition or null
 */
function renderResult(st, def) {
  const p = st.progress;
  replace(
    result,
    h("h2", { id: "result-heading", tabindex: "-1" }, t("status.resultHeading", { caseNumber: st.caseNumber })),
    h(
      "div",
      { class: "card" },
      h(
        "p",
        { class: "current-state" },
        h("span", { class: "muted" }, t("status.currentStep")),
        " ",
        h("strong", null, pick(p.label)),
      ),
      progressBar(st),
      h(
        "ol",
        { class: "steps", "aria-label": t("status.stepsLabel"), style: `--steps:${p.steps}` },
        progressSteps(st, def),
      ),
      statusNotes(st),
      refusalNote(st),
      paymentDueNote(st),
      transferGapNote(st),
      h("dl", { class: "facts" }, statusFacts(st)),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "timeline-heading" },
      h("h3", { id: "timeline-heading" }, t("timeline.heading")),
      statusTimeline(st),
    ),
  );
  result.hidden = false;
}

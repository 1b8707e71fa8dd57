// Renewal assessments and pension certificates in the staff console (issue 16).
// - previewFirst: for an event the service computes (definition `computed: true`, e.g. a renewal's
//   ASSESS_ARREARS), the first submit asks POST /api/cases/{id}/assessment-preview and shows the
//   computed result; only "Confirm" records it (a changed form is previewed again).
// - prefillFromRecord: where the missed months may be left out (renewal version 3, issue #28), the
//   form opens with the months the preview takes from the agency's contribution record.
// - assessmentCard: the case's assessment (months, lines, totals, waiting period, continuity).
// - certificateCard: a pension case's pooled share and the corrections of its certificate.
// - factLabel: reason codes, payers shown with their labels.
import { api } from "./api.js";
import { h, replace } from "./dom.js";
import { t } from "./i18n.js";
import { formatFen } from "./money.js";
import { formatDate, problemMessage, showMessage } from "./ui.js";
import { enumLabel, fieldLabel } from "./forms.js";

/** Facts shown in their own cards rather than as plain values. */
export const structuredFacts = new Set(["assessment", "assessedFor", "corrections", "gap", "periods", "arrears"]);

/** A fact's value with its label where it is a code; undefined when the caller formats it. @param {string} key @param {unknown} v */
export function factLabel(key, v) {
  if (typeof v !== "string") return undefined;
  if (key === "reasonCode" || key === "refusalReasonCode") return enumLabel("reasonCode", v);
  if (key === "payer") return enumLabel("payer", v);
  return undefined;
}

/**
 * Wraps an event form's submit: computed events are previewed first, then confirmed.
 * @param {any} c case view @param {any} def machine definition @param {string} ev event type
 * @param {() => { messages: HTMLElement }} getBuilt the form (its messages region)
 * @param {(body: Record<string, unknown>, fields: any) => Promise<void>} submit records the event
 */
export function previewFirst(c, def, ev, getBuilt, submit) {
  if (!def?.events?.[ev]?.computed || ev !== "ASSESS_ARREARS") return submit;
  let previewed = "";
  return async (/** @type {Record<string, unknown>} */ body, /** @type {any} */ fields) => {
    const text = JSON.stringify(body);
    if (text === previewed) return submit(body, fields);
    const { type: _type, occurredOn: _on, backdateReason: _why, ...request } = body;
    const r = await api("POST", `/api/cases/${c.id}/assessment-preview`, { body: request });
    const messages = getBuilt().messages;
    if (r.status === 200) {
      previewed = text;
      replace(
        messages,
        h(
          "div",
          { class: "msg msg-info assessment-preview", role: "status", tabindex: "-1" },
          h("p", { class: "msg-title" }, t("assessment.previewTitle")),
          assessmentBody(r.body.assessment),
          h("p", null, t("assessment.confirmHint")),
          h(
            "p",
            { class: "msg-actions" },
            h(
              "button",
              { type: "button", class: "primary", onClick: () => void submit(body, fields) },
              t("assessment.confirm"),
            ),
          ),
        ),
      );
      /** @type {HTMLElement} */ (messages.firstElementChild)?.focus();
      return;
    }
    if (r.status === 401) return;
    if (r.status === 422) {
      const unmatched = fields.applyServerErrors(r.body?.errors ?? []);
      showMessage(messages, {
        kind: "error",
        title: t("err.invalid"),
        details: unmatched.map((/** @type {any} */ e) => `${e.path}: ${e.message}`),
        focus: true,
      });
      return;
    }
    const known = assessmentProblem(r);
    showMessage(messages, { ...(known ? { kind: "error", title: known } : problemMessage(r)), focus: true });
  };
}

/**
 * What the console says of the assessment's own 409s (no policy of the case's insurance in force,
 * no contribution record to take the months from); null for any other answer.
 * @param {any} r
 */
function assessmentProblem(r) {
  if (r.status !== 409) return null;
  const p = r.body ?? {};
  const insurance = p.insurance ? t(`parties.insurance.${p.insurance}`) : "";
  if (p.type === "/problems/no-policy-in-force")
    return insurance
      ? t("assessment.noPolicyFor", { region: p.region, date: formatDate(p.date), insurance })
      : t("assessment.noPolicy", { region: p.region, date: formatDate(p.date) });
  if (p.type === "/problems/contribution-record-missing") return t("assessment.recordMissing", { insurance });
  return null;
}

/**
 * When the form may leave the missed months out (the definition does not require them: renewal
 * version 3), fills them in with the months the service takes from the agency's contribution record
 * (the preview's defaults), and says so; a field the clerk has typed in is left alone.
 * @param {any} c case view @param {any} def machine definition @param {string} ev event type
 * @param {{ fields: any, messages: HTMLElement }} built the open form
 */
export async function prefillFromRecord(c, def, ev, built) {
  const spec = def?.events?.[ev];
  // a certificate from the record (transfers version 3): the figures need not be typed
  const figures = Object.keys(spec?.payload?.properties ?? {}).filter((k) => /(Fen|Months)$/.test(k));
  if (spec?.computed && ev !== "ASSESS_ARREARS" && figures.length > 0)
    showMessage(built.messages, { kind: "info", title: t("certificate.fromRecord") });
  if (!spec?.computed || ev !== "ASSESS_ARREARS") return;
  const required = spec.payload?.required ?? [];
  if (!spec.payload?.properties?.firstMissedMonth || required.includes("firstMissedMonth")) return;
  const payer = String(built.fields.value("payer") ?? "") || "employer";
  const r = await api("POST", `/api/cases/${c.id}/assessment-preview`, { body: { payer } });
  // the clerk may have gone on meanwhile (a preview of their own is shown): that stays as it is
  const untouched = built.messages.childElementCount === 0;
  if (r.status !== 200) {
    const known = assessmentProblem(r);
    if (known && untouched) showMessage(built.messages, { kind: "info", title: known });
    return;
  }
  for (const name of ["firstMissedMonth", "lastMissedMonth"]) {
    const control = built.fields.control(name);
    if (control && !String(control.value ?? "").trim()) control.value = r.body[name];
  }
  const details =
    typeof r.body.continuousMonthsBefore === "number"
      ? [t("assessment.continuityFromRecord", { months: r.body.continuousMonthsBefore })]
      : [];
  if (untouched) showMessage(built.messages, { kind: "info", title: t("assessment.monthsFromRecord"), details });
}

/** @param {number} fen */
const yuan = (fen) => formatFen(fen);

/** The assessment's figures and lines. @param {any} a */
function assessmentBody(a) {
  const rows = [
    [t("assessment.months"), String(a.monthsMissed)],
    [t("assessment.principal"), yuan(a.principalFen)],
    [t("assessment.lateFee"), yuan(a.lateFeeFen)],
    [t("assessment.total"), yuan(a.totalFen)],
    [t("assessment.backPayable"), a.backPayable ? t("common.yes") : t("assessment.notBackPayable")],
  ];
  if (a.payBy) rows.push([t("assessment.payBy"), formatDate(a.payBy)]);
  if (a.waitingPeriodMonths)
    rows.push([
      t("assessment.waitingPeriod"),
      t("assessment.waitingUntil", {
        months: a.waitingPeriodMonths,
        date: a.waitingPeriodEndsOn ? formatDate(a.waitingPeriodEndsOn) : "—",
      }),
    ]);
  if (a.continuity) {
    rows.push([t("assessment.continuous"), a.continuity.continuous ? t("common.yes") : t("assessment.restarts")]);
    if (a.continuity.reimbursementRatioPercent !== null)
      rows.push([
        t("assessment.ratio"),
        t("assessment.ratioValue", {
          ratio: a.continuity.reimbursementRatioPercent,
          months: a.continuity.continuousMonths ?? "—",
        }),
      ]);
  }
  if (a.policy) rows.push([t("assessment.policy"), `${a.policy.region} · ${formatDate(a.policy.effectiveFrom)}`]);
  return h(
    "div",
    null,
    h(
      "dl",
      { class: "facts" },
      rows.map(([k, v]) => h("div", { class: "fact" }, h("dt", null, k), h("dd", null, v))),
    ),
    a.lines?.length
      ? h(
          "table",
          { class: "assessment-lines" },
          h("caption", null, t("assessment.lines")),
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ["month", "base", "contribution", "daysLate", "lateFee"].map((k) =>
                h("th", { scope: "col" }, t(`assessment.col.${k}`)),
              ),
            ),
          ),
          h(
            "tbody",
            null,
            a.lines.map((/** @type {any} */ l) =>
              h(
                "tr",
                null,
                h("td", null, l.month),
                h("td", null, yuan(l.baseFen)),
                h("td", null, yuan(l.contributionFen)),
                h("td", null, String(l.daysLate)),
                h("td", null, yuan(l.lateFeeFen)),
              ),
            ),
          ),
        )
      : null,
  );
}

/** The case's assessment card, or null. @param {any} c */
export function assessmentCard(c) {
  if (!c.assessment) return null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "sec-assessment" },
    h("h2", { id: "sec-assessment" }, t("assessment.heading")),
    assessmentBody(c.assessment),
  );
}

/** A pension case's corrections of its certificate, or null. @param {any} c */
export function certificateCard(c) {
  const corrections = c.facts?.corrections;
  if (!Array.isArray(corrections) || corrections.length === 0) return null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "sec-corrections" },
    h("h2", { id: "sec-corrections" }, t("certificate.corrections")),
    h(
      "ol",
      null,
      corrections.map((/** @type {any} */ k) =>
        h(
          "li",
          null,
          h("p", null, `${formatDate(k.occurredOn)} — ${k.reason}`),
          h(
            "ul",
            null,
            Object.keys(k.corrected)
              .filter((f) => k.corrected[f] !== k.before[f])
              .map((f) => {
                const fmt = (/** @type {number} */ v) => (/Fen$/.test(f) ? yuan(v) : String(v));
                return h("li", null, `${fieldLabel(f)}: ${fmt(k.before[f])} → ${fmt(k.corrected[f])}`);
              }),
          ),
        ),
      ),
    ),
  );
}

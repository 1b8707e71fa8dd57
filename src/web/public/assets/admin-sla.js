// Administration: the SLA report as charts and a table.
import { api } from "./api.js";
import { h, replace } from "./dom.js";
import { t, label as pick } from "./i18n.js";
import { showMessage, clearMessage, typeLabel, Fields } from "./ui.js";
import { chinaToday, isIsoDate } from "./dates.js";
import { barChart } from "./charts.js";
import { nav, page, table, showProblem } from "./admin-common.js";
import { slaExports } from "./admin-sla-export.js";

/** @typedef {import("./admin-common.js").ViewOpts} ViewOpts */

// ------------------------------------------------------------------ SLA report

/** @param {ViewOpts} opts */
export async function slaView(opts) {
  opts.seq ??= nav.seq;
  const today = chinaToday();
  const fields = new Fields("sla");
  const msg = h("div", { class: "form-messages", "aria-live": "polite" });
  const out = h("div", { class: "sla-out" });
  const form = h(
    "form",
    { class: "card filters", novalidate: true },
    h(
      "div",
      { class: "filter-grid" },
      fields.add({
        name: "from",
        label: t("admin.sla.from"),
        kind: "date",
        required: true,
        value: opts.from ?? `${today.slice(0, 4)}-01-01`, // this year so far
      }),
      fields.add({ name: "to", label: t("admin.sla.to"), kind: "date", required: true, value: opts.to ?? today }),
    ),
    msg,
    h(
      "p",
      { class: "form-actions" },
      h("button", { type: "submit", class: "primary" }, t("admin.sla.show")),
      slaExports(() => ({ from: String(fields.value("from") ?? ""), to: String(fields.value("to") ?? "") }), msg),
    ),
  );
  const run = async () => {
    fields.clearErrors();
    const from = String(fields.value("from") ?? "");
    const to = String(fields.value("to") ?? "");
    let ok = true;
    if (!isIsoDate(from)) ok = !fields.setError("from", t("val.date"));
    if (!isIsoDate(to)) ok = !fields.setError("to", t("val.date"));
    if (ok && from > to) ok = !fields.setError("to", t("admin.sla.order"));
    if (!ok) return void fields.focusFirstError();
    clearMessage(msg);
    replace(out, h("p", { class: "muted", role: "status" }, t("common.loading")));
    const r = await api("GET", `/api/admin/reports/sla?${new URLSearchParams({ from, to, format: "json" })}`);
    if (r.status === 404) {
      replace(out);
      showMessage(msg, { kind: "warning", title: t("admin.sla.unavailable"), text: t("admin.sla.unavailableHelp") });
      return;
    }
    if (r.status !== 200 || !r.body || !Array.isArray(r.body.rows)) {
      replace(out);
      return showProblem(msg, r.status === 200 ? { ...r, status: 500 } : r, fields);
    }
    renderSla(out, r.body);
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void run();
  });
  page(t("admin.nav.sla"), opts, h("p", null, t("admin.sla.intro")), form, out);
  await run();
}

/** completionRate is a fraction (0..1), null when nothing was completed. */
function ratePercent(/** @type {any} */ row) {
  const v = row.completionRate;
  if (typeof v !== "number" || !Number.isFinite(v)) return null;
  return v * 100;
}

/** @param {HTMLElement} out @param {{ from: string, to: string, asOf?: string, rows: any[] }} report */
function renderSla(out, report) {
  if (report.rows.length === 0) {
    replace(
      out,
      h("p", { class: "empty", role: "status" }, t("admin.sla.empty", { from: report.from, to: report.to })),
    );
    return;
  }
  const name = (/** @type {any} */ r) =>
    `${r.agency} · ${t(`typeShort.${r.caseType}`)} · ${pick(r.stepLabel) || r.step}`;
  const rows = report.rows;
  const fmt1 = (/** @type {number | null} */ n) =>
    n === null || n === undefined ? t("common.none") : String(Math.round(n * 10) / 10);
  const charts = h(
    "div",
    { class: "charts" },
    barChart({
      title: t("admin.sla.chartRate"),
      desc: t("admin.sla.chartRateDesc"),
      categories: rows.map(name),
      series: [{ name: t("admin.sla.rate"), values: rows.map(ratePercent), className: "series-1" }],
      max: 100,
      format: (v) => `${Math.round(v * 10) / 10}%`,
    }),
    barChart({
      title: t("admin.sla.chartLoad"),
      desc: t("admin.sla.chartLoadDesc"),
      categories: rows.map(name),
      series: [
        { name: t("admin.sla.open"), values: rows.map((r) => r.open), className: "series-1" },
        { name: t("admin.sla.overdue"), values: rows.map((r) => r.overdue), className: "series-2" },
        { name: t("admin.sla.completedLate"), values: rows.map((r) => r.completedLate), className: "series-3" },
      ],
      format: (v) => String(v),
    }),
    barChart({
      title: t("admin.sla.chartDays"),
      desc: t("admin.sla.chartDaysDesc"),
      categories: rows.map(name),
      series: [
        { name: t("admin.sla.median"), values: rows.map((r) => r.medianWorkingDays), className: "series-1" },
        { name: t("admin.sla.p90"), values: rows.map((r) => r.p90WorkingDays), className: "series-2" },
      ],
      format: (v) => fmt1(v),
    }),
  );
  const tbl = table(
    [
      t("admin.sla.row"),
      t("admin.sla.open"),
      t("admin.sla.overdue"),
      t("admin.sla.completedOnTime"),
      t("admin.sla.completedLate"),
      t("admin.sla.rate"),
      t("admin.sla.median"),
      t("admin.sla.p90"),
      t("admin.sla.backdated"),
    ],
    rows.map((r) => [
      `${r.agencyName ?? r.agency} (${r.agency}) · ${typeLabel(r.caseType)} · ${pick(r.stepLabel) || r.step}`,
      String(r.open),
      String(r.overdue),
      String(r.completedOnTime),
      String(r.completedLate),
      ratePercent(r) === null ? t("common.none") : `${fmt1(ratePercent(r))}%`,
      fmt1(r.medianWorkingDays),
      fmt1(r.p90WorkingDays),
      String(r.completedBackdated ?? 0),
    ]),
    t("admin.sla.caption", { from: report.from, to: report.to }) +
      (report.asOf ? t("admin.sla.asOf", { date: report.asOf }) : ""),
  );
  replace(out, charts, tbl);
}

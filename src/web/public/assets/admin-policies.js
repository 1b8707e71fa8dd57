// Administration: regional contribution policies.
import { api } from "./api.js";
import { h, listener } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, Fields, formatDate } from "./ui.js";
import { formatFen, parseYuan } from "./money.js";
import { isIsoDate } from "./dates.js";
import { nav, page, table, showProblem } from "./admin-common.js";

/** @typedef {import("./admin-common.js").ViewOpts} ViewOpts */

// ------------------------------------------------------------------ policies

// Rates are typed in the units people use (费率 %, 滞纳金 每日万分之几) and sent as integers:
// "10" % → 1000 basis points, "5" ‱ → 500 ppm. Both are parsed digit by digit (parseYuan: two
// decimals → ×100), never through floating point.
const POLICY_INTS = [
  ["maxBackPayMonths", 0, 120],
  ["waitingPeriodMonths", 0, 6],
];

/** @param {ViewOpts} opts */
export async function policiesView(opts) {
  opts.seq ??= nav.seq;
  const r = await api("GET", "/api/admin/policies");
  const region = h("div", { class: "messages", "aria-live": "polite" });
  if (r.status !== 200) return (page(t("admin.nav.policies"), opts, region), showProblem(region, r, null));
  const rows = r.body.items.map((/** @type {any} */ p) => [
    p.region,
    formatDate(p.effectiveFrom),
    formatFen(p.contributionBaseFen),
    t("admin.policies.rateValue", { pct: bpToPercent(p.rateBasisPoints) }),
    t("admin.policies.lateFeeValue", { pct: ppmToPercent(p.lateFeePerDayPpm) }),
    p.lateFeeAppliesToFlexible ? t("common.yes") : t("common.no"),
    String(p.maxBackPayMonths),
    String(p.waitingPeriodMonths),
  ]);
  const fields = new Fields("policy-new");
  const msg = h("div", { class: "form-messages", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", null, t("admin.policies.create")),
    h(
      "div",
      { class: "filter-grid" },
      fields.add({
        name: "region",
        label: t("admin.policies.region"),
        hint: t("admin.regionHint"),
        required: true,
        attrs: { inputmode: "numeric", maxlength: 6, autocomplete: "off" },
      }),
      fields.add({ name: "effectiveFrom", label: t("admin.policies.effectiveFrom"), kind: "date", required: true }),
      fields.add({
        name: "contributionBaseFen",
        label: t("admin.policies.base"),
        hint: t("hint.yuan"),
        required: true,
        attrs: { inputmode: "decimal", autocomplete: "off" },
      }),
      fields.add({
        name: "rateBasisPoints",
        label: t("admin.policies.ratePercent"),
        hint: t("hint.integerRange", { min: 0.01, max: 100 }),
        required: true,
        attrs: { inputmode: "decimal", autocomplete: "off" },
      }),
      fields.add({
        name: "lateFeePerDayPpm",
        label: t("admin.policies.lateFeePerMyriad"),
        hint: t("hint.integerRange", { min: 0, max: 100 }),
        required: true,
        value: "5",
        attrs: { inputmode: "decimal", autocomplete: "off" },
      }),
      fields.add({
        name: "flexibleRateBasisPoints",
        label: t("admin.policies.flexibleRate"),
        attrs: { inputmode: "decimal", autocomplete: "off" },
      }),
      fields.add({
        name: "averageWageFen",
        label: t("admin.policies.averageWage"),
        hint: t("hint.yuan"),
        attrs: { inputmode: "decimal", autocomplete: "off" },
      }),
      fields.add({
        name: "baseFloorPercent",
        label: t("admin.policies.baseFloor"),
        attrs: { inputmode: "numeric", autocomplete: "off" },
      }),
      fields.add({
        name: "baseCeilingPercent",
        label: t("admin.policies.baseCeiling"),
        attrs: { inputmode: "numeric", autocomplete: "off" },
      }),
      fields.add({
        name: "reimbursementRatios",
        label: t("admin.policies.ratios"),
        attrs: { autocomplete: "off", maxlength: 200 },
      }),
      fields.add({
        name: "maxBackPayMonths",
        label: t("admin.policies.maxBackPay"),
        hint: t("hint.integerRange", { min: 0, max: 120 }),
        required: true,
        value: "3",
        attrs: { inputmode: "numeric", autocomplete: "off" },
      }),
      fields.add({
        name: "waitingPeriodMonths",
        label: t("admin.policies.waiting"),
        hint: t("hint.integerRange", { min: 0, max: 6 }),
        required: true,
        value: "6",
        attrs: { inputmode: "numeric", autocomplete: "off" },
      }),
    ),
    fields.add({ name: "lateFeeAppliesToFlexible", label: t("admin.policies.flexible"), kind: "checkbox" }),
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("admin.policies.submit"))),
  );
  form.addEventListener(
    "submit",
    listener(async (e) => {
      e.preventDefault();
      fields.clearErrors();
      const v = (/** @type {string} */ n) => String(fields.value(n) ?? "").trim();
      let ok = true;
      /** @type {Record<string, any>} */
      const body = {
        region: v("region"),
        effectiveFrom: v("effectiveFrom"),
        lateFeeAppliesToFlexible: Boolean(fields.value("lateFeeAppliesToFlexible")),
      };
      if (!/^\d{2}(\d{4})?$/.test(body.region))
        ok = !fields.setError("region", body.region ? t("admin.regionHint") : t("val.required"));
      if (!isIsoDate(body.effectiveFrom))
        ok = !fields.setError("effectiveFrom", body.effectiveFrom ? t("val.date") : t("val.required"));
      const base = parseYuan(v("contributionBaseFen"));
      if (!base.ok)
        ok = !fields.setError("contributionBaseFen", base.reason === "empty" ? t("val.required") : t("val.yuan"));
      else body.contributionBaseFen = base.fen;
      // hundredths: "10" % → 1000 basis points, "5" ‱ → 500 ppm, "7.5" → 750
      const hundredths = (/** @type {string} */ name, /** @type {number} */ max, /** @type {boolean} */ required) => {
        const s = v(name);
        if (s === "" && !required) return;
        const r = parseYuan(s);
        if (!r.ok || r.fen > max || (required && r.fen < 1 && name === "rateBasisPoints"))
          ok = !fields.setError(name, s ? t("val.range", { min: 0, max: max / 100 }) : t("val.required"));
        else body[name] = r.fen;
      };
      hundredths("rateBasisPoints", 10000, true);
      hundredths("lateFeePerDayPpm", 10000, true);
      hundredths("flexibleRateBasisPoints", 10000, false);
      if (v("averageWageFen")) {
        const avg = parseYuan(v("averageWageFen"));
        if (!avg.ok) ok = !fields.setError("averageWageFen", t("val.yuan"));
        else body.averageWageFen = avg.fen;
      }
      for (const name of ["baseFloorPercent", "baseCeilingPercent"]) {
        const s = v(name);
        if (s === "") continue;
        if (!/^\d{1,4}$/.test(s) || Number(s) < 1 || Number(s) > 1000)
          ok = !fields.setError(name, t("val.range", { min: 1, max: 1000 }));
        else body[name] = Number(s);
      }
      if (v("reimbursementRatios")) {
        const tiers = v("reimbursementRatios")
          .split(/[,，;；\s]+/)
          .filter(Boolean)
          .map((x) => /^(\d{1,4})[:：](\d{1,3})$/.exec(x));
        if (tiers.some((m) => m === null)) ok = !fields.setError("reimbursementRatios", t("admin.policies.ratios"));
        else
          body.reimbursementRatios = tiers.map((m) => ({
            minContinuousMonths: Number(/** @type {RegExpExecArray} */ (m)[1]),
            ratioPercent: Number(/** @type {RegExpExecArray} */ (m)[2]),
          }));
      }
      for (const [name, min, max] of POLICY_INTS) {
        const s = v(/** @type {string} */ (name));
        if (!/^\d{1,6}$/.test(s) || Number(s) < Number(min) || Number(s) > Number(max))
          ok = !fields.setError(/** @type {string} */ (name), s ? t("val.range", { min, max }) : t("val.required"));
        else body[/** @type {string} */ (name)] = Number(s);
      }
      if (!ok) return void fields.focusFirstError();
      const res = await api("POST", "/api/admin/policies", { body });
      if (res.status === 201)
        void policiesView({
          keepFocus: true,
          notice: {
            kind: "success",
            text: t("admin.policies.created", { region: body.region, date: body.effectiveFrom }),
          },
        });
      else showProblem(msg, res, fields);
    }),
  );
  page(
    t("admin.nav.policies"),
    opts,
    region,
    rows.length
      ? table(
          [
            t("admin.policies.region"),
            t("admin.policies.effectiveFrom"),
            t("admin.policies.base"),
            t("admin.policies.ratePercent"),
            t("admin.policies.lateFee"),
            t("admin.policies.flexibleShort"),
            t("admin.policies.maxBackPay"),
            t("admin.policies.waiting"),
          ],
          rows,
          t("admin.policies.caption", { n: rows.length }),
        )
      : h("p", { class: "empty" }, t("admin.policies.empty")),
    form,
  );
  if (opts.notice && opts.seq === nav.seq) showMessage(region, { ...opts.notice, focus: true });
}

/** 1050 → "10.5" (exact: integer arithmetic on the digits). @param {number} bp */
function bpToPercent(bp) {
  const s = String(bp).padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`.replace(/\.?0+$/, "");
}
/** 500 ppm → "0.05". @param {number} ppm */
function ppmToPercent(ppm) {
  const s = String(ppm).padStart(5, "0");
  return `${s.slice(0, -4)}.${s.slice(-4)}`.replace(/\.?0+$/, "") || "0";
}

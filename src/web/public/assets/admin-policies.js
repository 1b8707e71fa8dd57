// Administration: regional contribution policies.
import { api } from "./api.js";
import { h, listener } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, Fields, formatDate } from "./ui.js";
import { formatFen, parseYuan } from "./money.js";
import { isIsoDate } from "./dates.js";
import { nav, page, table, showProblem } from "./admin-common.js";
import { insurances } from "./vocabulary.js";

/** @typedef {import("./admin-common.js").ViewOpts} ViewOpts */

// ------------------------------------------------------------------ policies

// Rates are typed in the units people use (费率 %, 滞纳金 每日万分之几) and sent as integers:
// "10" % → 1000 basis points, "5" ‱ → 500 ppm. Both are parsed digit by digit (parseYuan: two
// decimals → ×100), never through floating point.
const POLICY_INTS = [
  ["maxBackPayMonths", 0, 120],
  ["waitingPeriodMonths", 0, 6],
];

/** An insurance's name. @param {string} i */
const insuranceLabel = (i) => t(`parties.insurance.${i}`);

/** One policy as a table row, rates in the units people use. @param {any} p */
function policyRow(p) {
  return [
    p.region,
    insuranceLabel(p.insurance ?? "medical"),
    formatDate(p.effectiveFrom),
    formatFen(p.contributionBaseFen),
    t("admin.policies.rateValue", { pct: bpToPercent(p.rateBasisPoints) }),
    t("admin.policies.lateFeeValue", { pct: ppmToPercent(p.lateFeePerDayPpm) }),
    p.lateFeeAppliesToFlexible ? t("common.yes") : t("common.no"),
    String(p.maxBackPayMonths),
    String(p.waitingPeriodMonths),
  ];
}

/**
 * The new policy's fields (the late-fee checkbox comes after them); the insurance from the server's list.
 * @param {Fields} fields @param {string[]} insuranceList
 */
function policyFields(fields, insuranceList) {
  /** @param {string} name @param {string} label @param {Record<string, any>} [more] */
  const decimal = (name, label, more = {}) =>
    fields.add({ name, label, ...more, attrs: { inputmode: "decimal", autocomplete: "off" } });
  /** @param {string} name @param {string} label @param {Record<string, any>} [more] */
  const numeric = (name, label, more = {}) =>
    fields.add({ name, label, ...more, attrs: { inputmode: "numeric", autocomplete: "off" } });
  return h(
    "div",
    { class: "filter-grid" },
    fields.add({
      name: "region",
      label: t("admin.policies.region"),
      hint: t("admin.regionHint"),
      required: true,
      attrs: { inputmode: "numeric", maxlength: 6, autocomplete: "off" },
    }),
    fields.add({
      name: "insurance",
      label: t("admin.policies.insurance"),
      hint: t("admin.policies.insuranceHint"),
      kind: "select",
      required: true,
      value: "medical",
      options: insuranceList.map((i) => ({ value: i, label: insuranceLabel(i) })),
    }),
    fields.add({ name: "effectiveFrom", label: t("admin.policies.effectiveFrom"), kind: "date", required: true }),
    decimal("contributionBaseFen", t("admin.policies.base"), { hint: t("hint.yuan"), required: true }),
    decimal("rateBasisPoints", t("admin.policies.ratePercent"), {
      hint: t("hint.integerRange", { min: 0.01, max: 100 }),
      required: true,
    }),
    decimal("lateFeePerDayPpm", t("admin.policies.lateFeePerMyriad"), {
      hint: t("hint.integerRange", { min: 0, max: 100 }),
      required: true,
      value: "5",
    }),
    decimal("flexibleRateBasisPoints", t("admin.policies.flexibleRate")),
    decimal("averageWageFen", t("admin.policies.averageWage"), { hint: t("hint.yuan") }),
    numeric("baseFloorPercent", t("admin.policies.baseFloor")),
    numeric("baseCeilingPercent", t("admin.policies.baseCeiling")),
    fields.add({
      name: "reimbursementRatios",
      label: t("admin.policies.ratios"),
      attrs: { autocomplete: "off", maxlength: 200 },
    }),
    numeric("maxBackPayMonths", t("admin.policies.maxBackPay"), {
      hint: t("hint.integerRange", { min: 0, max: 120 }),
      required: true,
      value: "3",
    }),
    numeric("waitingPeriodMonths", t("admin.policies.waiting"), {
      hint: t("hint.integerRange", { min: 0, max: 6 }),
      required: true,
      value: "6",
    }),
  );
}

/**
 * Reads the policy's fields one check at a time into `body`; `ok` turns false at the first
 * invalid one (each shows its error next to its field, all are checked).
 * @param {Fields} fields
 */
function policyReader(fields) {
  const v = (/** @type {string} */ n) => String(fields.value(n) ?? "").trim();
  const r = {
    v,
    ok: true,
    /** @type {Record<string, any>} */
    body: {
      region: v("region"),
      // absent (an older page's form): medical, as before policies named their insurance
      ...(v("insurance") ? { insurance: v("insurance") } : {}),
      effectiveFrom: v("effectiveFrom"),
      lateFeeAppliesToFlexible: Boolean(fields.value("lateFeeAppliesToFlexible")),
    },
    /** @param {string} name @param {string} message */
    fail(name, message) {
      r.ok = !fields.setError(name, message);
    },
  };
  return r;
}
/** @typedef {ReturnType<typeof policyReader>} PolicyReader */

/** Region, effective date and contribution base (yuan). @param {PolicyReader} r */
function readBasics(r) {
  const { v, body } = r;
  if (!/^\d{2}(\d{4})?$/.test(body.region)) r.fail("region", body.region ? t("admin.regionHint") : t("val.required"));
  if (!isIsoDate(body.effectiveFrom)) r.fail("effectiveFrom", body.effectiveFrom ? t("val.date") : t("val.required"));
  const base = parseYuan(v("contributionBaseFen"));
  if (!base.ok) r.fail("contributionBaseFen", base.reason === "empty" ? t("val.required") : t("val.yuan"));
  else body.contributionBaseFen = base.fen;
}

/** The rates, typed in hundredths: "10" % → 1000 basis points, "5" ‱ → 500 ppm, "7.5" → 750. @param {PolicyReader} r */
function readRates(r) {
  const hundredths = (/** @type {string} */ name, /** @type {number} */ max, /** @type {boolean} */ required) => {
    const s = r.v(name);
    if (s === "" && !required) return;
    const x = parseYuan(s);
    if (!x.ok || x.fen > max || (required && x.fen < 1 && name === "rateBasisPoints"))
      r.fail(name, s ? t("val.range", { min: 0, max: max / 100 }) : t("val.required"));
    else r.body[name] = x.fen;
  };
  hundredths("rateBasisPoints", 10000, true);
  hundredths("lateFeePerDayPpm", 10000, true);
  hundredths("flexibleRateBasisPoints", 10000, false);
}

/** The optional figures: average wage, base floor and ceiling (%), reimbursement tiers. @param {PolicyReader} r */
function readOptional(r) {
  const { v, body } = r;
  if (v("averageWageFen")) {
    const avg = parseYuan(v("averageWageFen"));
    if (!avg.ok) r.fail("averageWageFen", t("val.yuan"));
    else body.averageWageFen = avg.fen;
  }
  for (const name of ["baseFloorPercent", "baseCeilingPercent"]) {
    const s = v(name);
    if (s === "") continue;
    if (!/^\d{1,4}$/.test(s) || Number(s) < 1 || Number(s) > 1000) r.fail(name, t("val.range", { min: 1, max: 1000 }));
    else body[name] = Number(s);
  }
  if (v("reimbursementRatios")) {
    const tiers = v("reimbursementRatios")
      .split(/[,，;；\s]+/)
      .filter(Boolean)
      .map((x) => /^(\d{1,4})[:：](\d{1,3})$/.exec(x));
    if (tiers.some((m) => m === null)) r.fail("reimbursementRatios", t("admin.policies.ratios"));
    else
      body.reimbursementRatios = tiers.map((m) => ({
        minContinuousMonths: Number(/** @type {RegExpExecArray} */ (m)[1]),
        ratioPercent: Number(/** @type {RegExpExecArray} */ (m)[2]),
      }));
  }
}

/** The whole months: back pay and waiting period. @param {PolicyReader} r */
function readMonths(r) {
  for (const [name, min, max] of POLICY_INTS) {
    const s = r.v(/** @type {string} */ (name));
    if (!/^\d{1,6}$/.test(s) || Number(s) < Number(min) || Number(s) > Number(max))
      r.fail(/** @type {string} */ (name), s ? t("val.range", { min, max }) : t("val.required"));
    else r.body[/** @type {string} */ (name)] = Number(s);
  }
}

/** The body of POST /api/admin/policies; null when a field is invalid. @param {Fields} fields */
function policyBody(fields) {
  const r = policyReader(fields);
  readBasics(r);
  readRates(r);
  readOptional(r);
  readMonths(r);
  return r.ok ? r.body : null;
}

/** The form that adds a policy. @param {string[]} insuranceList */
function newPolicyForm(insuranceList) {
  const fields = new Fields("policy-new");
  const msg = h("div", { class: "form-messages", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", null, t("admin.policies.create")),
    policyFields(fields, insuranceList),
    fields.add({ name: "lateFeeAppliesToFlexible", label: t("admin.policies.flexible"), kind: "checkbox" }),
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("admin.policies.submit"))),
  );
  form.addEventListener(
    "submit",
    listener(async (e) => {
      e.preventDefault();
      fields.clearErrors();
      const body = policyBody(fields);
      if (!body) return void fields.focusFirstError();
      const res = await api("POST", "/api/admin/policies", { body });
      if (res.status === 201)
        void policiesView({
          keepFocus: true,
          notice: {
            kind: "success",
            text: t("admin.policies.createdFor", {
              insurance: insuranceLabel(res.body.insurance ?? "medical"),
              region: body.region,
              date: body.effectiveFrom,
            }),
          },
        });
      else showProblem(msg, res, fields);
    }),
  );
  return form;
}

/** @param {ViewOpts} opts */
export async function policiesView(opts) {
  opts.seq ??= nav.seq;
  const [r, insuranceList] = await Promise.all([api("GET", "/api/admin/policies"), insurances()]);
  const region = h("div", { class: "messages", "aria-live": "polite" });
  if (r.status !== 200) return (page(t("admin.nav.policies"), opts, region), showProblem(region, r, null));
  const rows = r.body.items.map(policyRow);
  const form = newPolicyForm(insuranceList.length ? insuranceList : ["medical"]);
  page(
    t("admin.nav.policies"),
    opts,
    region,
    rows.length
      ? table(
          [
            t("admin.policies.region"),
            t("admin.policies.insurance"),
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

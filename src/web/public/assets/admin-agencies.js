// Administration: agencies, their deadline limits and the insurances they handle.
import { api } from "./api.js";
import { h, replace, listener } from "./dom.js";
import { t, label as pick } from "./i18n.js";
import { showMessage, typeLabel, Fields } from "./ui.js";
import { caseTypeNames, getDefinition, limitSpecs } from "./machines.js";
import { nav, page, table, showProblem } from "./admin-common.js";
import { insurances } from "./vocabulary.js";

/** @typedef {import("./admin-common.js").ViewOpts} ViewOpts */

// ------------------------------------------------------------------ agencies

/** Every configurable limit with a readable label. */
async function allLimits() {
  const out = [];
  for (const type of await caseTypeNames()) {
    let def;
    try {
      def = await getDefinition(type);
    } catch {
      continue;
    }
    for (const spec of limitSpecs(def)) {
      const state = Object.values(def.states).find((s) => s.deadline?.key === spec.key);
      const what = state ? pick(state.label) : t("admin.limits.overall");
      out.push({ key: spec.key, max: spec.nationalMaxDays, label: `${typeLabel(type)} — ${what}` });
    }
  }
  return out;
}

/** @param {Fields} fields @param {any[]} limits @param {Record<string, number>} [values] */
function limitFields(fields, limits, values = {}) {
  return h(
    "fieldset",
    { class: "limits" },
    h("legend", null, t("admin.limits.legend")),
    h("p", { class: "hint" }, t("admin.limits.hint")),
    h(
      "div",
      { class: "filter-grid" },
      limits.map((l) =>
        fields.add({
          name: `limits.${l.key}`,
          label: l.label,
          hint: t("admin.limits.max", { n: l.max }),
          value: values[l.key] ?? "",
          attrs: { inputmode: "numeric", autocomplete: "off" },
        }),
      ),
    ),
  );
}

/** An insurance's name. @param {string} i */
const insuranceLabel = (i) => t(`parties.insurance.${i}`);

/**
 * One checkbox per insurance of the server's list, checked when the agency handles it.
 * @param {Fields} fields @param {string[]} insuranceList @param {string[]} handled
 */
function insuranceFields(fields, insuranceList, handled) {
  return h(
    "fieldset",
    { class: "insurances" },
    h("legend", null, t("admin.agencies.insurances")),
    h("p", { class: "hint" }, t("admin.agencies.insurancesHint")),
    insuranceList.map((i) =>
      fields.add({ name: `insurances.${i}`, label: insuranceLabel(i), kind: "checkbox", value: handled.includes(i) }),
    ),
  );
}

/**
 * The insurances checked; null (an error shown on the first box) when none is.
 * @param {Fields} fields @param {string[]} insuranceList
 * @returns {string[] | null}
 */
function readInsurances(fields, insuranceList) {
  const checked = insuranceList.filter((i) => fields.value(`insurances.${i}`) === true);
  if (checked.length > 0 || insuranceList.length === 0) return checked;
  fields.setError(`insurances.${insuranceList[0]}`, t("admin.agencies.insurancesRequired"));
  return null;
}

/** @returns {Record<string, number> | null} */
function readLimits(/** @type {Fields} */ fields, /** @type {any[]} */ limits) {
  /** @type {Record<string, number>} */
  const out = {};
  let ok = true;
  for (const l of limits) {
    const v = String(fields.value(`limits.${l.key}`) ?? "").trim();
    if (!v) continue;
    if (!/^\d{1,3}$/.test(v) || Number(v) < 1 || Number(v) > l.max) {
      fields.setError(`limits.${l.key}`, t("val.range", { min: 1, max: l.max }));
      ok = false;
    } else out[l.key] = Number(v);
  }
  return ok ? out : null;
}

/**
 * One agency as a table row: code, name, region, its own limits, and the button that edits it.
 * @param {any} a the agency @param {Map<string, string>} labelOf limit key → label
 * @param {(a: any) => void} edit
 */
function agencyRow(a, labelOf, edit) {
  return [
    a.code,
    a.name,
    a.region,
    (a.insurances ?? []).length
      ? h(
          "ul",
          { class: "plain" },
          a.insurances.map((/** @type {string} */ i) => h("li", null, insuranceLabel(i))),
        )
      : t("common.none"),
    Object.keys(a.limits).length
      ? h(
          "ul",
          { class: "plain" },
          Object.entries(a.limits).map(([k, v]) =>
            h("li", null, t("admin.limits.item", { label: labelOf.get(k) ?? k, n: v })),
          ),
        )
      : t("admin.limits.national"),
    h(
      "button",
      { type: "button", class: "secondary small", onClick: () => edit(a) },
      t("admin.agencies.edit", { code: a.code }),
    ),
  ];
}

/**
 * The form that renames an agency, sets the insurances it handles and its limits, shown in `slot`.
 * @param {any} a the agency @param {any[]} limits every configurable limit @param {HTMLElement} slot
 * @param {string[]} insuranceList
 */
function editAgency(a, limits, slot, insuranceList) {
  const fields = new Fields("agency-edit");
  const msg = h("div", { class: "form-messages", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", null, t("admin.agencies.editHeading", { code: a.code })),
    fields.add({
      name: "name",
      label: t("admin.agencies.name"),
      value: a.name,
      required: true,
      attrs: { maxlength: 100 },
    }),
    insuranceFields(fields, insuranceList, a.insurances ?? insuranceList),
    limitFields(fields, limits, a.limits),
    msg,
    h(
      "p",
      { class: "form-actions" },
      h("button", { type: "submit", class: "primary" }, t("common.save")),
      " ",
      h("button", { type: "button", class: "secondary", onClick: () => replace(slot) }, t("common.cancel")),
    ),
  );
  form.addEventListener(
    "submit",
    listener(async (e) => {
      e.preventDefault();
      fields.clearErrors();
      const lim = readLimits(fields, limits);
      const handled = readInsurances(fields, insuranceList);
      const name = String(fields.value("name")).trim();
      if (!name) fields.setError("name", t("val.required"));
      if (!lim || !name || !handled) return void fields.focusFirstError();
      const res = await api("PATCH", `/api/admin/agencies/${encodeURIComponent(a.code)}`, {
        body: { name, limits: lim, ...(handled.length ? { insurances: handled } : {}) },
      });
      if (res.status === 200)
        void agenciesView({
          keepFocus: true,
          notice: { kind: "success", text: t("admin.agencies.saved", { code: a.code }) },
        });
      else showProblem(msg, res, fields);
    }),
  );
  replace(slot, form);
  /** @type {HTMLElement} */ (form.querySelector("input"))?.focus();
}

/** The new agency's code, name and region. @param {Fields} fields */
function newAgencyFields(fields) {
  return h(
    "div",
    { class: "filter-grid" },
    fields.add({
      name: "code",
      label: t("admin.agencies.code"),
      hint: t("admin.agencies.codeHint"),
      required: true,
      attrs: { maxlength: 32, autocomplete: "off", spellcheck: "false" },
    }),
    fields.add({
      name: "name",
      label: t("admin.agencies.name"),
      required: true,
      attrs: { maxlength: 100, autocomplete: "off" },
    }),
    fields.add({
      name: "region",
      label: t("admin.agencies.region"),
      hint: t("admin.regionHint"),
      required: true,
      attrs: { inputmode: "numeric", maxlength: 6, autocomplete: "off" },
    }),
  );
}

/**
 * The body of POST /api/admin/agencies; null when a field is invalid (shown next to it).
 * @param {Fields} fields @param {any[]} limits @param {string[]} insuranceList
 */
function newAgencyBody(fields, limits, insuranceList) {
  const v = (/** @type {string} */ n) => String(fields.value(n) ?? "").trim();
  let ok = true;
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(v("code")))
    ok = !fields.setError("code", v("code") ? t("admin.agencies.codeHint") : t("val.required"));
  if (!v("name")) ok = !fields.setError("name", t("val.required"));
  if (!/^\d{2}(\d{4})?$/.test(v("region")))
    ok = !fields.setError("region", v("region") ? t("admin.regionHint") : t("val.required"));
  const lim = readLimits(fields, limits);
  const handled = readInsurances(fields, insuranceList);
  if (!ok || !lim || !handled) return null;
  return {
    code: v("code"),
    name: v("name"),
    region: v("region"),
    limits: lim,
    ...(handled.length ? { insurances: handled } : {}),
  };
}

/** The form that creates an agency. @param {any[]} limits @param {string[]} insuranceList */
function newAgencyForm(limits, insuranceList) {
  const fields = new Fields("agency-new");
  const msg = h("div", { class: "form-messages", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", null, t("admin.agencies.create")),
    newAgencyFields(fields),
    // a new agency handles every insurance unless told otherwise
    insuranceFields(fields, insuranceList, insuranceList),
    limitFields(fields, limits),
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("admin.agencies.submit"))),
  );
  form.addEventListener(
    "submit",
    listener(async (e) => {
      e.preventDefault();
      fields.clearErrors();
      const body = newAgencyBody(fields, limits, insuranceList);
      if (!body) return void fields.focusFirstError();
      const res = await api("POST", "/api/admin/agencies", { body });
      if (res.status === 201)
        void agenciesView({
          keepFocus: true,
          notice: { kind: "success", text: t("admin.agencies.created", { code: res.body.code }) },
        });
      else showProblem(msg, res, fields);
    }),
  );
  return form;
}

/** @param {ViewOpts} opts */
export async function agenciesView(opts) {
  opts.seq ??= nav.seq;
  const [r, limits, insuranceList] = await Promise.all([api("GET", "/api/admin/agencies"), allLimits(), insurances()]);
  const region = h("div", { class: "messages", "aria-live": "polite" });
  if (r.status !== 200) return (page(t("admin.nav.agencies"), opts, region), showProblem(region, r, null));
  const labelOf = new Map(limits.map((l) => [l.key, l.label]));
  const editSlot = h("div", { class: "form-slot" });
  const rows = r.body.items.map((/** @type {any} */ a) =>
    agencyRow(a, labelOf, (/** @type {any} */ chosen) => editAgency(chosen, limits, editSlot, insuranceList)),
  );
  page(
    t("admin.nav.agencies"),
    opts,
    region,
    rows.length
      ? table(
          [
            t("admin.agencies.code"),
            t("admin.agencies.name"),
            t("admin.agencies.region"),
            t("admin.agencies.insurances"),
            t("admin.limits.legend"),
            t("common.actions"),
          ],
          rows,
          t("admin.agencies.caption", { n: rows.length }),
        )
      : h("p", { class: "empty" }, t("admin.agencies.empty")),
    editSlot,
    newAgencyForm(limits, insuranceList),
  );
  if (opts.notice && opts.seq === nav.seq) showMessage(region, { ...opts.notice, focus: true });
}

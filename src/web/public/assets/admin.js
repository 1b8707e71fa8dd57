// Administration: agencies (with deadline limits), staff accounts, the working-day calendar
// (publish a year), regional policies, and the SLA report as charts.
// Hash routes: #/agencies · #/users · #/calendar · #/policies · #/sla
import { api } from "./api.js";
import { h, replace } from "./dom.js";
import { t, label as pick } from "./i18n.js";
import { initPage, showMessage, clearMessage, problemMessage, typeLabel, Fields, formatDate } from "./ui.js";
import { startSession } from "./session.js";
import { CASE_TYPES, getDefinition, limitSpecs } from "./machines.js";
import { formatFen, parseYuan } from "./money.js";
import { chinaToday, isIsoDate, parseDateList } from "./dates.js";
import { barChart } from "./charts.js";

const view = /** @type {HTMLElement} */ (document.getElementById("view"));
const messages = /** @type {HTMLElement} */ (document.getElementById("messages"));
/** @type {any} */
let me = null;

const session = startSession({
  accept: (user) => user.role === "admin",
  refusedText: () => t("admin.onlyAdmins"),
  onReady: (user) => {
    me = user;
    route();
  },
  onLoggedOut: () => {
    me = null;
  },
});

initPage(() => {
  session.renderWho();
  if (me) route({ keepFocus: true });
});

window.addEventListener("hashchange", () => {
  if (me) {
    clearMessage(messages);
    route();
  }
});

const ROUTES = /** @type {const} */ (["agencies", "users", "calendar", "policies", "sla"]);
/** Bumped on every navigation: a view whose data arrives after the user moved on is dropped. */
let navSeq = 0;

/** @param {{ keepFocus?: boolean }} [opts] */
function route(opts = {}) {
  navSeq += 1;
  const name = (location.hash.replace(/^#\//, "") || "agencies").split("/")[0];
  const page = ROUTES.includes(/** @type {any} */ (name)) ? name : "agencies";
  for (const a of document.querySelectorAll("#nav-links a")) {
    if (a.getAttribute("href") === `#/${page}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.title = `${t(`admin.nav.${page}`)} — ${t("admin.brand")}`;
  const views = { agencies: agenciesView, users: usersView, calendar: calendarView, policies: policiesView, sla: slaView };
  views[page](opts);
}

/**
 * Render a view, unless the user has navigated elsewhere since it started loading.
 * @param {string} title @param {{ keepFocus?: boolean, seq?: number }} opts @param {...any} parts
 */
function page(title, opts, ...parts) {
  if (opts.seq !== undefined && opts.seq !== navSeq) return;
  replace(view, h("h1", { tabindex: "-1" }, title), ...parts);
  if (!opts.keepFocus) /** @type {HTMLElement} */ (view.querySelector("h1")).focus();
}

/** @param {string[]} head @param {any[][]} rows @param {string} caption */
function table(head, rows, caption) {
  return h(
    "div",
    { class: "table-scroll", tabindex: "0", role: "region", "aria-label": caption },
    h(
      "table",
      { class: "data" },
      h("caption", null, caption),
      h("thead", null, h("tr", null, head.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, rows.map((r) => h("tr", null, r.map((cell, i) => (i === 0 ? h("th", { scope: "row" }, cell) : h("td", null, cell)))))),
    ),
  );
}

/** Report a failed reply in a region: field errors next to fields, the rest as a message. */
function showProblem(/** @type {HTMLElement} */ region, /** @type {any} */ r, /** @type {Fields | null} */ fields) {
  if (r.status === 401) return;
  if (r.status === 422 && fields) {
    const unmatched = fields.applyServerErrors(r.body?.errors ?? []);
    showMessage(region, { kind: "error", title: t("err.invalid"), details: unmatched.map((/** @type {any} */ e) => `${e.path}: ${e.message}`) });
    if (!fields.focusFirstError()) /** @type {HTMLElement} */ (region.firstElementChild)?.focus();
    return;
  }
  showMessage(region, { ...problemMessage(r), focus: true });
}

// ------------------------------------------------------------------ agencies

/** Every configurable limit with a readable label. */
async function allLimits() {
  const out = [];
  for (const type of CASE_TYPES) {
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
      limits.map((l) => fields.add({ name: `limits.${l.key}`, label: l.label, hint: t("admin.limits.max", { n: l.max }), value: values[l.key] ?? "", attrs: { inputmode: "numeric", autocomplete: "off" } })),
    ),
  );
}

/** @returns {Record<string, number> | null} */
function readLimits(/** @type {Fields} */ fields, /** @type {any[]} */ limits) {
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

/** @param {{ keepFocus?: boolean, notice?: any }} opts */
async function agenciesView(opts) {
  opts.seq ??= navSeq;
  const [r, limits] = await Promise.all([api("GET", "/api/admin/agencies"), allLimits()]);
  const region = h("div", { class: "messages", "aria-live": "polite" });
  if (r.status !== 200) return page(t("admin.nav.agencies"), opts, region), showProblem(region, r, null);
  const labelOf = new Map(limits.map((l) => [l.key, l.label]));
  const editSlot = h("div", { class: "form-slot" });
  const rows = r.body.items.map((/** @type {any} */ a) => [
    a.code,
    a.name,
    a.region,
    Object.keys(a.limits).length
      ? h("ul", { class: "plain" }, Object.entries(a.limits).map(([k, v]) => h("li", null, t("admin.limits.item", { label: labelOf.get(k) ?? k, n: v }))))
      : t("admin.limits.national"),
    h("button", { type: "button", class: "secondary small", onClick: () => editAgency(a) }, t("admin.agencies.edit", { code: a.code })),
  ]);

  function editAgency(/** @type {any} */ a) {
    const fields = new Fields("agency-edit");
    const msg = h("div", { class: "form-messages", "aria-live": "polite" });
    const form = h(
      "form",
      { class: "card", novalidate: true },
      h("h2", null, t("admin.agencies.editHeading", { code: a.code })),
      fields.add({ name: "name", label: t("admin.agencies.name"), value: a.name, required: true, attrs: { maxlength: 100 } }),
      limitFields(fields, limits, a.limits),
      msg,
      h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("common.save")), " ", h("button", { type: "button", class: "secondary", onClick: () => replace(editSlot) }, t("common.cancel"))),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      fields.clearErrors();
      const lim = readLimits(fields, limits);
      const name = String(fields.value("name")).trim();
      if (!name) fields.setError("name", t("val.required"));
      if (!lim || !name) return void fields.focusFirstError();
      const res = await api("PATCH", `/api/admin/agencies/${encodeURIComponent(a.code)}`, { body: { name, limits: lim } });
      if (res.status === 200) agenciesView({ keepFocus: true, notice: { kind: "success", text: t("admin.agencies.saved", { code: a.code }) } });
      else showProblem(msg, res, fields);
    });
    replace(editSlot, form);
    /** @type {HTMLElement} */ (form.querySelector("input"))?.focus();
  }

  const fields = new Fields("agency-new");
  const msg = h("div", { class: "form-messages", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", null, t("admin.agencies.create")),
    h(
      "div",
      { class: "filter-grid" },
      fields.add({ name: "code", label: t("admin.agencies.code"), hint: t("admin.agencies.codeHint"), required: true, attrs: { maxlength: 32, autocomplete: "off", spellcheck: "false" } }),
      fields.add({ name: "name", label: t("admin.agencies.name"), required: true, attrs: { maxlength: 100, autocomplete: "off" } }),
      fields.add({ name: "region", label: t("admin.agencies.region"), hint: t("admin.regionHint"), required: true, attrs: { inputmode: "numeric", maxlength: 6, autocomplete: "off" } }),
    ),
    limitFields(fields, limits),
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("admin.agencies.submit"))),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    fields.clearErrors();
    const v = (/** @type {string} */ n) => String(fields.value(n) ?? "").trim();
    let ok = true;
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(v("code"))) ok = !fields.setError("code", v("code") ? t("admin.agencies.codeHint") : t("val.required"));
    if (!v("name")) ok = !fields.setError("name", t("val.required"));
    if (!/^\d{2}(\d{4})?$/.test(v("region"))) ok = !fields.setError("region", v("region") ? t("admin.regionHint") : t("val.required"));
    const lim = readLimits(fields, limits);
    if (!ok || !lim) return void fields.focusFirstError();
    const res = await api("POST", "/api/admin/agencies", { body: { code: v("code"), name: v("name"), region: v("region"), limits: lim } });
    if (res.status === 201) agenciesView({ keepFocus: true, notice: { kind: "success", text: t("admin.agencies.created", { code: res.body.code }) } });
    else showProblem(msg, res, fields);
  });

  page(
    t("admin.nav.agencies"),
    opts,
    region,
    rows.length
      ? table([t("admin.agencies.code"), t("admin.agencies.name"), t("admin.agencies.region"), t("admin.limits.legend"), t("common.actions")], rows, t("admin.agencies.caption", { n: rows.length }))
      : h("p", { class: "empty" }, t("admin.agencies.empty")),
    editSlot,
    form,
  );
  if (opts.notice && opts.seq === navSeq) showMessage(region, { ...opts.notice, focus: true });
}

// ------------------------------------------------------------------ users

/** @param {{ keepFocus?: boolean, notice?: any }} opts */
async function usersView(opts) {
  opts.seq ??= navSeq;
  const [r, ar] = await Promise.all([api("GET", "/api/admin/users"), api("GET", "/api/admin/agencies")]);
  const region = h("div", { class: "messages", "aria-live": "polite" });
  if (r.status !== 200) return page(t("admin.nav.users"), opts, region), showProblem(region, r, null);
  const agencies = ar.status === 200 ? ar.body.items : [];
  const rows = r.body.items.map((/** @type {any} */ u) => [
    u.username,
    t(`role.${u.role}`),
    u.agencyCode ?? t("common.none"),
    h("span", { class: `badge ${u.disabled ? "badge-neutral" : "badge-success"}` }, u.disabled ? t("admin.users.disabled") : t("admin.users.active")),
    u.id === me.id
      ? h("span", { class: "muted small" }, t("admin.users.you"))
      : h(
          "button",
          {
            type: "button",
            class: "secondary small",
            onClick: async () => {
              const res = await api("PATCH", `/api/admin/users/${encodeURIComponent(u.username)}`, { body: { disabled: !u.disabled } });
              if (res.status === 200) usersView({ keepFocus: true, notice: { kind: "success", text: t(res.body.disabled ? "admin.users.nowDisabled" : "admin.users.nowEnabled", { user: u.username }) } });
              else showProblem(region, res, null);
            },
          },
          u.disabled ? t("admin.users.enable", { user: u.username }) : t("admin.users.disable", { user: u.username }),
        ),
  ]);

  const fields = new Fields("user-new");
  const msg = h("div", { class: "form-messages", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", null, t("admin.users.create")),
    h(
      "div",
      { class: "filter-grid" },
      fields.add({ name: "username", label: t("admin.users.username"), hint: t("admin.users.usernameHint"), required: true, attrs: { autocomplete: "off", spellcheck: "false", maxlength: 64 } }),
      fields.add({ name: "password", label: t("admin.users.password"), hint: t("admin.users.passwordHint"), kind: "password", required: true, attrs: { autocomplete: "new-password", maxlength: 256 } }),
      fields.add({ name: "role", label: t("admin.users.role"), kind: "select", required: true, value: "staff", options: [{ value: "staff", label: t("role.staff") }, { value: "admin", label: t("role.admin") }] }),
      fields.add({
        name: "agencyCode",
        label: t("admin.users.agency"),
        hint: t("admin.users.agencyHint"),
        kind: "select",
        options: [{ value: "", label: t("form.choose") }, ...agencies.map((/** @type {any} */ a) => ({ value: a.code, label: `${a.name} (${a.code})` }))],
      }),
    ),
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("admin.users.submit"))),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    fields.clearErrors();
    const v = (/** @type {string} */ n) => String(fields.value(n) ?? "").trim();
    let ok = true;
    if (!/^[A-Za-z0-9_.-]{3,64}$/.test(v("username"))) ok = !fields.setError("username", v("username") ? t("admin.users.usernameHint") : t("val.required"));
    if (String(fields.value("password") ?? "").length < 12) ok = !fields.setError("password", t("admin.users.passwordHint"));
    if (v("role") === "staff" && !v("agencyCode")) ok = !fields.setError("agencyCode", t("admin.users.agencyHint"));
    if (!ok) return void fields.focusFirstError();
    const body = { username: v("username"), password: String(fields.value("password")), role: v("role"), ...(v("role") === "staff" ? { agencyCode: v("agencyCode") } : {}) };
    const res = await api("POST", "/api/admin/users", { body });
    if (res.status === 201) usersView({ keepFocus: true, notice: { kind: "success", text: t("admin.users.created", { user: res.body.username }) } });
    else showProblem(msg, res, fields);
  });

  page(
    t("admin.nav.users"),
    opts,
    region,
    table([t("admin.users.username"), t("admin.users.role"), t("admin.users.agency"), t("admin.users.status"), t("common.actions")], rows, t("admin.users.caption", { n: rows.length })),
    form,
  );
  if (opts.notice && opts.seq === navSeq) showMessage(region, { ...opts.notice, focus: true });
}

// ------------------------------------------------------------------ calendar

/** @param {{ keepFocus?: boolean, notice?: any, year?: string }} opts */
async function calendarView(opts) {
  opts.seq ??= navSeq;
  const r = await api("GET", "/api/admin/calendar");
  const region = h("div", { class: "messages", "aria-live": "polite" });
  if (r.status !== 200) return page(t("admin.nav.calendar"), opts, region), showProblem(region, r, null);
  const published = /** @type {number[]} */ (r.body.published ?? []);
  const fields = new Fields("calendar");
  const msg = h("div", { class: "form-messages", "aria-live": "polite" });
  const loadedNote = h("p", { class: "hint", role: "status" });
  const nextYear = String(Number(chinaToday().slice(0, 4)) + 1);
  const yearField = fields.add({ name: "year", label: t("admin.calendar.year"), hint: t("admin.calendar.yearHint"), required: true, value: opts.year ?? nextYear, attrs: { inputmode: "numeric", maxlength: 4, autocomplete: "off" } });
  const holidaysField = fields.add({ name: "holidays", label: t("admin.calendar.holidays"), hint: t("admin.calendar.datesHint"), kind: "textarea", attrs: { rows: 6, spellcheck: "false" } });
  const workdaysField = fields.add({ name: "workdays", label: t("admin.calendar.workdays"), hint: t("admin.calendar.workdaysHint"), kind: "textarea", attrs: { rows: 4, spellcheck: "false" } });
  /** @type {HTMLTextAreaElement} */ (fields.control("holidays")).rows = 6;
  /** @type {HTMLTextAreaElement} */ (fields.control("workdays")).rows = 4;

  const readYear = () => {
    const y = String(fields.value("year") ?? "").trim();
    if (!/^\d{4}$/.test(y)) {
      fields.setError("year", t("admin.calendar.yearHint"));
      return null;
    }
    return y;
  };
  const load = async () => {
    fields.clearErrors();
    const y = readYear();
    if (!y) return void fields.focusFirstError();
    const res = await api("GET", `/api/admin/calendar/${y}`);
    if (res.status !== 200) return showProblem(msg, res, fields);
    /** @type {HTMLTextAreaElement} */ (fields.control("holidays")).value = res.body.holidays.join("\n");
    /** @type {HTMLTextAreaElement} */ (fields.control("workdays")).value = res.body.workdays.join("\n");
    loadedNote.textContent = res.body.provisional ? t("admin.calendar.loadedProvisional", { year: y }) : t("admin.calendar.loadedPublished", { year: y });
  };

  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", null, t("admin.calendar.publishHeading")),
    h("p", null, t("admin.calendar.publishIntro")),
    h("div", { class: "inline-field" }, yearField, h("button", { type: "button", class: "secondary", onClick: load }, t("admin.calendar.load"))),
    loadedNote,
    holidaysField,
    workdaysField,
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("admin.calendar.publish"))),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    fields.clearErrors();
    const y = readYear();
    const hol = parseDateList(String(fields.value("holidays") ?? ""));
    const wd = parseDateList(String(fields.value("workdays") ?? ""));
    let ok = Boolean(y);
    const check = (/** @type {string} */ name, /** @type {{ dates: string[], bad: string[] }} */ list) => {
      const wrongYear = y ? list.dates.filter((d) => d.slice(0, 4) !== y) : [];
      if (list.bad.length) ok = !fields.setError(name, t("admin.calendar.badDates", { dates: list.bad.join(", ") }));
      else if (wrongYear.length) ok = !fields.setError(name, t("admin.calendar.wrongYear", { year: y, dates: wrongYear.join(", ") }));
    };
    check("holidays", hol);
    check("workdays", wd);
    const both = hol.dates.filter((d) => wd.dates.includes(d));
    if (both.length) ok = !fields.setError("workdays", t("admin.calendar.both", { dates: both.join(", ") }));
    if (!ok) return void fields.focusFirstError();
    const res = await api("PUT", `/api/admin/calendar/${y}`, { body: { holidays: hol.dates, workdays: wd.dates } });
    if (res.status === 200) {
      calendarView({ keepFocus: true, year: y ?? undefined, notice: { kind: "success", text: t("admin.calendar.published", { year: y, holidays: res.body.holidays.length, workdays: res.body.workdays.length }) } });
    } else if (res.status === 422) {
      // The server checks the schedule as a whole ("(body)"): show its reasons with the lists.
      const errs = res.body?.errors ?? [];
      showMessage(msg, { kind: "error", title: t("err.invalid"), details: errs.map((/** @type {any} */ x) => x.message), focus: true });
    } else showProblem(msg, res, fields);
  });

  page(
    t("admin.nav.calendar"),
    opts,
    region,
    h(
      "section",
      { class: "card", "aria-labelledby": "published-heading" },
      h("h2", { id: "published-heading" }, t("admin.calendar.publishedHeading")),
      h("p", null, t("admin.calendar.publishedIntro")),
      h("ul", { class: "years", "aria-label": t("admin.calendar.publishedHeading") }, published.map((y) => h("li", { "data-year": y }, String(y)))),
    ),
    form,
  );
  if (opts.notice && opts.seq === navSeq) showMessage(region, { ...opts.notice, focus: true });
  // After publishing, show the year as now stored.
  if (opts.year && opts.seq === navSeq) await load();
}

// ------------------------------------------------------------------ policies

const POLICY_INTS = [
  ["rateBasisPoints", 1, 10000],
  ["lateFeePerDayPpm", 0, 10000],
  ["maxBackPayMonths", 0, 120],
  ["waitingPeriodMonths", 0, 6],
];

/** @param {{ keepFocus?: boolean, notice?: any }} opts */
async function policiesView(opts) {
  opts.seq ??= navSeq;
  const r = await api("GET", "/api/admin/policies");
  const region = h("div", { class: "messages", "aria-live": "polite" });
  if (r.status !== 200) return page(t("admin.nav.policies"), opts, region), showProblem(region, r, null);
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
      fields.add({ name: "region", label: t("admin.policies.region"), hint: t("admin.regionHint"), required: true, attrs: { inputmode: "numeric", maxlength: 6, autocomplete: "off" } }),
      fields.add({ name: "effectiveFrom", label: t("admin.policies.effectiveFrom"), kind: "date", required: true }),
      fields.add({ name: "contributionBaseFen", label: t("admin.policies.base"), hint: t("hint.yuan"), required: true, attrs: { inputmode: "decimal", autocomplete: "off" } }),
      fields.add({ name: "rateBasisPoints", label: t("admin.policies.rate"), hint: t("admin.policies.rateHint"), required: true, attrs: { inputmode: "numeric", autocomplete: "off" } }),
      fields.add({ name: "lateFeePerDayPpm", label: t("admin.policies.lateFee"), hint: t("admin.policies.lateFeeHint"), required: true, value: "500", attrs: { inputmode: "numeric", autocomplete: "off" } }),
      fields.add({ name: "maxBackPayMonths", label: t("admin.policies.maxBackPay"), hint: t("hint.integerRange", { min: 0, max: 120 }), required: true, value: "3", attrs: { inputmode: "numeric", autocomplete: "off" } }),
      fields.add({ name: "waitingPeriodMonths", label: t("admin.policies.waiting"), hint: t("hint.integerRange", { min: 0, max: 6 }), required: true, value: "6", attrs: { inputmode: "numeric", autocomplete: "off" } }),
    ),
    fields.add({ name: "lateFeeAppliesToFlexible", label: t("admin.policies.flexible"), kind: "checkbox" }),
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("admin.policies.submit"))),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    fields.clearErrors();
    const v = (/** @type {string} */ n) => String(fields.value(n) ?? "").trim();
    let ok = true;
    /** @type {Record<string, any>} */
    const body = { region: v("region"), effectiveFrom: v("effectiveFrom"), lateFeeAppliesToFlexible: Boolean(fields.value("lateFeeAppliesToFlexible")) };
    if (!/^\d{2}(\d{4})?$/.test(body.region)) ok = !fields.setError("region", body.region ? t("admin.regionHint") : t("val.required"));
    if (!isIsoDate(body.effectiveFrom)) ok = !fields.setError("effectiveFrom", body.effectiveFrom ? t("val.date") : t("val.required"));
    const base = parseYuan(v("contributionBaseFen"));
    if (!base.ok) ok = !fields.setError("contributionBaseFen", base.reason === "empty" ? t("val.required") : t("val.yuan"));
    else body.contributionBaseFen = base.fen;
    for (const [name, min, max] of POLICY_INTS) {
      const s = v(/** @type {string} */ (name));
      if (!/^\d{1,6}$/.test(s) || Number(s) < Number(min) || Number(s) > Number(max)) ok = !fields.setError(/** @type {string} */ (name), s ? t("val.range", { min, max }) : t("val.required"));
      else body[/** @type {string} */ (name)] = Number(s);
    }
    if (!ok) return void fields.focusFirstError();
    const res = await api("POST", "/api/admin/policies", { body });
    if (res.status === 201) policiesView({ keepFocus: true, notice: { kind: "success", text: t("admin.policies.created", { region: body.region, date: body.effectiveFrom }) } });
    else showProblem(msg, res, fields);
  });
  page(
    t("admin.nav.policies"),
    opts,
    region,
    rows.length
      ? table(
          [t("admin.policies.region"), t("admin.policies.effectiveFrom"), t("admin.policies.base"), t("admin.policies.rate"), t("admin.policies.lateFee"), t("admin.policies.flexibleShort"), t("admin.policies.maxBackPay"), t("admin.policies.waiting")],
          rows,
          t("admin.policies.caption", { n: rows.length }),
        )
      : h("p", { class: "empty" }, t("admin.policies.empty")),
    form,
  );
  if (opts.notice && opts.seq === navSeq) showMessage(region, { ...opts.notice, focus: true });
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

// ------------------------------------------------------------------ SLA report

/** @param {{ keepFocus?: boolean, from?: string, to?: string }} opts */
async function slaView(opts) {
  opts.seq ??= navSeq;
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
      fields.add({ name: "from", label: t("admin.sla.from"), kind: "date", required: true, value: opts.from ?? `${today.slice(0, 8)}01` }),
      fields.add({ name: "to", label: t("admin.sla.to"), kind: "date", required: true, value: opts.to ?? today }),
    ),
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("admin.sla.show"))),
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
    run();
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

/** @param {HTMLElement} out @param {{ from: string, to: string, rows: any[] }} report */
function renderSla(out, report) {
  if (report.rows.length === 0) {
    replace(out, h("p", { class: "empty", role: "status" }, t("admin.sla.empty", { from: report.from, to: report.to })));
    return;
  }
  const name = (/** @type {any} */ r) => `${r.agency} · ${t(`typeShort.${r.caseType}`)} · ${pick(r.stepLabel) || r.step}`;
  const rows = report.rows;
  const fmt1 = (/** @type {number | null} */ n) => (n === null || n === undefined ? t("common.none") : String(Math.round(n * 10) / 10));
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
    [t("admin.sla.row"), t("admin.sla.open"), t("admin.sla.overdue"), t("admin.sla.completedOnTime"), t("admin.sla.completedLate"), t("admin.sla.rate"), t("admin.sla.median"), t("admin.sla.p90")],
    rows.map((r) => [
      `${r.agencyName ?? r.agency} (${r.agency}) · ${typeLabel(r.caseType)} · ${pick(r.stepLabel) || r.step}`,
      String(r.open),
      String(r.overdue),
      String(r.completedOnTime),
      String(r.completedLate),
      ratePercent(r) === null ? t("common.none") : `${fmt1(ratePercent(r))}%`,
      fmt1(r.medianWorkingDays),
      fmt1(r.p90WorkingDays),
    ]),
    t("admin.sla.caption", { from: report.from, to: report.to }) + (report.asOf ? t("admin.sla.asOf", { date: report.asOf }) : ""),
  );
  replace(out, charts, tbl);
}

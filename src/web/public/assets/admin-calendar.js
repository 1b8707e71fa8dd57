// Administration: the working-day calendar (publish a year).
import { api } from "./api.js";
import { h, listener } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, Fields } from "./ui.js";
import { chinaToday, parseDateList } from "./dates.js";
import { nav, page, showProblem } from "./admin-common.js";
import { monthGrid, unpublishedWarning } from "./admin-calendar-grid.js";

/** @typedef {import("./admin-common.js").ViewOpts} ViewOpts */

// ------------------------------------------------------------------ calendar

/**
 * The year, holidays and make-up working days fields (the lists one date a line).
 * @param {Fields} fields @param {string} year
 */
function scheduleFields(fields, year) {
  const yearField = fields.add({
    name: "year",
    label: t("admin.calendar.year"),
    hint: t("admin.calendar.yearHint"),
    required: true,
    value: year,
    attrs: { inputmode: "numeric", maxlength: 4, autocomplete: "off" },
  });
  const holidaysField = fields.add({
    name: "holidays",
    label: t("admin.calendar.holidays"),
    hint: t("admin.calendar.datesHint"),
    kind: "textarea",
    attrs: { rows: 6, spellcheck: "false" },
  });
  const workdaysField = fields.add({
    name: "workdays",
    label: t("admin.calendar.workdays"),
    hint: t("admin.calendar.workdaysHint"),
    kind: "textarea",
    attrs: { rows: 4, spellcheck: "false" },
  });
  /** @type {HTMLTextAreaElement} */ (fields.control("holidays")).rows = 6;
  /** @type {HTMLTextAreaElement} */ (fields.control("workdays")).rows = 4;
  return { yearField, holidaysField, workdaysField };
}

/** The year typed, or null (and the field's error) when it is not four digits. @param {Fields} fields */
function readYear(fields) {
  const y = String(fields.value("year") ?? "").trim();
  if (!/^\d{4}$/.test(y)) {
    fields.setError("year", t("admin.calendar.yearHint"));
    return null;
  }
  return y;
}

/**
 * The schedule to publish, checked: every date valid and in the year, none in both lists; null
 * when it is not (errors next to the fields).
 * @param {Fields} fields
 */
function readSchedule(fields) {
  const y = readYear(fields);
  const hol = parseDateList(String(fields.value("holidays") ?? ""));
  const wd = parseDateList(String(fields.value("workdays") ?? ""));
  let ok = Boolean(y);
  const check = (/** @type {string} */ name, /** @type {{ dates: string[], bad: string[] }} */ list) => {
    const wrongYear = y ? list.dates.filter((d) => d.slice(0, 4) !== y) : [];
    if (list.bad.length) ok = !fields.setError(name, t("admin.calendar.badDates", { dates: list.bad.join(", ") }));
    else if (wrongYear.length)
      ok = !fields.setError(name, t("admin.calendar.wrongYear", { year: y, dates: wrongYear.join(", ") }));
  };
  check("holidays", hol);
  check("workdays", wd);
  const both = hol.dates.filter((d) => wd.dates.includes(d));
  if (both.length) ok = !fields.setError("workdays", t("admin.calendar.both", { dates: both.join(", ") }));
  return ok ? { year: /** @type {string} */ (y), holidays: hol.dates, workdays: wd.dates } : null;
}

/**
 * Publishes the schedule in the fields (PUT /api/admin/calendar/:year) and shows the view again.
 * @param {Fields} fields @param {HTMLElement} msg
 */
async function publish(fields, msg) {
  fields.clearErrors();
  const schedule = readSchedule(fields);
  if (!schedule) return void fields.focusFirstError();
  const y = schedule.year;
  const res = await api("PUT", `/api/admin/calendar/${y}`, {
    body: { holidays: schedule.holidays, workdays: schedule.workdays },
  });
  if (res.status === 200) {
    void calendarView({
      keepFocus: true,
      year: y,
      notice: {
        kind: "success",
        text: t("admin.calendar.published", {
          year: y,
          holidays: res.body.holidays.length,
          workdays: res.body.workdays.length,
        }),
      },
    });
  } else if (res.status === 422) {
    // The server checks the schedule as a whole ("(body)"): show its reasons with the lists.
    const errs = res.body?.errors ?? [];
    showMessage(msg, {
      kind: "error",
      title: t("err.invalid"),
      details: errs.map((/** @type {any} */ x) => x.message),
      focus: true,
    });
  } else showProblem(msg, res, fields);
}

/** The years published so far. @param {number[]} published */
function publishedYears(published) {
  return h(
    "section",
    { class: "card", "aria-labelledby": "published-heading" },
    h("h2", { id: "published-heading" }, t("admin.calendar.publishedHeading")),
    h("p", null, t("admin.calendar.publishedIntro")),
    h(
      "ul",
      { class: "years", "aria-label": t("admin.calendar.publishedHeading") },
      published.map((y) => h("li", { "data-year": y }, String(y))),
    ),
  );
}

/** @param {ViewOpts} opts */
export async function calendarView(opts) {
  opts.seq ??= nav.seq;
  const r = await api("GET", "/api/admin/calendar");
  const region = h("div", { class: "messages", "aria-live": "polite" });
  if (r.status !== 200) return (page(t("admin.nav.calendar"), opts, region), showProblem(region, r, null));
  const published = /** @type {number[]} */ (r.body.published ?? []);
  const fields = new Fields("calendar");
  const msg = h("div", { class: "form-messages", "aria-live": "polite" });
  const loadedNote = h("p", { class: "hint", role: "status" });
  const nextYear = String(Number(chinaToday().slice(0, 4)) + 1);
  const { yearField, holidaysField, workdaysField } = scheduleFields(fields, opts.year ?? nextYear);
  const grid = monthGrid(
    /** @type {HTMLTextAreaElement} */ (fields.control("holidays")),
    /** @type {HTMLTextAreaElement} */ (fields.control("workdays")),
  );

  // the year's schedule as stored (published, or the rule-based provisional one) into the form
  const load = async () => {
    fields.clearErrors();
    const y = readYear(fields);
    if (!y) return void fields.focusFirstError();
    const res = await api("GET", `/api/admin/calendar/${y}`);
    if (res.status !== 200) return showProblem(msg, res, fields);
    /** @type {HTMLTextAreaElement} */ (fields.control("holidays")).value = res.body.holidays.join("\n");
    /** @type {HTMLTextAreaElement} */ (fields.control("workdays")).value = res.body.workdays.join("\n");
    loadedNote.textContent = res.body.provisional
      ? t("admin.calendar.loadedProvisional", { year: y })
      : t("admin.calendar.loadedPublished", { year: y });
    grid.render(y);
  };

  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", null, t("admin.calendar.publishHeading")),
    h("p", null, t("admin.calendar.publishIntro")),
    h(
      "div",
      { class: "inline-field" },
      yearField,
      h("button", { type: "button", class: "secondary", onClick: load }, t("admin.calendar.load")),
    ),
    loadedNote,
    grid.element,
    holidaysField,
    workdaysField,
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("admin.calendar.publish"))),
  );
  form.addEventListener(
    "submit",
    listener(async (e) => {
      e.preventDefault();
      await publish(fields, msg);
    }),
  );

  page(
    t("admin.nav.calendar"),
    opts,
    region,
    unpublishedWarning(published, chinaToday()),
    publishedYears(published),
    form,
  );
  if (opts.notice && opts.seq === nav.seq) showMessage(region, { ...opts.notice, focus: true });
  // After publishing, show the year as now stored; otherwise the year in the field, as stored now.
  if (opts.seq === nav.seq) await load();
}

// Administration: the working-day calendar as a month grid (a year's twelve months, each day a
// button: a weekday toggles holiday, a weekend day toggles make-up working day, written back to
// the date lists), and the warning from 1 November on while next year is not yet published.
import { h, replace } from "./dom.js";
import { t } from "./i18n.js";
import { parseDateList } from "./dates.js";

const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
/** Day of week (0 = Sunday) of a plain date, in UTC arithmetic: no time zone moves it. */
const weekday = (/** @type {number} */ y, /** @type {number} */ m, /** @type {number} */ d) =>
  new Date(Date.UTC(y, m - 1, d)).getUTCDay();
const daysIn = (/** @type {number} */ y, /** @type {number} */ m) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * A warning when it is November or December (China date `today`) and next year is not published.
 * @param {number[]} published @param {string} today
 */
export function unpublishedWarning(published, today) {
  const year = Number(today.slice(0, 4));
  if (Number(today.slice(5, 7)) < 11 || published.includes(year + 1)) return null;
  return h(
    "div",
    { class: "note note-warning calendar-warning", role: "alert" },
    h("p", { class: "note-title" }, t("calGrid.warningTitle", { year: year + 1 })),
    h("p", null, t("calGrid.warningText", { year: year + 1 })),
  );
}

/**
 * One day's cell: its number and mark, coloured by kind; a click toggles it.
 * @param {string} date @param {number} d day of month @param {boolean} weekend
 * @param {"holiday" | "workday" | "weekend" | "normal"} kind
 * @param {(date: string, weekend: boolean) => void} toggle
 */
function dayCell(date, d, weekend, kind, toggle) {
  return h(
    "td",
    { class: `day day-${kind}` },
    h(
      "button",
      {
        type: "button",
        "data-date": date,
        "aria-label": `${date} ${t(`calGrid.kind.${kind}`)}`,
        title: t(`calGrid.kind.${kind}`),
        onClick: () => toggle(date, weekend),
      },
      String(d),
      kind === "holiday" ? h("span", { class: "day-mark", "aria-hidden": "true" }, t("calGrid.markHoliday")) : null,
      kind === "workday" ? h("span", { class: "day-mark", "aria-hidden": "true" }, t("calGrid.markWorkday")) : null,
    ),
  );
}

/**
 * One month as a table, Monday first.
 * @param {number} year @param {number} m @param {{ holidays: Set<string>, workdays: Set<string> }} lists
 * @param {HTMLElement[]} heads the weekday headers (cloned) @param {(date: string, weekend: boolean) => void} toggle
 */
function monthTable(year, m, { holidays, workdays }, heads, toggle) {
  const cells = [];
  const lead = (weekday(year, m, 1) + 6) % 7; // Monday first
  for (let i = 0; i < lead; i++) cells.push(h("td"));
  for (let d = 1; d <= daysIn(year, m); d++) {
    const date = `${year}-${pad(m)}-${pad(d)}`;
    const weekend = [0, 6].includes(weekday(year, m, d));
    const kind = holidays.has(date) ? "holiday" : workdays.has(date) ? "workday" : weekend ? "weekend" : "normal";
    cells.push(dayCell(date, d, weekend, kind, toggle));
  }
  const rows = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(h("tr", null, cells.slice(i, i + 7)));
  return h(
    "table",
    { class: "month" },
    h("caption", null, t("calGrid.month", { year, month: m })),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        heads.map((x) => x.cloneNode(true)),
      ),
    ),
    h("tbody", null, rows),
  );
}

/** What the colours mean, and how to change a day. */
function gridLegend() {
  return h(
    "p",
    { class: "calendar-legend" },
    h("span", { class: "day-holiday legend-swatch" }, t("calGrid.kind.holiday")),
    h("span", { class: "day-workday legend-swatch" }, t("calGrid.kind.workday")),
    h("span", { class: "day-weekend legend-swatch" }, t("calGrid.kind.weekend")),
    " ",
    t("calGrid.help"),
  );
}

/**
 * The grid of `year` from the two lists; a click changes the lists (textareas) and redraws.
 * @param {HTMLTextAreaElement} holidaysArea @param {HTMLTextAreaElement} workdaysArea
 */
export function monthGrid(holidaysArea, workdaysArea) {
  const slot = h("div", { class: "month-grid", "aria-live": "off" });
  let year = 0;

  const lists = () => ({
    holidays: new Set(parseDateList(holidaysArea.value).dates),
    workdays: new Set(parseDateList(workdaysArea.value).dates),
  });
  const write = (/** @type {Set<string>} */ hol, /** @type {Set<string>} */ wd) => {
    holidaysArea.value = [...hol].sort().join("\n");
    workdaysArea.value = [...wd].sort().join("\n");
  };

  function render(/** @type {string | number} */ y) {
    year = Number(y);
    if (!Number.isInteger(year) || year < 1900 || year > 9999) return void replace(slot);
    const current = lists();
    const heads = [1, 2, 3, 4, 5, 6, 0].map((d) =>
      h("th", { scope: "col", abbr: t(`weekday.${d}`) }, t(`calGrid.wd.${d}`)),
    );
    const months = [];
    for (let m = 1; m <= 12; m++) months.push(monthTable(year, m, current, heads, toggle));
    replace(slot, gridLegend(), h("div", { class: "months" }, months));
  }

  function toggle(/** @type {string} */ date, /** @type {boolean} */ weekend) {
    const { holidays, workdays } = lists();
    if (holidays.has(date)) holidays.delete(date);
    else if (workdays.has(date)) workdays.delete(date);
    else if (weekend) workdays.add(date);
    else holidays.add(date);
    write(holidays, workdays);
    render(year);
    /** @type {HTMLElement | null} */ (slot.querySelector(`button[data-date="${date}"]`))?.focus();
  }

  holidaysArea.addEventListener("input", () => render(year));
  workdaysArea.addEventListener("input", () => render(year));
  return { element: slot, render };
}

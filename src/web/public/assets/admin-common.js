// Administration: what every view shares (the view element, the navigation counter, the signed-in
// admin, the page frame, tables, and how a failed reply is shown).
import { h, replace } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, problemMessage } from "./ui.js";
/** @typedef {import("./ui.js").Fields} Fields */

/**
 * Options of a view: keep focus where it is (a re-render), a notice to show, the navigation
 * number it was started under, and the view's own fields.
 * @typedef {{ keepFocus?: boolean, notice?: any, seq?: number, year?: string, from?: string, to?: string }} ViewOpts
 */

export const view = /** @type {HTMLElement} */ (document.getElementById("view"));

/** Bumped on every navigation: a view whose data arrives after the user moved on is dropped. */
export const nav = { seq: 0 };

/** The signed-in admin (GET /api/me), or null. */
export const state = { me: /** @type {any} */ (null) };

/**
 * Render a view, unless the user has navigated elsewhere since it started loading.
 * @param {string} title @param {{ keepFocus?: boolean, seq?: number }} opts @param {...any} parts
 */
export function page(title, opts, ...parts) {
  if (opts.seq !== undefined && opts.seq !== nav.seq) return;
  replace(view, h("h1", { tabindex: "-1" }, title), ...parts);
  if (!opts.keepFocus) /** @type {HTMLElement} */ (view.querySelector("h1")).focus();
}

/** @param {string[]} head @param {any[][]} rows @param {string} caption */
export function table(head, rows, caption) {
  return h(
    "div",
    { class: "table-scroll", tabindex: "0", role: "region", "aria-label": caption },
    h(
      "table",
      { class: "data" },
      h("caption", null, caption),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          head.map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      h(
        "tbody",
        null,
        rows.map((r) =>
          h(
            "tr",
            null,
            r.map((cell, i) => (i === 0 ? h("th", { scope: "row" }, cell) : h("td", null, cell))),
          ),
        ),
      ),
    ),
  );
}

/** Report a failed reply in a region: field errors next to fields, the rest as a message. */
export function showProblem(
  /** @type {HTMLElement} */ region,
  /** @type {any} */ r,
  /** @type {Fields | null} */ fields,
) {
  if (r.status === 401) return;
  if (r.status === 422 && fields) {
    const unmatched = fields.applyServerErrors(r.body?.errors ?? []);
    showMessage(region, {
      kind: "error",
      title: t("err.invalid"),
      details: unmatched.map((/** @type {any} */ e) => `${e.path}: ${e.message}`),
    });
    if (!fields.focusFirstError()) /** @type {HTMLElement} */ (region.firstElementChild)?.focus();
    return;
  }
  showMessage(region, { ...problemMessage(r), focus: true });
}

// Administration: the administrative audit (GET /api/admin/audit-log): who changed users,
// agencies, the calendar, policies and webhooks, newest first, filtered by action and China
// dates, "load more", and the CSV export (fetched with the token, which a plain link would not send).
import { api, getSession } from "./api.js";
import { h, replace } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, clearMessage, formatInstant } from "./ui.js";
import { nav, page, showProblem } from "./admin-common.js";
import { auditActions } from "./vocabulary.js";

/** @typedef {import("./admin-common.js").ViewOpts} ViewOpts */

/** "before → after" as JSON text; "—" for a side that did not exist. @param {any} e */
const change = (e) => {
  const fmt = (/** @type {unknown} */ v) => (v === null || v === undefined ? "—" : JSON.stringify(v));
  return `${fmt(e.before)} → ${fmt(e.after)}`;
};

/** One entry of the log as a table row. @param {any} e */
const auditRow = (e) =>
  h(
    "tr",
    null,
    h("td", null, formatInstant(e.at)),
    h("td", null, e.actor.username),
    h("td", null, h("code", null, e.action)),
    h("td", null, e.target),
    h("td", { class: "audit-change" }, change(e)),
  );

/**
 * Downloads the log's CSV with the filters of `query`, fetched with the token (a plain link
 * would not send it); a failure is shown in `region`.
 * @param {URLSearchParams} query @param {HTMLElement} region
 */
async function exportCsv(query, region) {
  const session = getSession();
  const res = await fetch(`/api/admin/audit-log.csv?${query.toString()}`, {
    headers: session ? { authorization: `Bearer ${session.token}` } : {},
    credentials: "omit",
  });
  if (!res.ok) return showMessage(region, { kind: "error", text: String(res.status), focus: true });
  const url = URL.createObjectURL(await res.blob());
  const a = h("a", { href: url, download: "admin-audit.csv" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The filter controls: action (the server's list), from and to (China dates).
 * @returns {Promise<{ action: HTMLSelectElement, from: HTMLInputElement, to: HTMLInputElement }>}
 */
async function filterControls() {
  const action = /** @type {HTMLSelectElement} */ (
    h(
      "select",
      { id: "audit-action", name: "action" },
      h("option", { value: "" }, t("audit.allActions")),
      (await auditActions()).map((a) => h("option", { value: a }, a)),
    )
  );
  const from = /** @type {HTMLInputElement} */ (h("input", { id: "audit-from", name: "from", type: "date" }));
  const to = /** @type {HTMLInputElement} */ (h("input", { id: "audit-to", name: "to", type: "date" }));
  return { action, from, to };
}

/** The filters as query parameters. @param {{ action: HTMLSelectElement, from: HTMLInputElement, to: HTMLInputElement }} c */
function filterQuery(c) {
  const q = new URLSearchParams();
  if (c.action.value) q.set("action", c.action.value);
  if (c.from.value) q.set("from", c.from.value);
  if (c.to.value) q.set("to", c.to.value);
  return q;
}

/**
 * The filter form: submitting filters the list, the CSV button exports it as filtered.
 * @param {{ action: HTMLSelectElement, from: HTMLInputElement, to: HTMLInputElement }} c
 * @param {() => void} filter @param {() => void} csv
 */
function filterForm(c, filter, csv) {
  return h(
    "form",
    {
      class: "filters",
      novalidate: true,
      onSubmit: (/** @type {Event} */ e) => (e.preventDefault(), filter()),
    },
    h("p", null, h("label", { for: "audit-action" }, t("audit.action")), c.action),
    h("p", null, h("label", { for: "audit-from" }, t("audit.from")), c.from),
    h("p", null, h("label", { for: "audit-to" }, t("audit.to")), c.to),
    h(
      "p",
      { class: "actions" },
      h("button", { type: "submit", class: "primary" }, t("audit.filter")),
      h("button", { type: "button", class: "secondary", onClick: csv }, t("audit.csv")),
    ),
  );
}

/** The log's table around its body. @param {HTMLElement} body */
function auditTable(body) {
  const heads = [t("audit.at"), t("audit.actor"), t("audit.action"), t("audit.target"), t("audit.change")];
  return h(
    "div",
    { class: "table-scroll", tabindex: "0", role: "region", "aria-label": t("admin.nav.audit") },
    h(
      "table",
      { class: "data" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          heads.map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      body,
    ),
  );
}

/** @param {ViewOpts} opts */
export async function auditView(opts) {
  opts.seq ??= nav.seq;
  const region = h("div", { class: "messages", "aria-live": "polite" });
  const controls = await filterControls();
  const body = h("tbody");
  const more = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "secondary", hidden: true }, t("audit.more"))
  );
  /** @type {number | null} */
  let cursor = null;

  // a page of 50 entries: the first (replacing the list) or the next ("load more")
  const load = async (/** @type {boolean} */ append) => {
    const q = filterQuery(controls);
    q.set("limit", "50");
    if (append && cursor !== null) q.set("cursor", String(cursor));
    const r = await api("GET", `/api/admin/audit-log?${q.toString()}`);
    if (r.status !== 200) return showProblem(region, r, null);
    clearMessage(region);
    if (!append) replace(body);
    for (const e of r.body.items) body.append(auditRow(e));
    if (!body.children.length) body.append(h("tr", null, h("td", { colspan: "5" }, t("audit.empty"))));
    cursor = r.body.nextCursor;
    more.hidden = cursor === null;
  };
  more.addEventListener("click", () => void load(true));

  const filters = filterForm(
    controls,
    () => void load(false),
    () => void exportCsv(filterQuery(controls), region),
  );
  page(
    t("admin.nav.audit"),
    opts,
    h("p", null, t("audit.intro")),
    filters,
    region,
    auditTable(body),
    h("p", null, more),
  );
  await load(false);
}

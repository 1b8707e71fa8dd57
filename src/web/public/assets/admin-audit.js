// Administration: the administrative audit (GET /api/admin/audit-log): who changed users,
// agencies, the calendar, policies and webhooks, newest first, filtered by action and China
// dates, "load more", and the CSV export (fetched with the token, which a plain link would not send).
import { api, getSession } from "./api.js";
import { h, replace } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, clearMessage, formatInstant } from "./ui.js";
import { nav, page, showProblem } from "./admin-common.js";

/** @typedef {import("./admin-common.js").ViewOpts} ViewOpts */

const ACTIONS = [
  "user.created",
  "user.password_reset",
  "user.password_changed",
  "user.disabled",
  "user.enabled",
  "user.role_changed",
  "agency.created",
  "agency.renamed",
  "agency.limits_changed",
  "agency.region_changed",
  "calendar.published",
  "policy.added",
  "webhook.created",
  "webhook.changed",
  "webhook.deleted",
];

/** "before → after" as JSON text; "—" for a side that did not exist. @param {any} e */
const change = (e) => {
  const fmt = (/** @type {unknown} */ v) => (v === null || v === undefined ? "—" : JSON.stringify(v));
  return `${fmt(e.before)} → ${fmt(e.after)}`;
};

/** @param {ViewOpts} opts */
export async function auditView(opts) {
  opts.seq ??= nav.seq;
  const region = h("div", { class: "messages", "aria-live": "polite" });
  const action = /** @type {HTMLSelectElement} */ (
    h(
      "select",
      { id: "audit-action", name: "action" },
      h("option", { value: "" }, t("audit.allActions")),
      ACTIONS.map((a) => h("option", { value: a }, a)),
    )
  );
  const from = /** @type {HTMLInputElement} */ (h("input", { id: "audit-from", name: "from", type: "date" }));
  const to = /** @type {HTMLInputElement} */ (h("input", { id: "audit-to", name: "to", type: "date" }));
  const body = h("tbody");
  const more = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "secondary", hidden: true }, t("audit.more"))
  );
  /** @type {number | null} */
  let cursor = null;

  const query = () => {
    const q = new URLSearchParams();
    if (action.value) q.set("action", action.value);
    if (from.value) q.set("from", from.value);
    if (to.value) q.set("to", to.value);
    return q;
  };

  const load = async (/** @type {boolean} */ append) => {
    const q = query();
    q.set("limit", "50");
    if (append && cursor !== null) q.set("cursor", String(cursor));
    const r = await api("GET", `/api/admin/audit-log?${q.toString()}`);
    if (r.status !== 200) return showProblem(region, r, null);
    clearMessage(region);
    if (!append) replace(body);
    for (const e of r.body.items) {
      body.append(
        h(
          "tr",
          null,
          h("td", null, formatInstant(e.at)),
          h("td", null, e.actor.username),
          h("td", null, h("code", null, e.action)),
          h("td", null, e.target),
          h("td", { class: "audit-change" }, change(e)),
        ),
      );
    }
    if (!body.children.length) body.append(h("tr", null, h("td", { colspan: "5" }, t("audit.empty"))));
    cursor = r.body.nextCursor;
    more.hidden = cursor === null;
  };
  more.addEventListener("click", () => void load(true));

  const exportCsv = async () => {
    const session = getSession();
    const res = await fetch(`/api/admin/audit-log.csv?${query().toString()}`, {
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
  };

  const filters = h(
    "form",
    {
      class: "filters",
      novalidate: true,
      onSubmit: (/** @type {Event} */ e) => (e.preventDefault(), void load(false)),
    },
    h("p", null, h("label", { for: "audit-action" }, t("audit.action")), action),
    h("p", null, h("label", { for: "audit-from" }, t("audit.from")), from),
    h("p", null, h("label", { for: "audit-to" }, t("audit.to")), to),
    h(
      "p",
      { class: "actions" },
      h("button", { type: "submit", class: "primary" }, t("audit.filter")),
      h("button", { type: "button", class: "secondary", onClick: () => void exportCsv() }, t("audit.csv")),
    ),
  );
  const heads = [t("audit.at"), t("audit.actor"), t("audit.action"), t("audit.target"), t("audit.change")];
  const tableEl = h(
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
  page(t("admin.nav.audit"), opts, h("p", null, t("audit.intro")), filters, region, tableEl, h("p", null, more));
  await load(false);
}

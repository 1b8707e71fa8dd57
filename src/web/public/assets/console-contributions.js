// The case page's contribution record (docs/contributions.md): GET /api/cases/{id}/contributions,
// what the record says today (months paid and deemed, continuity, gaps, arrears, the account's
// balance, for pension the wages since 1998 and the pooled share) and its months, newest first,
// corrections with their reason. Amounts in yuan.
import { api } from "./api.js";
import { h, replace, listener } from "./dom.js";
import { t } from "./i18n.js";
import { formatDate, problemMessage, showMessage } from "./ui.js";
import { formatFen } from "./money.js";

/** Months shown before "show more": a year. */
const FIRST_PAGE = 12;

/** @param {string} term @param {any} value @param {string} key */
function fact(term, value, key) {
  return h("div", { class: "fact", "data-contrib": key }, h("dt", null, term), h("dd", null, value));
}

/**
 * What one agency's record says. @param {any} d the derived record @param {string} insurance
 * @returns {HTMLElement}
 */
function totals(d, insurance) {
  const months = (/** @type {number} */ n) => t("contrib.monthUnit", { n });
  const gaps = d.gaps.length
    ? h(
        "ul",
        { class: "plain" },
        d.gaps.map((/** @type {any} */ g) => h("li", null, t("contrib.gapValue", g))),
      )
    : t("contrib.none");
  const arrears = d.arrears.months.length
    ? t("contrib.arrearsValue", { total: formatFen(d.arrears.totalFen), months: d.arrears.months.length })
    : t("contrib.none");
  return h(
    "dl",
    { class: "facts" },
    fact(t("contrib.monthsActual"), months(d.contributionMonths.actual), "actual"),
    fact(t("contrib.monthsDeemed"), months(d.contributionMonths.deemed), "deemed"),
    fact(t("contrib.continuous"), months(d.continuousMonths), "continuous"),
    fact(
      t("contrib.period"),
      d.firstMonth ? t("contrib.periodValue", { first: d.firstMonth, last: d.lastMonth }) : t("contrib.none"),
      "period",
    ),
    fact(t("contrib.gaps"), gaps, "gaps"),
    fact(t("contrib.arrears"), arrears, "arrears"),
    fact(t("contrib.balance"), formatFen(d.accountBalanceFen), "balance"),
    insurance === "pension" ? fact(t("contrib.wages"), formatFen(d.contributionWagesSince1998Fen), "wages") : null,
    insurance === "pension" ? fact(t("contrib.pooled"), formatFen(d.pooledShareFen), "pooled") : null,
  );
}

/** One row of the months table. @param {any} m */
function monthRow(m) {
  const note = [
    m.reason ? (m.source === "correction" ? t("contrib.corrected", { reason: m.reason }) : m.reason) : null,
    m.fromAgency ? t("contrib.fromAgency", { agency: m.fromAgency }) : null,
    m.payer === "flexible" ? t("contrib.flexible") : m.employerCreditCode,
    m.superseded ? t("contrib.superseded") : null,
  ].filter(Boolean);
  return h(
    "tr",
    { class: m.superseded ? "contrib-superseded" : null, "data-month": m.month },
    h("th", { scope: "row", class: "mono" }, m.month),
    h("td", null, t(`contrib.status.${m.status}`)),
    ...[m.baseFen, m.employerFen, m.individualFen, m.accountCreditFen].map((fen) =>
      h("td", { class: "num" }, formatFen(fen)),
    ),
    h("td", null, t(`contrib.source.${m.source}`)),
    h("td", { class: "small" }, note.join("；")),
  );
}

/** The months table, and a button that loads the next page. @param {any[]} items */
function monthsTable(items) {
  const cols = ["month", "status", "base", "employer", "individual", "credit", "source", "note"];
  return h(
    "div",
    { class: "table-scroll", tabindex: "0", role: "region", "aria-label": t("contrib.tableLabel") },
    h(
      "table",
      { class: "queue contrib-table" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          cols.map((c) => h("th", { scope: "col" }, t(`contrib.col.${c}`))),
        ),
      ),
      h("tbody", null, items.map(monthRow)),
    ),
  );
}

/**
 * The card; it loads the record itself (a missing record is said, a failure shown in the card).
 * @param {any} c the case view @param {"staff" | "admin"} role
 */
export function contributionsCard(c, role) {
  const body = h("div", null, h("p", { class: "muted", role: "status" }, t("common.loading")));
  /** @type {any[]} */
  let items = [];
  const load = async (/** @type {string | null} */ cursor) => {
    // the latest year first; more on request
    const query = cursor ? `?limit=120&cursor=${cursor}` : `?limit=${FIRST_PAGE}`;
    const r = await api("GET", `/api/cases/${c.id}/contributions${query}`);
    if (r.status !== 200) {
      if (r.status !== 401) showMessage(body, problemMessage(r));
      return;
    }
    items = cursor ? [...items, ...r.body.items] : r.body.items;
    render(r.body);
  };
  const render = (/** @type {any} */ rec) => {
    const many = rec.totals.length > 1 || role === "admin";
    const empty = role !== "admin" && items.length === 0;
    replace(
      body,
      ...rec.totals.map((/** @type {any} */ x) =>
        h(
          "div",
          { class: "contrib-totals", "data-agency": x.agency },
          h(
            "p",
            { class: "muted small" },
            many
              ? t("contrib.asOfAgency", { agency: x.agency, date: formatDate(rec.asOf) })
              : t("contrib.asOf", { date: formatDate(rec.asOf) }),
          ),
          empty ? null : totals(x.derived, rec.insurance),
        ),
      ),
      role === "admin" ? h("p", { class: "hint" }, t("contrib.adminNote")) : null,
      empty
        ? h(
            "p",
            { class: "note note-warning" },
            t("contrib.empty"),
            " ",
            h("a", { href: "#/contributions/import" }, t("contrib.importLink")),
          )
        : null,
      items.length ? h("h3", null, t("contrib.months")) : null,
      items.length ? monthsTable(items) : null,
      rec.nextCursor
        ? h(
            "p",
            null,
            h(
              "button",
              { type: "button", class: "secondary", onClick: listener(() => load(rec.nextCursor)) },
              t("contrib.more"),
            ),
          )
        : null,
    );
  };
  void load(null);
  return h(
    "section",
    { class: "card contrib-card", "aria-labelledby": "sec-contributions" },
    h("h2", { id: "sec-contributions" }, t("contrib.heading")),
    body,
  );
}

// Administration: API clients (service accounts) of an agency, e.g. the national medical insurance
// service platform filing online applications. Create one (its key is shown this once), see the
// list with last use, what one recorded, and revoke one.
import { api } from "./api.js";
import { h, listener } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, Fields, formatDate } from "./ui.js";
import { nav, page, table, showProblem } from "./admin-common.js";

/** @typedef {import("./admin-common.js").ViewOpts} ViewOpts */

const EVENT_TYPE = /^[A-Z][A-Z_]{0,63}$/;

/** @param {string | null} iso */
function when(iso) {
  return iso ? `${formatDate(iso.slice(0, 10))} ${iso.slice(11, 16)} UTC` : t("apiClients.never");
}

/**
 * One client as a table row, with its buttons: the events it recorded, and revoke (while active).
 * @param {any} c the client @param {HTMLElement} region where a refusal is shown
 */
function clientRow(c, region) {
  return [
    c.name,
    c.agencyCode,
    c.events.join(", "),
    c.active ? t("apiClients.active") : t("apiClients.revokedOn", { when: when(c.revokedAt) }),
    when(c.lastUsedAt),
    h(
      "span",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          "data-client": String(c.id),
          onclick: listener(async () => void apiClientsView({ keepFocus: true, eventsOf: c.id })),
        },
        t("apiClients.showEvents"),
      ),
      c.active
        ? h(
            "button",
            { type: "button", class: "danger", onclick: listener(() => revoke(c, region)) },
            t("apiClients.revoke"),
          )
        : null,
    ),
  ];
}

/** Revokes a client once confirmed. @param {any} c the client @param {HTMLElement} region */
async function revoke(c, region) {
  if (!window.confirm(t("apiClients.confirmRevoke", { name: c.name }))) return;
  const res = await api("DELETE", `/api/admin/api-clients/${c.id}`);
  if (res.status === 200)
    void apiClientsView({
      keepFocus: true,
      notice: { kind: "success", text: t("apiClients.revoked", { name: c.name }) },
    });
  else showProblem(region, res, null);
}

/**
 * The events one client recorded (the latest 100), or null when they cannot be had.
 * @param {any[]} items the clients @param {number} id the client's id
 */
async function clientEvents(items, id) {
  const client = items.find((/** @type {any} */ c) => c.id === id);
  const ev = await api("GET", `/api/admin/api-clients/${id}/events?limit=100`);
  if (ev.status !== 200 || !client) return null;
  if (!ev.body.items.length) return h("p", { class: "empty" }, t("apiClients.noEvents", { name: client.name }));
  return table(
    [t("apiClients.case"), t("apiClients.event"), t("apiClients.transition"), t("apiClients.occurredOn")],
    ev.body.items.map((/** @type {any} */ e) => [
      e.caseNumber,
      e.type,
      `${e.fromState ?? "—"} → ${e.toState}`,
      formatDate(e.occurredOn),
    ]),
    t("apiClients.eventsCaption", { name: client.name }),
  );
}

/**
 * The body of POST /api/admin/api-clients; null when a field is invalid (shown next to it).
 * @param {Fields} fields
 */
function newClientBody(fields) {
  const v = (/** @type {string} */ n) => String(fields.value(n) ?? "").trim();
  const body = {
    name: v("name"),
    agencyCode: v("agencyCode"),
    events: v("events")
      .split(/[\s,，]+/)
      .filter(Boolean),
  };
  let ok = true;
  if (!body.name) ok = !fields.setError("name", t("val.required"));
  if (!body.agencyCode) ok = !fields.setError("agencyCode", t("val.required"));
  if (body.events.length === 0 || !body.events.every((x) => EVENT_TYPE.test(x)))
    ok = !fields.setError("events", body.events.length ? t("apiClients.eventsHint") : t("val.required"));
  return ok ? body : null;
}

/** The form that creates a client: name, agency, the events it may record. */
function newClientForm() {
  const fields = new Fields("api-client-new");
  const msg = h("div", { class: "form-messages", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", null, t("apiClients.create")),
    h(
      "div",
      { class: "filter-grid" },
      fields.add({ name: "name", label: t("apiClients.name"), required: true, attrs: { maxlength: 100 } }),
      fields.add({
        name: "agencyCode",
        label: t("apiClients.agency"),
        required: true,
        attrs: { maxlength: 32, autocomplete: "off" },
      }),
      fields.add({
        name: "events",
        label: t("apiClients.events"),
        hint: t("apiClients.eventsHint"),
        required: true,
        value: "CASE_OPENED, APPLY_ONLINE",
        attrs: { autocomplete: "off" },
      }),
    ),
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("apiClients.submit"))),
  );
  form.addEventListener(
    "submit",
    listener(async (e) => {
      e.preventDefault();
      fields.clearErrors();
      const body = newClientBody(fields);
      if (!body) return void fields.focusFirstError();
      const res = await api("POST", "/api/admin/api-clients", { body });
      if (res.status === 201) void apiClientsView({ keepFocus: true, created: res.body });
      else showProblem(msg, res, fields);
    }),
  );
  return form;
}

/** The key of a client just created: shown this once. @param {any} created */
function keyCard(created) {
  return h(
    "div",
    { class: "card", role: "status", id: "api-client-key" },
    h("h2", null, t("apiClients.keyTitle", { name: created.name })),
    h("p", null, t("apiClients.keyOnce")),
    h("pre", { class: "secret" }, h("code", null, created.key)),
  );
}

/** @param {ViewOpts & { created?: any, eventsOf?: number }} opts */
export async function apiClientsView(opts) {
  opts.seq ??= nav.seq;
  const r = await api("GET", "/api/admin/api-clients");
  const region = h("div", { class: "messages", "aria-live": "polite" });
  if (r.status !== 200) return (page(t("admin.nav.apiClients"), opts, region), showProblem(region, r, null));
  const items = r.body.items;
  const rows = items.map((/** @type {any} */ c) => clientRow(c, region));
  const eventsPart = opts.eventsOf !== undefined ? await clientEvents(items, opts.eventsOf) : null;
  const form = newClientForm();
  page(
    t("admin.nav.apiClients"),
    opts,
    region,
    opts.created ? keyCard(opts.created) : null,
    rows.length
      ? table(
          [
            t("apiClients.name"),
            t("apiClients.agency"),
            t("apiClients.events"),
            t("apiClients.status"),
            t("apiClients.lastUsed"),
            t("apiClients.actions"),
          ],
          rows,
          t("apiClients.caption", { n: rows.length }),
        )
      : h("p", { class: "empty" }, t("apiClients.empty")),
    eventsPart,
    form,
  );
  if (opts.notice && opts.seq === nav.seq) showMessage(region, { ...opts.notice, focus: true });
}

// Administration: staff accounts.
import { api } from "./api.js";
import { h, listener } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, Fields } from "./ui.js";
import { nav, state, page, table, showProblem } from "./admin-common.js";
import { roles } from "./vocabulary.js";

/** @typedef {import("./admin-common.js").ViewOpts} ViewOpts */

// ------------------------------------------------------------------ users

/**
 * One account as a table row, with the button that disables or enables it (not on my own).
 * @param {any} u the user @param {HTMLElement} region where a refusal is shown
 */
function userRow(u, region) {
  return [
    u.username,
    t(`role.${u.role}`),
    u.agencyCode ?? t("common.none"),
    h(
      "span",
      { class: `badge ${u.disabled ? "badge-neutral" : "badge-success"}` },
      u.disabled ? t("admin.users.disabled") : t("admin.users.active"),
    ),
    u.id === state.me?.id
      ? h("span", { class: "muted small" }, t("admin.users.you"))
      : h(
          "button",
          { type: "button", class: "secondary small", onClick: () => void toggleDisabled(u, region) },
          u.disabled ? t("admin.users.enable", { user: u.username }) : t("admin.users.disable", { user: u.username }),
        ),
  ];
}

/** @param {any} u the user @param {HTMLElement} region */
async function toggleDisabled(u, region) {
  const res = await api("PATCH", `/api/admin/users/${encodeURIComponent(u.username)}`, {
    body: { disabled: !u.disabled },
  });
  if (res.status === 200)
    void usersView({
      keepFocus: true,
      notice: {
        kind: "success",
        text: t(res.body.disabled ? "admin.users.nowDisabled" : "admin.users.nowEnabled", {
          user: u.username,
        }),
      },
    });
  else showProblem(region, res, null);
}

/**
 * The new account's fields: username, password, role (the server's roles), agency.
 * @param {Fields} fields @param {any[]} agencies @param {string[]} roleList
 */
function newUserFields(fields, agencies, roleList) {
  return h(
    "div",
    { class: "filter-grid" },
    fields.add({
      name: "username",
      label: t("admin.users.username"),
      hint: t("admin.users.usernameHint"),
      required: true,
      attrs: { autocomplete: "off", spellcheck: "false", maxlength: 64 },
    }),
    fields.add({
      name: "password",
      label: t("admin.users.password"),
      hint: t("admin.users.passwordHint"),
      kind: "password",
      required: true,
      attrs: { autocomplete: "new-password", maxlength: 256 },
    }),
    fields.add({
      name: "role",
      label: t("admin.users.role"),
      kind: "select",
      required: true,
      value: "staff",
      options: roleList.map((role) => ({ value: role, label: t(`role.${role}`) })),
    }),
    fields.add({
      name: "agencyCode",
      label: t("admin.users.agency"),
      hint: t("admin.users.agencyHint"),
      kind: "select",
      options: [
        { value: "", label: t("form.choose") },
        ...agencies.map((/** @type {any} */ a) => ({ value: a.code, label: `${a.name} (${a.code})` })),
      ],
    }),
  );
}

/**
 * The body of POST /api/admin/users from the fields; null when one is invalid (shown next to it).
 * @param {Fields} fields
 */
function newUserBody(fields) {
  const v = (/** @type {string} */ n) => String(fields.value(n) ?? "").trim();
  let ok = true;
  if (!/^[A-Za-z0-9_.-]{3,64}$/.test(v("username")))
    ok = !fields.setError("username", v("username") ? t("admin.users.usernameHint") : t("val.required"));
  if (String(fields.value("password") ?? "").length < 12)
    ok = !fields.setError("password", t("admin.users.passwordHint"));
  if (v("role") === "staff" && !v("agencyCode")) ok = !fields.setError("agencyCode", t("admin.users.agencyHint"));
  if (!ok) return null;
  return {
    username: v("username"),
    password: String(fields.value("password")),
    role: v("role"),
    ...(v("role") === "staff" ? { agencyCode: v("agencyCode") } : {}),
  };
}

/** The form that creates an account. @param {any[]} agencies @param {string[]} roleList */
function newUserForm(agencies, roleList) {
  const fields = new Fields("user-new");
  const msg = h("div", { class: "form-messages", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", null, t("admin.users.create")),
    newUserFields(fields, agencies, roleList),
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("admin.users.submit"))),
  );
  form.addEventListener(
    "submit",
    listener(async (e) => {
      e.preventDefault();
      fields.clearErrors();
      const body = newUserBody(fields);
      if (!body) return void fields.focusFirstError();
      const res = await api("POST", "/api/admin/users", { body });
      if (res.status === 201)
        void usersView({
          keepFocus: true,
          notice: { kind: "success", text: t("admin.users.created", { user: res.body.username }) },
        });
      else showProblem(msg, res, fields);
    }),
  );
  return form;
}

/** @param {ViewOpts} opts */
export async function usersView(opts) {
  opts.seq ??= nav.seq;
  const [r, ar, roleList] = await Promise.all([
    api("GET", "/api/admin/users"),
    api("GET", "/api/admin/agencies"),
    roles(),
  ]);
  const region = h("div", { class: "messages", "aria-live": "polite" });
  if (r.status !== 200) return (page(t("admin.nav.users"), opts, region), showProblem(region, r, null));
  const agencies = ar.status === 200 ? ar.body.items : [];
  const rows = r.body.items.map((/** @type {any} */ u) => userRow(u, region));
  page(
    t("admin.nav.users"),
    opts,
    region,
    table(
      [
        t("admin.users.username"),
        t("admin.users.role"),
        t("admin.users.agency"),
        t("admin.users.status"),
        t("common.actions"),
      ],
      rows,
      t("admin.users.caption", { n: rows.length }),
    ),
    newUserForm(agencies, roleList),
  );
  if (opts.notice && opts.seq === nav.seq) showMessage(region, { ...opts.notice, focus: true });
}

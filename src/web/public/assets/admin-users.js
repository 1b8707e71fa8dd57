// Administration: staff accounts.
import { api } from "./api.js";
import { h, listener } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, Fields } from "./ui.js";
import { nav, state, page, table, showProblem } from "./admin-common.js";

/** @typedef {import("./admin-common.js").ViewOpts} ViewOpts */

// ------------------------------------------------------------------ users

/** @param {ViewOpts} opts */
export async function usersView(opts) {
  opts.seq ??= nav.seq;
  const [r, ar] = await Promise.all([api("GET", "/api/admin/users"), api("GET", "/api/admin/agencies")]);
  const region = h("div", { class: "messages", "aria-live": "polite" });
  if (r.status !== 200) return (page(t("admin.nav.users"), opts, region), showProblem(region, r, null));
  const agencies = ar.status === 200 ? ar.body.items : [];
  const rows = r.body.items.map((/** @type {any} */ u) => [
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
          {
            type: "button",
            class: "secondary small",
            onClick: async () => {
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
        options: [
          { value: "staff", label: t("role.staff") },
          { value: "admin", label: t("role.admin") },
        ],
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
    ),
    msg,
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("admin.users.submit"))),
  );
  form.addEventListener(
    "submit",
    listener(async (e) => {
      e.preventDefault();
      fields.clearErrors();
      const v = (/** @type {string} */ n) => String(fields.value(n) ?? "").trim();
      let ok = true;
      if (!/^[A-Za-z0-9_.-]{3,64}$/.test(v("username")))
        ok = !fields.setError("username", v("username") ? t("admin.users.usernameHint") : t("val.required"));
      if (String(fields.value("password") ?? "").length < 12)
        ok = !fields.setError("password", t("admin.users.passwordHint"));
      if (v("role") === "staff" && !v("agencyCode")) ok = !fields.setError("agencyCode", t("admin.users.agencyHint"));
      if (!ok) return void fields.focusFirstError();
      const body = {
        username: v("username"),
        password: String(fields.value("password")),
        role: v("role"),
        ...(v("role") === "staff" ? { agencyCode: v("agencyCode") } : {}),
      };
      const res = await api("POST", "/api/admin/users", { body });
      if (res.status === 201)
        void usersView({
          keepFocus: true,
          notice: { kind: "success", text: t("admin.users.created", { user: res.body.username }) },
        });
      else showProblem(msg, res, fields);
    }),
  );

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
    form,
  );
  if (opts.notice && opts.seq === nav.seq) showMessage(region, { ...opts.notice, focus: true });
}

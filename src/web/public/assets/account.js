// The account controls of the staff console and the admin pages: "log out" ends the token on
// the server too (POST /api/auth/logout), and "change password" (POST /api/me/password). Loaded
// by both pages; the page's own session code (session.js) stays in charge of the login form and
// of what "logged out" shows.
import { api, getSession, setSession } from "./api.js";
import { h } from "./dom.js";
import { t, onLangChange } from "./i18n.js";
import { showMessage, problemMessage } from "./ui.js";

let installed = false;

/** Adds "change password" beside "log out", and makes "log out" end the token on the server. */
export function installAccount() {
  if (installed) return;
  installed = true;
  const logout = document.getElementById("logout");
  if (!logout) return;

  // Capture phase: runs before session.js's own click handler forgets the token.
  document.addEventListener(
    "click",
    (e) => {
      if (!(e.target instanceof Element) || !e.target.closest("#logout")) return;
      const session = getSession();
      if (session) {
        fetch("/api/auth/logout", {
          method: "POST",
          headers: { authorization: `Bearer ${session.token}` },
          keepalive: true,
          credentials: "omit",
        }).catch(() => {});
      }
    },
    true,
  );

  const change = h(
    "button",
    { id: "change-password", type: "button", hidden: true, onClick: () => openDialog() },
    t("account.changePassword"),
  );
  logout.before(change);
  // Shown exactly when "log out" is (session.js shows and hides it).
  new MutationObserver(() => (change.hidden = logout.hidden)).observe(logout, {
    attributes: true,
    attributeFilter: ["hidden"],
  });
  onLangChange(() => (change.textContent = t("account.changePassword")));
}

function openDialog() {
  const messages = h("div", { class: "messages", "aria-live": "polite" });
  const field = (/** @type {string} */ name, /** @type {string} */ label, /** @type {string} */ autocomplete) => {
    const id = `account-${name}`;
    return h(
      "p",
      null,
      h("label", { for: id }, label),
      h("input", { id, name, type: "password", required: true, autocomplete, maxlength: "256" }),
    );
  };
  /** @type {HTMLFormElement} */
  const form = /** @type {any} */ (
    h(
      "form",
      { method: "dialog", novalidate: true },
      field("current", t("account.current"), "current-password"),
      field("new", t("account.new"), "new-password"),
      field("confirm", t("account.confirm"), "new-password"),
      h(
        "p",
        { class: "actions" },
        h("button", { type: "submit", class: "primary" }, t("account.submit")),
        h("button", { type: "button", class: "secondary", onClick: () => dialog.close() }, t("common.cancel")),
      ),
    )
  );
  const dialog = /** @type {HTMLDialogElement} */ (
    h(
      "dialog",
      { class: "account-dialog", "aria-labelledby": "account-heading" },
      h("h2", { id: "account-heading" }, t("account.changePassword")),
      messages,
      form,
    )
  );
  const value = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void submit();
  });
  const submit = async () => {
    if (value("new") !== value("confirm")) {
      showMessage(messages, { kind: "error", text: t("account.mismatch"), focus: true });
      return;
    }
    const r = await api("POST", "/api/me/password", {
      body: { currentPassword: value("current"), newPassword: value("new") },
    });
    if (r.status === 200) {
      setSession(r.body);
      dialog.close();
      const pageMessages = document.getElementById("messages");
      if (pageMessages) showMessage(pageMessages, { kind: "success", text: t("account.changed"), focus: true });
    } else if (r.status !== 401) {
      showMessage(messages, { ...problemMessage(r), focus: true });
    }
  };
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

installAccount();

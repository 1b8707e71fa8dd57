// Login, "who am I", logout and session expiry, shared by the staff console and the admin pages.
// The token lives in sessionStorage (this tab only) and goes out as Authorization: Bearer.
import { api, clearSession, getSession, onUnauthorized, setSession } from "./api.js";
import { replace, listener } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, clearMessage, problemMessage } from "./ui.js";

/**
 * The login form's handler: POST /api/auth/login with the username and password; on success the
 * token is kept for this tab and `enter` shows the page.
 * @param {HTMLFormElement} loginForm @param {HTMLElement} loginMessages @param {() => Promise<void>} enter
 */
function loginSubmitter(loginForm, loginMessages, enter) {
  return listener(async (/** @type {Event} */ e) => {
    e.preventDefault();
    const username = /** @type {HTMLInputElement} */ (loginForm.elements.namedItem("username")).value.trim();
    const password = /** @type {HTMLInputElement} */ (loginForm.elements.namedItem("password")).value;
    if (!username || !password) {
      showMessage(loginMessages, { kind: "error", text: t("login.missing"), focus: false });
      return;
    }
    const button = /** @type {HTMLButtonElement} */ (loginForm.querySelector("button[type=submit]"));
    button.disabled = true;
    const r = await api("POST", "/api/auth/login", { body: { username, password }, auth: false });
    button.disabled = false;
    if (r.status === 200) {
      setSession(r.body);
      /** @type {HTMLInputElement} */ (loginForm.elements.namedItem("password")).value = "";
      clearMessage(loginMessages);
      await enter();
    } else if (r.status === 401) {
      showMessage(loginMessages, { kind: "error", text: t("login.failed") });
    } else {
      showMessage(loginMessages, problemMessage(r));
    }
  });
}

/**
 * @param {{ onReady: (me: any) => void, onLoggedOut: () => void, accept?: (me: any) => boolean, refusedText?: () => string }} opts
 */
export function startSession(opts) {
  const loginView = /** @type {HTMLElement} */ (document.getElementById("login-view"));
  const loginForm = /** @type {HTMLFormElement} */ (document.getElementById("login-form"));
  const loginMessages = /** @type {HTMLElement} */ (document.getElementById("login-messages"));
  const nav = /** @type {HTMLElement} */ (document.getElementById("nav-links"));
  const whoami = /** @type {HTMLElement} */ (document.getElementById("whoami"));
  const logout = /** @type {HTMLButtonElement} */ (document.getElementById("logout"));
  const view = /** @type {HTMLElement} */ (document.getElementById("view"));
  const messages = /** @type {HTMLElement} */ (document.getElementById("messages"));
  /** @type {any} */
  let me = null;

  const renderWho = () => {
    if (!me) return replace(whoami);
    const where = me.agency ? `${me.agency.name} (${me.agency.code})` : t(`role.${me.role}`);
    replace(whoami, t("session.who", { user: me.username, where }));
  };

  /** @param {string} [why] */
  const showLogin = (why) => {
    me = null;
    renderWho();
    nav.hidden = true;
    logout.hidden = true;
    replace(view);
    loginView.hidden = false;
    if (why) showMessage(loginMessages, { kind: "warning", text: why });
    else clearMessage(loginMessages);
    opts.onLoggedOut();
    /** @type {HTMLElement} */ (document.getElementById("login-username")).focus();
  };

  const enter = async () => {
    const r = await api("GET", "/api/me");
    if (r.status !== 200) {
      if (r.status !== 401) showLogin(problemMessage(r).title);
      return;
    }
    if (opts.accept && !opts.accept(r.body)) {
      clearSession();
      showLogin(opts.refusedText?.());
      return;
    }
    me = r.body;
    loginView.hidden = true;
    nav.hidden = false;
    logout.hidden = false;
    renderWho();
    clearMessage(messages);
    opts.onReady(me);
  };

  onUnauthorized(() => showLogin(t("session.expired")));

  loginForm.addEventListener("submit", loginSubmitter(loginForm, loginMessages, enter));

  logout.addEventListener("click", () => {
    clearSession();
    showLogin(t("session.loggedOut"));
  });

  if (getSession()) void enter();
  else showLogin();

  return { me: () => me, renderWho };
}

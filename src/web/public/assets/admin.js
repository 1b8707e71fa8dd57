// Administration: agencies (with deadline limits), staff accounts, the working-day calendar
// (publish a year), regional policies, and the SLA report as charts.
// Hash routes: #/agencies · #/users · #/calendar · #/policies · #/sla · #/audit
import { clearMessage } from "./ui.js";
import { t } from "./i18n.js";
import { initPage } from "./ui.js";
import { startSession } from "./session.js";
import { nav, state } from "./admin-common.js";
import { agenciesView } from "./admin-agencies.js";
import { usersView } from "./admin-users.js";
import { calendarView } from "./admin-calendar.js";
import { policiesView } from "./admin-policies.js";
import { slaView } from "./admin-sla.js";
import { auditView } from "./admin-audit.js";
import { apiClientsView } from "./admin-api-clients.js";
import "./account.js";

const messages = /** @type {HTMLElement} */ (document.getElementById("messages"));

const session = startSession({
  accept: (user) => user.role === "admin",
  refusedText: () => t("admin.onlyAdmins"),
  onReady: (user) => {
    state.me = user;
    route();
  },
  onLoggedOut: () => {
    state.me = null;
  },
});

initPage(() => {
  session.renderWho();
  if (state.me) route({ keepFocus: true });
});

window.addEventListener("hashchange", () => {
  if (state.me) {
    clearMessage(messages);
    route();
  }
});

const VIEWS = {
  agencies: agenciesView,
  users: usersView,
  calendar: calendarView,
  policies: policiesView,
  sla: slaView,
  audit: auditView,
  "api-clients": apiClientsView,
};

/** @param {{ keepFocus?: boolean }} [opts] */
function route(opts = {}) {
  nav.seq += 1;
  const name = (location.hash.replace(/^#\//, "") || "agencies").split("/")[0];
  const page = /** @type {keyof typeof VIEWS} */ (Object.hasOwn(VIEWS, name) ? name : "agencies");
  for (const a of document.querySelectorAll("#nav-links a")) {
    if (a.getAttribute("href") === `#/${page}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.title = `${t(page === "api-clients" ? "admin.nav.apiClients" : `admin.nav.${page}`)} — ${t("admin.brand")}`;
  void VIEWS[page](opts);
}

// The verification page, /verify/<code>: what the code confirms about a paper document (its kind,
// case number, issuing agency, date, the masked name, the amounts and months it states), or that
// no document has it.
import { api } from "./api.js";
import { h, replace, listener } from "./dom.js";
import { t, label as pick } from "./i18n.js";
import { initPage, showMessage, clearMessage, formatDate } from "./ui.js";
import { groupCode } from "./documents-list.js";
import { formatFen } from "./money.js";

const form = /** @type {HTMLFormElement} */ (document.getElementById("verify-form"));
const input = /** @type {HTMLInputElement} */ (document.getElementById("code"));
const messages = /** @type {HTMLElement} */ (document.getElementById("messages"));
const result = /** @type {HTMLElement} */ (document.getElementById("result"));

/** @type {{ status: number, body: any } | null} */
let shown = null;

initPage(() => {
  if (shown) render(shown);
});

const fromPath = decodeURIComponent(location.pathname.replace(/^\/verify\/?/, ""));
input.value = fromPath;
if (fromPath) void check(fromPath);

form.addEventListener(
  "submit",
  listener(async (e) => {
    e.preventDefault();
    const code = input.value.replace(/[\s-]/g, "").toUpperCase();
    if (!code) return;
    history.replaceState(null, "", `/verify/${encodeURIComponent(code)}`);
    await check(code);
  }),
);

/** @param {string} code */
async function check(code) {
  showMessage(messages, { kind: "info", text: t("common.loading") });
  const r = await api("GET", `/api/verify/${encodeURIComponent(code)}`, { auth: false });
  shown = { status: r.status, body: r.body };
  render(shown, true);
}

/** @param {{ status: number, body: any }} r @param {boolean} [focus] */
function render(r, focus = false) {
  if (r.status !== 200) {
    result.hidden = true;
    showMessage(
      messages,
      r.status === 429
        ? { kind: "error", title: t("err.tooMany"), focus }
        : { kind: "error", title: t("verify.notFound"), text: t("verify.notFoundHelp"), focus },
    );
    return;
  }
  clearMessage(messages);
  const v = r.body;
  const superseded = v.status === "superseded";
  replace(
    result,
    h("h2", { id: "result-heading", tabindex: "-1" }, pick(v.title)),
    h(
      "div",
      { class: "card" },
      h(
        "div",
        { class: `note note-${superseded ? "danger" : "success"}`, role: superseded ? "alert" : null },
        h("p", null, superseded ? t("verify.superseded", { date: formatDate(v.supersededOn) }) : t("verify.valid")),
      ),
      h(
        "dl",
        { class: "facts" },
        fact(t("verify.kind"), pick(v.title)),
        fact(t("verify.caseNumber"), v.caseNumber),
        fact(t("verify.agency"), v.issuingAgency.name),
        fact(t("verify.date"), formatDate(v.issuedOn)),
        fact(t("verify.name"), v.insuredName),
        fact(t("verify.code"), groupCode(v.verificationCode)),
      ),
      figuresSection(v.figures),
    ),
  );
  result.hidden = false;
  if (focus) document.getElementById("result-heading")?.focus();
}

/** @param {string} term @param {string} value */
function fact(term, value) {
  return h("div", { class: "fact" }, h("dt", null, term), h("dd", null, value));
}

/**
 * The amounts (yuan, from integer fen) and months the document was issued with, to compare with
 * the paper; nothing for a document that states none.
 * @param {{ key: string, label: { zh: string, en: string }, value: number, unit: "fen" | "months" }[] | undefined} figures
 */
function figuresSection(figures) {
  if (!Array.isArray(figures) || figures.length === 0) return null;
  return h(
    "section",
    { class: "verify-figures", "aria-labelledby": "figures-heading" },
    h("h3", { id: "figures-heading" }, t("verify.figures")),
    h("p", { class: "hint" }, t("verify.figuresHint")),
    h(
      "dl",
      { class: "facts", id: "figures" },
      ...figures.map((f) =>
        fact(pick(f.label), f.unit === "fen" ? formatFen(f.value) : t("verify.months", { n: f.value })),
      ),
    ),
  );
}

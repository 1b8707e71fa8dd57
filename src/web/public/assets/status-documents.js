// The insured person's documents on the status page: after a successful lookup, the list with a
// download button each. The case number and ID number go in POST bodies only, never in a URL
// (docs/documents.md). Hooked into status.js after the lookup.
import { api } from "./api.js";
import { h, replace } from "./dom.js";
import { t, label as pick, onLangChange } from "./i18n.js";
import { showMessage } from "./ui.js";
import { documentTable, downloadPdf } from "./documents-list.js";

const section = /** @type {HTMLElement | null} */ (document.getElementById("documents"));
/** @type {{ lookup: { caseNumber: string, idNumber: string }, items: any[] } | null} */
let shown = null;

onLangChange(() => {
  if (shown) render(shown.lookup, shown.items);
});

/** Hides the list (a new lookup is under way, or it failed). */
export function hideInsuredDocuments() {
  shown = null;
  if (section) section.hidden = true;
}

/**
 * Lists the documents of the case just looked up.
 * @param {{ caseNumber: string, idNumber: string }} lookup
 */
export async function showInsuredDocuments(lookup) {
  if (!section) return;
  const r = await api("POST", "/api/status/documents", { body: lookup, auth: false });
  if (r.status !== 200) {
    hideInsuredDocuments();
    return;
  }
  shown = { lookup, items: r.body.items };
  render(lookup, r.body.items);
}

/** @param {{ caseNumber: string, idNumber: string }} lookup @param {any[]} items */
function render(lookup, items) {
  if (!section) return;
  const messages = h("div", { class: "messages", "aria-live": "polite" });
  replace(
    section,
    h("h2", { id: "documents-heading" }, t("docs.heading")),
    h(
      "div",
      { class: "card" },
      h("p", { class: "hint" }, t("docs.intro")),
      messages,
      documentTable(items, (d, button) => void download(d, button)),
    ),
  );
  section.hidden = false;

  /** @param {any} d @param {HTMLButtonElement} button */
  async function download(d, button) {
    button.disabled = true;
    const status = await downloadPdf(
      "/api/status/documents/pdf",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: { ...lookup, kind: d.kind, seq: d.seq },
      },
      `${lookup.caseNumber.toUpperCase()}-${d.kind}-${d.seq}.pdf`,
    );
    button.disabled = false;
    showMessage(
      messages,
      status === 200
        ? { kind: "success", text: t("docs.downloaded", { title: pick(d.title) }) }
        : status === 429
          ? { kind: "error", text: t("err.tooMany") }
          : { kind: "error", text: t("docs.downloadFailed") },
    );
  }
}

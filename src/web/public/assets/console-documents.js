// The case page's documents (受理回执, 参保凭证 …): the list with a download button each, for staff
// of the case's agencies (docs/documents.md). Hooked into console.js's renderCase.
import { api, getSession } from "./api.js";
import { h, replace } from "./dom.js";
import { t, label as pick } from "./i18n.js";
import { showMessage } from "./ui.js";
import { documentTable, downloadPdf } from "./documents-list.js";

/**
 * The documents section of a case page; it fills itself in, and stays hidden for readers who may
 * not download (administrators).
 * @param {any} c the case view
 * @returns {HTMLElement}
 */
export function documentsSection(c) {
  const body = h("div", null, h("p", { class: "muted", role: "status" }, t("common.loading")));
  const messages = h("div", { class: "messages", "aria-live": "polite" });
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "sec-documents", id: "case-documents" },
    h("h2", { id: "sec-documents" }, t("docs.heading")),
    messages,
    body,
  );
  void (async () => {
    const r = await api("GET", `/api/cases/${c.id}/documents`);
    if (r.status === 403) {
      section.hidden = true;
      return;
    }
    if (r.status !== 200) {
      replace(body, h("p", null, t("docs.loadFailed")));
      return;
    }
    replace(
      body,
      documentTable(r.body.items, (d, button) => void download(d, button)),
    );

    /** @param {any} d @param {HTMLButtonElement} button */
    async function download(d, button) {
      button.disabled = true;
      const token = getSession()?.token;
      const status = await downloadPdf(
        `/api/cases/${c.id}/documents/${d.kind}?seq=${d.seq}`,
        { headers: token ? { authorization: `Bearer ${token}` } : {} },
        `${c.caseNumber}-${d.kind}-${d.seq}.pdf`,
      );
      button.disabled = false;
      showMessage(
        messages,
        status === 200
          ? { kind: "success", text: t("docs.downloaded", { title: pick(d.title) }) }
          : { kind: "error", text: t("docs.downloadFailed") },
      );
    }
  })();
  return section;
}

// The list of a case's documents with a download button each, shared by the console's case page
// (console-documents.js) and the insured person's status page (status-documents.js).
import { h } from "./dom.js";
import { t, label as pick } from "./i18n.js";
import { formatDate } from "./ui.js";

/** "ABCDEFGHJKMN" → "ABCD-EFGH-JKMN", as printed. @param {string} code */
export function groupCode(code) {
  return code.replace(/(.{4})(?=.)/g, "$1-");
}

/**
 * @param {any[]} items the documents (kind, title, seq, issuedOn, verificationCode, supersededOn)
 * @param {(doc: any, button: HTMLButtonElement) => void} onDownload
 */
export function documentTable(items, onDownload) {
  if (items.length === 0) return h("p", { class: "muted" }, t("docs.none"));
  return h(
    "ul",
    { class: "documents", style: "list-style:none;padding:0;margin:0" },
    [...items].reverse().map((d) => {
      const title = pick(d.title);
      const button = /** @type {HTMLButtonElement} */ (
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            "aria-label": t("docs.downloadLabel", { title, date: formatDate(d.issuedOn) }),
          },
          t("docs.download"),
        )
      );
      button.addEventListener("click", () => onDownload(d, button));
      return h(
        "li",
        {
          "data-kind": d.kind,
          "data-seq": String(d.seq),
          style:
            "display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 0;border-top:1px solid var(--line)",
        },
        h(
          "div",
          { style: "flex:1 1 14rem" },
          h("strong", { class: "doc-title" }, title),
          d.supersededOn
            ? h("span", { class: "muted" }, ` · ${t("docs.superseded", { date: formatDate(d.supersededOn) })}`)
            : null,
          h(
            "div",
            { class: "muted" },
            `${t("docs.colDate")} `,
            h("time", { datetime: d.issuedOn }, formatDate(d.issuedOn)),
            ` · ${t("docs.colCode")} `,
            h("code", null, groupCode(d.verificationCode)),
          ),
        ),
        button,
      );
    }),
  );
}

/**
 * Fetches a PDF and hands it to the browser as a download (a blob URL: no personal data in any URL).
 * @param {string} path
 * @param {{ method?: string, headers?: Record<string, string>, body?: unknown }} init
 * @param {string} filename
 * @returns {Promise<number>} the HTTP status (0 when the network failed)
 */
export async function downloadPdf(path, init, filename) {
  let res;
  try {
    res = await fetch(path, {
      method: init.method ?? "GET",
      headers: { accept: "application/pdf, application/problem+json", ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    return 0;
  }
  if (res.status !== 200) return res.status;
  const url = URL.createObjectURL(await res.blob());
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return 200;
}

// Attachments on the case page (docs/clerk-tools.md): upload (kind + file), the list with
// downloads, and the required-document checklist of the events I may record now.
import { api, getSession } from "./api.js";
import { append, h, listener, replace } from "./dom.js";
import { lang, t } from "./i18n.js";
import { formatInstant, problemMessage, showMessage } from "./ui.js";
import { attachmentKinds } from "./vocabulary.js";

/** @param {string} kind */
const kindLabel = (kind) => t(`clerk.kind.${kind}`);

/** @param {number} n */
const size = (n) =>
  n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1048576).toFixed(1)} MB`;

/** @param {string} path @param {FormData} form */
async function postForm(path, form) {
  const s = getSession();
  try {
    const res = await fetch(path, {
      method: "POST",
      headers: {
        accept: "application/json, application/problem+json",
        ...(s ? { authorization: `Bearer ${s.token}` } : {}),
      },
      body: form,
      cache: "no-store",
      credentials: "omit",
    });
    const text = await res.text();
    return { status: res.status, ok: res.ok, body: text ? JSON.parse(text) : null, headers: res.headers };
  } catch {
    return { status: 0, ok: false, body: null, headers: null };
  }
}

/** Downloads an attachment with the bearer token (a plain link cannot carry it). @param {string} path @param {string} name */
async function download(path, name) {
  const s = getSession();
  const res = await fetch(path, { headers: s ? { authorization: `Bearer ${s.token}` } : {}, cache: "no-store" });
  if (!res.ok) return false;
  const url = URL.createObjectURL(await res.blob());
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return true;
}

/** The kind select, filled with the server's kinds once its OpenAPI document is in. */
function kindSelect() {
  const kind = /** @type {HTMLSelectElement} */ (h("select", { id: "attach-kind", name: "kind" }));
  void attachmentKinds().then((kinds) =>
    append(
      kind,
      kinds.map((k) => h("option", { value: k }, kindLabel(k))),
    ),
  );
  return kind;
}

/** The required documents of the events I may record now, present or missing; null when none. @param {any} cl */
function checklistNote(cl) {
  if (cl.steps.length === 0) return null;
  return h(
    "div",
    { class: cl.binding ? "note note-warning" : "note note-info" },
    h("p", null, t(cl.binding ? "clerk.checklistBinding" : "clerk.checklist")),
    h(
      "ul",
      { class: "checklist-items" },
      cl.steps.flatMap((/** @type {any} */ s) =>
        s.required.map((/** @type {string} */ k) => {
          const missing = s.missing.includes(k);
          return h(
            "li",
            { "data-kind": k, "data-missing": String(missing) },
            h(
              "span",
              { class: missing ? "badge badge-danger" : "badge badge-success" },
              t(missing ? "clerk.missing" : "clerk.present"),
            ),
            " ",
            kindLabel(k),
          );
        }),
      ),
    ),
  );
}

/**
 * One attachment: its name (a download button), kind, size, who and when, and whether a newer
 * one replaced it.
 * @param {any} c the case view @param {any} a the attachment @param {HTMLElement} msg
 */
function attachmentItem(c, a, msg) {
  return h(
    "li",
    { "data-attachment": a.id, class: a.supersededBy ? "superseded" : "" },
    h(
      "button",
      {
        type: "button",
        class: "link",
        onClick: async () => {
          if (!(await download(`/api/cases/${c.id}/attachments/${a.id}`, a.fileName)))
            showMessage(msg, { kind: "error", title: t("clerk.downloadFailed") });
        },
      },
      a.fileName,
    ),
    " ",
    h("span", { class: "badge badge-info" }, kindLabel(a.kind)),
    " ",
    h(
      "span",
      { class: "muted small" },
      t("clerk.attachMeta", { size: size(a.size), user: a.uploadedBy, at: formatInstant(a.createdAt) }),
    ),
    a.supersededBy ? h("span", { class: "muted small" }, ` — ${t("clerk.superseded")}`) : null,
  );
}

/**
 * The upload form: kind and file.
 * @param {HTMLSelectElement} kind @param {HTMLInputElement} file @param {HTMLElement} msg
 */
function uploadForm(kind, file, msg) {
  return h(
    "form",
    { class: "attach-form", novalidate: true },
    h("label", { for: "attach-kind" }, t("clerk.attachKind")),
    " ",
    kind,
    " ",
    h("label", { for: "attach-file" }, t("clerk.attachFile")),
    " ",
    file,
    " ",
    h("button", { type: "submit", class: "primary" }, t("clerk.upload")),
    h("p", { class: "hint muted small" }, t("clerk.attachHint")),
    msg,
  );
}

/** @param {any} c the case view @param {() => void} onChange */
export function attachmentsCard(c, onChange) {
  const list = h("div", { class: "attachment-list" }, h("p", { class: "muted" }, t("common.loading")));
  const checklist = h("div", { class: "checklist" });
  const msg = h("div", { class: "messages", "aria-live": "polite" });
  const kind = kindSelect();
  const file = /** @type {HTMLInputElement} */ (
    h("input", { id: "attach-file", name: "file", type: "file", accept: "application/pdf,image/jpeg,image/png" })
  );
  const form = uploadForm(kind, file, msg);
  const load = async () => {
    const r = await api("GET", `/api/cases/${c.id}/attachments`);
    if (r.status !== 200) return showMessage(msg, problemMessage(r));
    const { items, checklist: cl } = r.body;
    replace(checklist, checklistNote(cl));
    replace(
      list,
      items.length === 0
        ? h("p", { class: "empty" }, t("clerk.noAttachments"))
        : h(
            "ul",
            { class: "attachments" },
            items.map((/** @type {any} */ a) => attachmentItem(c, a, msg)),
          ),
    );
  };
  form.addEventListener(
    "submit",
    listener(async (/** @type {Event} */ e) => {
      e.preventDefault();
      const f = file.files?.[0];
      if (!f) return showMessage(msg, { kind: "error", title: t("clerk.chooseFile") });
      const data = new FormData();
      data.append("kind", kind.value);
      data.append("file", f, f.name);
      const r = await postForm(`/api/cases/${c.id}/attachments`, data);
      if (r.status !== 201) return showMessage(msg, problemMessage(r));
      file.value = "";
      showMessage(msg, { kind: "success", title: t("clerk.uploaded", { name: r.body.fileName }) });
      await load();
      onChange();
    }),
  );
  void load();
  return h(
    "section",
    { class: "card clerk-attachments", "aria-labelledby": "sec-attachments" },
    h("h2", { id: "sec-attachments" }, t("clerk.attachments")),
    checklist,
    list,
    form,
  );
}

/**
 * A step refused because its documents are missing (409 missing-documents): which ones, in words,
 * with no "reload" (reloading cannot help; attaching them does).
 * @param {any} p the problem
 */
export function missingDocumentsMessage(p) {
  const kinds = Array.isArray(p.missingKinds) ? p.missingKinds : [];
  return {
    kind: /** @type {const} */ ("error"),
    title: t("clerk.missingTitle"),
    details: [
      t("clerk.missingKinds", {
        kinds: kinds.map((/** @type {string} */ k) => kindLabel(k)).join(lang() === "en" ? ", " : "、"),
      }),
    ],
  };
}

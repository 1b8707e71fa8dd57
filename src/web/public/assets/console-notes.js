// Staff notes on the case page (docs/clerk-tools.md): a form to add one, the notes in the timeline.
import { api } from "./api.js";
import { h, listener } from "./dom.js";
import { t } from "./i18n.js";
import { formatInstant, problemMessage, showMessage } from "./ui.js";

const MAX = 2000;

/**
 * @param {any} c the case view
 * @param {(entries: { at: string, node: HTMLElement }[]) => void} toTimeline
 */
export function notesCard(c, toTimeline) {
  const msg = h("div", { class: "messages", "aria-live": "polite" });
  const text = /** @type {HTMLTextAreaElement} */ (
    h("textarea", { id: "note-text", name: "text", rows: "3", maxlength: String(MAX), required: true })
  );
  const form = h(
    "form",
    { class: "note-form", novalidate: true },
    h("label", { for: "note-text" }, t("clerk.noteLabel")),
    text,
    h("p", { class: "hint muted small" }, t("clerk.noteHint", { n: MAX })),
    h("p", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("clerk.addNote"))),
    msg,
  );
  const load = async () => {
    const r = await api("GET", `/api/cases/${c.id}/notes`);
    if (r.status !== 200) return showMessage(msg, problemMessage(r));
    toTimeline(
      r.body.items.map((/** @type {any} */ n) => ({
        at: n.createdAt,
        node: h(
          "li",
          { class: "tl-note" },
          h("time", { datetime: n.createdAt }, formatInstant(n.createdAt)),
          h("span", { class: "tl-label" }, t("clerk.tl.note")),
          h("p", { class: "tl-note-text" }, n.text),
          h("span", { class: "tl-meta muted small" }, t("clerk.tl.by", { user: `${n.author} (${n.agency})` })),
        ),
      })),
    );
  };
  form.addEventListener(
    "submit",
    listener(async (/** @type {Event} */ e) => {
      e.preventDefault();
      if (!text.value.trim()) return showMessage(msg, { kind: "error", title: t("clerk.noteEmpty") });
      const r = await api("POST", `/api/cases/${c.id}/notes`, { body: { text: text.value } });
      if (r.status !== 201) return showMessage(msg, problemMessage(r));
      text.value = "";
      showMessage(msg, { kind: "success", title: t("clerk.noteAdded") });
      await load();
    }),
  );
  void load();
  return h(
    "section",
    { class: "card clerk-notes", "aria-labelledby": "sec-notes" },
    h("h2", { id: "sec-notes" }, t("clerk.notes")),
    form,
  );
}

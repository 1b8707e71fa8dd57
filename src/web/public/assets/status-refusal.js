// The insured person's view of a refused application (issue #31 item 7): the reason's label (the
// REFUSAL_REASONS codes, enum.reasonCode.* in the dictionaries), the agency's free text, and what
// to do next, the same words as the refusal notice. From the status answer's `refusal`.
import { h } from "./dom.js";
import { dictionaries, t } from "./i18n.js";

/** @param {string} key */
const known = (key) => Object.hasOwn(dictionaries["zh-CN"], key);

/**
 * A note for the status card, or null when the answer has no refusal (not refused, other types).
 * @param {{ refusal?: { reasonCode: string | null, reason: string | null } }} answer
 */
export function refusalNote(answer) {
  const r = answer.refusal;
  if (!r) return null;
  // a code the page does not know yet (a newer service) shows as the free text alone
  const codeLabel =
    r.reasonCode && known(`enum.reasonCode.${r.reasonCode}`) ? t(`enum.reasonCode.${r.reasonCode}`) : null;
  const reason =
    codeLabel && r.reason
      ? t("statusRefusal.labelAndText", { label: codeLabel, text: r.reason })
      : (codeLabel ?? r.reason);
  const next = r.reasonCode && known(`statusRefusal.next.${r.reasonCode}`) ? r.reasonCode : "other";
  return h(
    "div",
    { class: "note note-warning refusal", role: "note" },
    h("p", { class: "note-title" }, t("statusRefusal.statusTitle")),
    h(
      "dl",
      null,
      h("dt", null, t("statusRefusal.reasonTerm")),
      h("dd", { class: "refusal-reason" }, reason || t("statusRefusal.noReason")),
      h("dt", null, t("statusRefusal.nextTerm")),
      h("dd", { class: "refusal-next" }, t(`statusRefusal.next.${next}`)),
    ),
  );
}

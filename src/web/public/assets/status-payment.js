// The insured person's view of a renewal awaiting payment (issue 16): the total due, by when, and
// the end of any waiting period, from the status answer's `paymentDue`.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { formatFen } from "./money.js";
import { formatDate } from "./ui.js";

/** A note for the status card, or null when nothing is due. @param {any} st the status answer */
export function paymentDueNote(st) {
  const p = st.paymentDue;
  if (!p) return null;
  return h(
    "div",
    { class: "note note-info payment-due" },
    p.backPayable
      ? h(
          "p",
          null,
          p.payBy
            ? t("payment.dueBy", { amount: formatFen(p.totalFen), date: formatDate(p.payBy) })
            : t("payment.due", { amount: formatFen(p.totalFen) }),
        )
      : h("p", null, t("payment.notBackPayable")),
    p.waitingPeriodEndsOn ? h("p", null, t("payment.waitingUntil", { date: formatDate(p.waitingPeriodEndsOn) })) : null,
  );
}

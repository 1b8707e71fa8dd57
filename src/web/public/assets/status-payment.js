// The insured person's view of a renewal awaiting payment (issue 16): the total due, by when, and
// the end of any waiting period, from the status answer's `paymentDue`. A deadline that has passed
// (issue #31 item 7) is said so, instead of "pay by …".
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { formatFen } from "./money.js";
import { formatDate } from "./ui.js";
import { chinaToday } from "./dates.js";

/**
 * A note for the status card, or null when nothing is due.
 *
 * Whether the deadline has passed is decided here, against today's date in China (Asia/Shanghai)
 * as the browser's clock gives it, not by the service: the status answer is a contract and carries
 * no "today"; the deadline is a fixed date the answer states, the comparison is about how to word
 * it, and the page renders it when it is read (a page left open overnight words it right on the
 * next lookup or language switch). A browser clock that is off by days words it wrongly, but the
 * date itself is always shown.
 * @param {any} st the status answer @param {string} [today] China date, YYYY-MM-DD
 */
export function paymentDueNote(st, today = chinaToday()) {
  const p = st.paymentDue;
  if (!p) return null;
  const passed = p.backPayable && p.payBy !== null && p.payBy < today;
  if (passed)
    return h(
      "div",
      { class: "note note-warning payment-due payment-passed", role: "note" },
      h("p", { class: "note-title" }, t("payment.passed", { date: formatDate(p.payBy) })),
      h("p", null, t("payment.assessedAmount", { amount: formatFen(p.totalFen) })),
      p.waitingPeriodEndsOn
        ? h("p", null, t("payment.waitingUntil", { date: formatDate(p.waitingPeriodEndsOn) }))
        : null,
    );
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

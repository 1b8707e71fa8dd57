// A medical transfer's gap between the old place and the new (issue #28, version 3): the status
// answer's and the case's `gap`, found when the application was filed. Over 3 months, the new
// place's waiting period applies (待遇等待期): the person must be told before they need care.
import { h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * A note about the gap, or null when the answer has none (other types, before the application).
 * @param {{ gap?: { lastMonthBefore: string | null, firstMonthAfter: string, months: number | null, overThreeMonths: boolean, waitingPeriodMonths: number | null } | null }} answer
 */
export function transferGapNote(answer) {
  const g = answer.gap;
  if (!g) return null;
  const facts =
    g.lastMonthBefore === null || g.months === null
      ? t("gap.unknown")
      : t("gap.months", { last: g.lastMonthBefore, first: g.firstMonthAfter, months: String(g.months) });
  if (!g.overThreeMonths) return h("div", { class: "note note-info transfer-gap" }, h("p", null, facts));
  return h(
    "div",
    { class: "note note-warning transfer-gap", role: "note" },
    h("p", null, facts),
    h(
      "p",
      null,
      g.waitingPeriodMonths === null
        ? t("gap.overThreeNoPolicy")
        : t("gap.overThree", { waiting: String(g.waitingPeriodMonths) }),
    ),
  );
}

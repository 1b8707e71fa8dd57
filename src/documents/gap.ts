// A transfer's gap (medical transfers, version 3): the months between the last month paid at the old
// place and the first at the new one, which the service recorded with the application
// (machines/vocabulary.ts applicationGapSchema). The receipt of the application states it, and the
// completion notice repeats the latest one; over three months, the new place's waiting period applies.
import { field, monthText, num, str, text, type DocumentBlock, type DocumentEvent } from "./blocks.ts";

/** The events that file an application and may carry its gap. */
const APPLICATIONS = new Set(["FILE_APPLICATION", "APPLY_ONLINE"]);

const gapOf = (e: DocumentEvent): Record<string, unknown> | null => {
  const g = e.payload.gap;
  return APPLICATIONS.has(e.type) && typeof g === "object" && g !== null ? (g as Record<string, unknown>) : null;
};

/** The gap an application recorded, as fields and, over three months, the waiting period's warning. */
export function gapBlocks(e: DocumentEvent): DocumentBlock[] {
  const g = gapOf(e);
  if (!g) return [];
  const month = (v: unknown) => (str(v) ? monthText(v as string) : "—");
  const months = num(g.months);
  const blocks = [
    field("原参保地最后缴费月份", month(g.lastMonthBefore)),
    field("新参保地首个缴费月份", month(g.firstMonthAfter)),
    field("中断月数", months === null ? "—" : `${months} 个月`),
  ];
  if (g.overThreeMonths === true) {
    const waiting = num(g.waitingPeriodMonths);
    blocks.push(
      text(
        waiting === null
          ? "中断超过3个月，待遇等待期按转入地规定执行。"
          : `中断超过3个月，按转入地规定设置待遇等待期（${waiting}个月）。`,
      ),
    );
  }
  return blocks;
}

/** The latest application's gap up to the event (the completion notice's). */
export function latestGapBlocks(before: DocumentEvent[]): DocumentBlock[] {
  const latest = before.filter((e) => gapOf(e) !== null).at(-1);
  return latest ? gapBlocks(latest) : [];
}

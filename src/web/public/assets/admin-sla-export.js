// Administration: CSV downloads beside the SLA report: the report itself and the audit export of
// the events recorded in the same dates (GET /api/admin/audit), fetched with the token.
import { h, listener } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, problemMessage } from "./ui.js";
import { isIsoDate } from "./dates.js";
import { downloadFile } from "./download.js";

/**
 * The two buttons; `range()` reads the form's dates. @param {() => { from: string, to: string }} range
 * @param {HTMLElement} msg where a failure is shown
 */
export function slaExports(range, msg) {
  const button = (
    /** @type {string} */ label,
    /** @type {(r: { from: string, to: string }) => [string, string]} */ target,
  ) =>
    h(
      "button",
      {
        type: "button",
        class: "secondary",
        onClick: listener(async () => {
          const r = range();
          if (!isIsoDate(r.from) || !isIsoDate(r.to) || r.from > r.to)
            return void showMessage(msg, { kind: "error", title: t("admin.sla.order"), focus: true });
          const [path, name] = target(r);
          const status = await downloadFile(path, name);
          if (status !== 200)
            showMessage(msg, { ...problemMessage({ status, body: null, headers: null }), focus: true });
        }),
      },
      label,
    );
  return [
    " ",
    button(t("slaExport.slaCsv"), (r) => [
      `/api/admin/reports/sla?${new URLSearchParams({ ...r, format: "csv" })}`,
      `sla-${r.from}-${r.to}.csv`,
    ]),
    " ",
    button(t("slaExport.auditCsv"), (r) => [
      `/api/admin/audit?${new URLSearchParams(r)}`,
      `events-${r.from}-${r.to}.csv`,
    ]),
  ];
}

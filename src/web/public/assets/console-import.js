// Batch filing in the console (#/import): the templates, a file, "check only" (dryRun) or "file",
// a progress bar while a large file runs as a job, and the result of each row by its number.
import { api } from "./api.js";
import { h, replace, listener } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, clearMessage, problemMessage } from "./ui.js";
import { downloadFile, uploadFile } from "./download.js";

const POLL_MS = 1000;

/** A button that downloads the template in `format`; a failure is shown in `messages`. @param {"csv" | "xlsx"} format @param {HTMLElement} messages */
function templateButton(format, messages) {
  return h(
    "button",
    {
      type: "button",
      class: "secondary",
      onClick: listener(async () => {
        const status = await downloadFile(`/api/cases/import/template.${format}`, `case-import-template.${format}`);
        if (status !== 200) showMessage(messages, problemMessage({ status, body: null, headers: null }));
      }),
    },
    t(format === "csv" ? "import.templateCsv" : "import.templateXlsx"),
  );
}

/**
 * The form: the file, "check only" and "file".
 * @param {HTMLInputElement} input @param {HTMLElement} messages @param {(dryRun: boolean) => void} submit
 */
function importForm(input, messages, submit) {
  return h(
    "form",
    {
      class: "card import-form",
      novalidate: true,
      onSubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        submit(false);
      },
    },
    h(
      "div",
      { class: "field" },
      h("label", { for: "import-file" }, t("import.file")),
      h("p", { class: "hint", id: "import-file-hint" }, t("import.fileHint")),
      input,
    ),
    messages,
    h(
      "p",
      { class: "form-actions" },
      h("button", { type: "button", class: "secondary", onClick: () => submit(true) }, t("import.check")),
      " ",
      h("button", { type: "submit", class: "primary" }, t("import.run")),
    ),
  );
}

/**
 * Renders the page into `view`. `isCurrent()` is false once the user has moved on (stops polling).
 * @param {HTMLElement} view @param {() => boolean} isCurrent
 */
export function importView(view, isCurrent) {
  document.title = t("import.heading");
  const messages = h("div", { class: "form-messages", "aria-live": "polite" });
  const results = h("div", { class: "import-results" });
  const input = /** @type {HTMLInputElement} */ (
    h("input", {
      type: "file",
      id: "import-file",
      name: "file",
      accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "aria-describedby": "import-file-hint",
    })
  );

  async function submit(/** @type {boolean} */ dryRun) {
    clearMessage(messages);
    const file = input.files?.[0];
    if (!file) {
      showMessage(messages, { kind: "error", title: t("import.chooseFile"), focus: true });
      input.focus();
      return;
    }
    replace(results, h("p", { class: "muted", role: "status" }, t("common.loading")));
    const r = await uploadFile(`/api/cases/import${dryRun ? "?dryRun=true" : ""}`, file);
    if (r.status === 200 || r.status === 202) return show(r.body);
    replace(results);
    if (r.status !== 401) showMessage(messages, { ...problemMessage(r), focus: true });
  }

  // the job as it runs (a large file): polled until it ends or the user moves on
  async function show(/** @type {any} */ job) {
    renderJob(results, job);
    while (job.status === "running" && job.id && isCurrent()) {
      await new Promise((ok) => setTimeout(ok, POLL_MS));
      if (!isCurrent()) return;
      const r = await api("GET", `/api/case-imports/${job.id}`);
      if (r.status !== 200) {
        if (r.status !== 401) showMessage(messages, problemMessage(r));
        return;
      }
      job = r.body;
      renderJob(results, job);
    }
  }

  replace(
    view,
    h("p", { class: "back" }, h("a", { href: "#/" }, `← ${t("case.back")}`)),
    h("h1", { tabindex: "-1" }, t("import.heading")),
    h("p", null, t("import.intro")),
    h("p", { class: "form-actions" }, templateButton("xlsx", messages), " ", templateButton("csv", messages)),
    importForm(input, messages, (dryRun) => void submit(dryRun)),
    results,
  );
  /** @type {HTMLElement | null} */ (view.querySelector("h1"))?.focus();
}

/** @param {HTMLElement} slot @param {any} job */
function renderJob(slot, job) {
  const valid = job.rows.filter((/** @type {any} */ r) => r.status === "valid").length;
  const summary = job.dryRun
    ? t("import.summaryDry", { total: job.total, valid, existing: job.existing, refused: job.refused })
    : t("import.summary", { total: job.total, opened: job.opened, existing: job.existing, refused: job.refused });
  replace(
    slot,
    job.status === "running"
      ? h(
          "div",
          { class: "import-progress" },
          h("label", { for: "import-progress" }, t("import.progress", { processed: job.processed, total: job.total })),
          h("progress", {
            id: "import-progress",
            max: String(Math.max(job.total, 1)),
            value: String(job.processed),
            "aria-label": t("import.progressLabel"),
          }),
        )
      : h(
          "p",
          {
            class: `note ${job.status === "failed" ? "note-danger" : job.refused ? "note-warning" : "note-success"}`,
            role: "status",
          },
          job.status === "failed" ? t("import.failed") : summary,
        ),
    job.rows.length
      ? h(
          "div",
          { class: "table-scroll", tabindex: "0", role: "region", "aria-label": t("import.tableLabel") },
          h(
            "table",
            { class: "queue import-table" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                ["import.col.row", "import.col.status", "import.col.caseNumber", "import.col.errors"].map((k) =>
                  h("th", { scope: "col" }, t(k)),
                ),
              ),
            ),
            h(
              "tbody",
              null,
              job.rows.map((/** @type {any} */ r) =>
                h(
                  "tr",
                  { class: r.status === "refused" ? "row-overdue" : null, "data-row": r.row },
                  h("th", { scope: "row" }, String(r.row)),
                  h("td", null, t(`import.status.${r.status}`)),
                  h("td", { class: "mono" }, r.caseNumber ?? t("common.none")),
                  h(
                    "td",
                    null,
                    (r.errors ?? []).map((/** @type {any} */ e) => h("div", null, `${e.path}: ${e.message}`)),
                  ),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

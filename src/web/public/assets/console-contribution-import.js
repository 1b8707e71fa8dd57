// Importing contribution records in the console (#/contributions/import; docs/contributions.md,
// "Importing"): the templates, a file, "check" (a dry run) first and "import" once the check found
// no bad row, a progress bar while a large file runs as a job, and the bad rows by number and field.
import { api } from "./api.js";
import { h, replace, listener } from "./dom.js";
import { t } from "./i18n.js";
import { showMessage, clearMessage, problemMessage } from "./ui.js";
import { downloadFile, uploadFile } from "./download.js";

const POLL_MS = 1000;

/** @param {"csv" | "xlsx"} format @param {HTMLElement} messages */
function templateButton(format, messages) {
  return h(
    "button",
    {
      type: "button",
      class: "secondary",
      onClick: listener(async () => {
        const name = `contribution-import-template.${format}`;
        const status = await downloadFile(`/api/contributions/import/template.${format}`, name);
        if (status !== 200) showMessage(messages, problemMessage({ status, body: null, headers: null }));
      }),
    },
    t(format === "csv" ? "contribImport.templateCsv" : "contribImport.templateXlsx"),
  );
}

/**
 * Renders the page into `view`. `isCurrent()` is false once the user has moved on (stops polling).
 * @param {HTMLElement} view @param {() => boolean} isCurrent
 */
export function contributionImportView(view, isCurrent) {
  document.title = t("contribImport.heading");
  const messages = h("div", { class: "form-messages", "aria-live": "polite" });
  const results = h("div", { class: "import-results" });
  const input = /** @type {HTMLInputElement} */ (
    h("input", {
      type: "file",
      id: "contrib-file",
      name: "file",
      accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "aria-describedby": "contrib-file-hint",
    })
  );
  const checkButton = h("button", { type: "button", class: "secondary" }, t("contribImport.check"));
  const runButton = /** @type {HTMLButtonElement} */ (
    h("button", { type: "submit", class: "primary", disabled: true }, t("contribImport.run"))
  );
  /** the file the last check passed (the import is offered for that file only) */
  /** @type {File | null} */
  let checked = null;
  input.addEventListener("change", () => {
    checked = null;
    runButton.disabled = true;
    clearMessage(messages);
    replace(results);
  });

  async function submit(/** @type {boolean} */ dryRun) {
    clearMessage(messages);
    const file = input.files?.[0];
    if (!file) {
      showMessage(messages, { kind: "error", title: t("contribImport.chooseFile"), focus: true });
      input.focus();
      return;
    }
    if (!dryRun && checked !== file) return;
    runButton.disabled = true;
    replace(results, h("p", { class: "muted", role: "status" }, t("contribImport.uploading")));
    const r = await uploadFile(`/api/contributions/import${dryRun ? "?dryRun=true" : ""}`, file);
    if (r.status !== 200 && r.status !== 202) {
      replace(results);
      if (r.status !== 401) showMessage(messages, { ...problemMessage(r), focus: true });
      return;
    }
    const job = await follow(r.body, results, messages, isCurrent);
    if (!job) return;
    // a clean check offers the import of the same file
    checked = dryRun && job.status === "done" && job.refused === 0 && job.total > 0 ? file : null;
    runButton.disabled = checked === null;
    if (checked) runButton.focus();
  }

  checkButton.addEventListener("click", () => void submit(true));
  const form = importForm(input, messages, [checkButton, " ", runButton], () => void submit(false));
  replace(
    view,
    h("p", { class: "back" }, h("a", { href: "#/" }, `← ${t("case.back")}`)),
    h("h1", { tabindex: "-1" }, t("contribImport.heading")),
    h("p", null, t("contribImport.intro")),
    h("p", { class: "form-actions" }, templateButton("xlsx", messages), " ", templateButton("csv", messages)),
    form,
    results,
  );
  /** @type {HTMLElement | null} */ (view.querySelector("h1"))?.focus();
}

/**
 * The form: the file, a hint, the buttons; submitting it imports.
 * @param {HTMLInputElement} input @param {HTMLElement} messages @param {(HTMLElement | string)[]} buttons
 * @param {() => void} onImport
 */
function importForm(input, messages, buttons, onImport) {
  return h(
    "form",
    {
      class: "card import-form",
      novalidate: true,
      onSubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        onImport();
      },
    },
    h(
      "div",
      { class: "field" },
      h("label", { for: "contrib-file" }, t("contribImport.file")),
      h("p", { class: "hint", id: "contrib-file-hint" }, t("contribImport.fileHint")),
      input,
    ),
    messages,
    h("p", { class: "hint" }, t("contribImport.checkFirst")),
    h("p", { class: "form-actions" }, ...buttons),
  );
}

/**
 * The job as it runs, polled until it ends or the user moves on (then null).
 * @param {any} job @param {HTMLElement} results @param {HTMLElement} messages @param {() => boolean} isCurrent
 */
async function follow(job, results, messages, isCurrent) {
  renderJob(results, job);
  while (job.status === "running" && job.id && isCurrent()) {
    await new Promise((ok) => setTimeout(ok, POLL_MS));
    if (!isCurrent()) return null;
    const r = await api("GET", `/api/contribution-imports/${job.id}`);
    if (r.status !== 200) {
      if (r.status !== 401) showMessage(messages, problemMessage(r));
      return null;
    }
    job = r.body;
    renderJob(results, job);
  }
  return job.status === "running" ? null : job;
}

/** The progress bar of a running job: its phase and how far it is. @param {any} job */
function progress(job) {
  return h(
    "div",
    { class: "import-progress" },
    h(
      "label",
      { for: "contrib-progress" },
      t(`contribImport.phase.${job.phase}`),
      " ",
      t("contribImport.progress", { processed: job.processed, total: job.total }),
    ),
    h("progress", {
      id: "contrib-progress",
      max: String(Math.max(job.total, 1)),
      value: String(job.processed),
      "aria-label": t("contribImport.progressLabel"),
    }),
  );
}

/** What the job came to, in a sentence. @param {any} job */
function outcome(job) {
  const counts = {
    total: job.total,
    added: job.added,
    corrected: job.corrected,
    unchanged: job.unchanged,
    refused: job.refused,
    people: job.people,
  };
  const [kind, text] =
    job.status === "failed"
      ? ["note-danger", t("contribImport.failed")]
      : job.refused > 0
        ? ["note-danger", t("contribImport.refused", counts)]
        : job.dryRun
          ? ["note-success", t("contribImport.summaryDry", counts)]
          : ["note-success", t("contribImport.summary", counts)];
  return h("p", { class: `note ${kind}`, role: "status" }, text);
}

/** @param {HTMLElement} slot @param {any} job */
function renderJob(slot, job) {
  replace(slot, job.status === "running" ? progress(job) : outcome(job), job.rows.length ? refusedTable(job) : null);
}

/** The columns of the file (the template's), named in the page's language. */
const COLUMNS = [
  "idNumber",
  "insurance",
  "month",
  "base",
  "employer",
  "individual",
  "accountCredit",
  "status",
  "payer",
  "employerCreditCode",
  "reason",
  "openingBalance",
  "asOfMonth",
  "agency",
];

/** A column's name and key, e.g. 费款所属期 (month). @param {string} path */
function columnLabel(path) {
  return COLUMNS.includes(path) ? `${t(`contribImport.field.${path}`)} (${path})` : path;
}

/** The bad rows: number, column, what is wrong. @param {any} job */
function refusedTable(job) {
  return h(
    "div",
    null,
    job.refused > job.rows.length
      ? h("p", { class: "hint" }, t("contribImport.firstRows", { shown: job.rows.length, refused: job.refused }))
      : null,
    h(
      "div",
      { class: "table-scroll", tabindex: "0", role: "region", "aria-label": t("contribImport.tableLabel") },
      h(
        "table",
        { class: "queue import-table" },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            ["contribImport.col.row", "contribImport.col.field", "contribImport.col.error"].map((k) =>
              h("th", { scope: "col" }, t(k)),
            ),
          ),
        ),
        h(
          "tbody",
          null,
          job.rows.flatMap((/** @type {any} */ r) =>
            r.errors.map((/** @type {any} */ e, /** @type {number} */ i) =>
              h(
                "tr",
                { class: "row-overdue", "data-row": r.row },
                i === 0 ? h("th", { scope: "row", rowspan: String(r.errors.length) }, String(r.row)) : null,
                h("td", null, columnLabel(e.path)),
                h("td", null, e.message),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

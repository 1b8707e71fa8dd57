// The parties of a case in the console (docs/parties.md): the open-case form's person, employer,
// scheme and insurance fields, the answer to a refused double enrolment (409 open-case-exists),
// the case page's card with the person's other cases, the queue's list of duplicate open cases
// from before the rule, and the scheme filter.
import { api } from "./api.js";
import { h, replace } from "./dom.js";
import { t, label as pick } from "./i18n.js";
import { formatDate, typeLabel } from "./ui.js";
import { insurances, schemes } from "./vocabulary.js";

/**
 * The server's lists the open-case form offers (schemes, insurances), from its OpenAPI document.
 * @typedef {{ schemes: string[], insurances: string[] }} PartyVocabulary
 * @returns {Promise<PartyVocabulary>}
 */
export async function partyVocabulary() {
  const [schemeList, insuranceList] = await Promise.all([schemes(), insurances()]);
  return { schemes: schemeList, insurances: insuranceList };
}

/** @param {string[]} list */
const schemeOptions = (list) => list.map((s) => ({ value: s, label: t(`parties.scheme.${s}`) }));

/**
 * The open-case form's extra fields, in a disclosure (they are optional).
 * @param {import("./ui.js").Fields} fields
 * @param {PartyVocabulary} vocabulary
 */
export function partyFields(fields, vocabulary) {
  return h(
    "details",
    { class: "party-fields" },
    h("summary", null, t("parties.more")),
    fields.add({
      name: "scheme",
      label: t("parties.scheme"),
      kind: "select",
      hint: t("parties.schemeHint"),
      value: "employee",
      options: schemeOptions(vocabulary.schemes),
    }),
    fields.add({
      name: "toScheme",
      label: t("parties.toScheme"),
      kind: "select",
      options: [{ value: "", label: t("parties.toSchemeSame") }, ...schemeOptions(vocabulary.schemes)],
    }),
    fields.add({
      name: "insurance",
      label: t("parties.insurance"),
      kind: "select",
      hint: t("parties.insuranceHint"),
      options: [
        { value: "", label: t("form.choose") },
        ...vocabulary.insurances.map((i) => ({ value: i, label: t(`parties.insurance.${i}`) })),
      ],
    }),
    fields.add({
      name: "employer.name",
      label: t("parties.employerName"),
      attrs: { autocomplete: "organization", maxlength: 100 },
    }),
    fields.add({
      name: "employer.creditCode",
      label: t("parties.creditCode"),
      hint: t("parties.creditCodeHint"),
      attrs: { autocomplete: "off", spellcheck: "false", maxlength: 18, class: "mono" },
    }),
    fields.add({
      name: "insured.nameCorrection.reason",
      label: t("parties.nameCorrection"),
      hint: t("parties.nameCorrectionHint"),
      kind: "textarea",
      attrs: { maxlength: 500 },
    }),
  );
}

/**
 * The parts of the POST /api/cases body the fields above give.
 * @param {(name: string) => string} v trimmed value of a field
 */
export function partyBody(v) {
  /** @type {Record<string, unknown>} */
  const body = {};
  if (v("scheme") && v("scheme") !== "employee") body.scheme = v("scheme");
  if (v("toScheme")) body.toScheme = v("toScheme");
  // a transfer's insurance follows its type: the server refuses a mismatch on this field (422)
  if (v("insurance")) body.insurance = v("insurance");
  if (v("employer.name") || v("employer.creditCode"))
    body.employer = { name: v("employer.name"), creditCode: v("employer.creditCode").toUpperCase() };
  return body;
}

/** The name correction, which goes inside `insured`. @param {(name: string) => string} v */
export function nameCorrectionOf(v) {
  return v("insured.nameCorrection.reason") ? { nameCorrection: { reason: v("insured.nameCorrection.reason") } } : {};
}

/**
 * What a clerk sees when a double enrolment is refused (409 open-case-exists): who handles the
 * open case, and a link to it when it is theirs to see. Null for any other answer.
 * @param {{ status: number, body: any }} r
 */
export function openCaseExistsMessage(r) {
  if (r.status !== 409 || !/open-case-exists$/.test(String(r.body?.type ?? ""))) return null;
  const open = r.body.openCase;
  const agencies = open
    ? open.fromAgency.code === open.toAgency.code
      ? `${open.fromAgency.name} (${open.fromAgency.code})`
      : `${open.fromAgency.name} (${open.fromAgency.code}) → ${open.toAgency.name} (${open.toAgency.code})`
    : "—";
  /** @type {string[]} */
  const details = [t("parties.duplicate.where", { agencies })];
  const actions = [];
  if (open?.id) {
    actions.push({
      label: t("parties.duplicate.open", { caseNumber: open.caseNumber }),
      primary: true,
      onClick: () => {
        location.hash = `#/case/${open.id}`;
      },
    });
  } else details.push(t("parties.duplicate.hidden"));
  details.push(t("parties.duplicate.help"));
  return { kind: /** @type {const} */ ("error"), title: t("parties.duplicate.title"), details, actions, focus: true };
}

/** "Resident → Employee", or the one scheme. @param {{ scheme: string, toScheme?: string | null }} c */
export function schemeText(c) {
  return c.toScheme
    ? `${t(`parties.scheme.${c.scheme}`)} → ${t(`parties.scheme.${c.toScheme}`)}`
    : t(`parties.scheme.${c.scheme}`);
}

/** @param {string} term @param {any} value */
const fact = (term, value) => h("div", { class: "fact" }, h("dt", null, term), h("dd", null, value));

/**
 * The case page's card: insurance, scheme, employer, and the person's other cases (loaded after).
 * @param {any} c case view
 */
export function partiesCard(c) {
  const related = h("div", { class: "related" }, h("p", { class: "muted", role: "status" }, t("common.loading")));
  void loadRelated(c.id, related);
  return h(
    "section",
    { class: "card", "aria-labelledby": "sec-parties" },
    h("h2", { id: "sec-parties" }, t("parties.heading")),
    h(
      "dl",
      { class: "facts" },
      fact(t("parties.insurance"), t(`parties.insurance.${c.insurance}`)),
      fact(t("parties.scheme"), schemeText(c)),
      fact(
        t("parties.employer"),
        c.employer
          ? h("span", null, c.employer.name, " · ", h("span", { class: "mono" }, c.employer.creditCode))
          : t("parties.noEmployer"),
      ),
    ),
    h("h3", null, t("parties.related")),
    related,
  );
}

/** @param {string} id @param {HTMLElement} slot */
async function loadRelated(id, slot) {
  const r = await api("GET", `/api/cases/${id}/related`);
  if (r.status !== 200) return void replace(slot);
  /** @type {any[]} */
  const items = r.body.items;
  if (items.length === 0) return void replace(slot, h("p", { class: "muted" }, t("parties.relatedNone")));
  replace(
    slot,
    h(
      "ul",
      { class: "related-list" },
      items.map((o) =>
        h(
          "li",
          null,
          h("a", { href: `#/case/${o.id}` }, o.caseNumber),
          ` · ${typeLabel(o.type)} · ${pick(o.stateLabel)} · `,
          h(
            "span",
            { class: o.final ? "badge badge-neutral" : "badge badge-info" },
            o.final ? t("parties.relatedClosed") : t("parties.relatedOpen"),
          ),
          ` · ${formatDate(o.openedOn)}`,
        ),
      ),
    ),
  );
}

/** The queue's notice of duplicate open cases to resolve (empty when there are none). */
export function duplicatesNotice() {
  const slot = h("div", { class: "duplicates-slot" });
  void (async () => {
    const r = await api("GET", "/api/enrolments/duplicates");
    if (r.status !== 200 || r.body.items.length === 0) return;
    /** @type {any[]} */
    const items = r.body.items;
    replace(
      slot,
      h(
        "section",
        { class: "note note-warning", role: "region", "aria-labelledby": "dup-title" },
        h("h2", { id: "dup-title" }, t("parties.duplicates.title", { n: items.length })),
        h("p", null, t("parties.duplicates.help")),
        h(
          "ul",
          null,
          items.map((d) =>
            h(
              "li",
              null,
              h("a", { href: `#/case/${d.id}` }, d.caseNumber),
              ` · ${typeLabel(d.type)} · ${d.fromAgency} → ${d.toAgency} · #${d.group}`,
              d.holdsEnrolment ? h("span", { class: "badge badge-info" }, ` ${t("parties.duplicates.holds")}`) : null,
            ),
          ),
        ),
      ),
    );
  })();
  return slot;
}

/**
 * The queue's scheme filter.
 * @param {import("./ui.js").Fields} fields
 * @param {string} value
 * @param {string[]} schemeList the server's schemes (`schemes()` of vocabulary.js)
 */
export function schemeFilterField(fields, value, schemeList) {
  return fields.add({
    name: "scheme",
    label: t("parties.filterScheme"),
    kind: "select",
    value,
    options: [{ value: "", label: t("parties.allSchemes") }, ...schemeOptions(schemeList)],
  });
}

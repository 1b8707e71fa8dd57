// The agency picker: an agency-code input becomes a combobox backed by GET /api/agencies?q= (code,
// part of the name, or the region code), so nobody types agency codes from memory. It is the
// browser's own <input list> + <datalist> (keyboard and screen-reader support come with it), with
// a polite live region saying how many agencies were found and which one is chosen.
import { api } from "./api.js";
import { h, uniqueId } from "./dom.js";
import { t } from "./i18n.js";

const DELAY_MS = 200;

/**
 * Turns an agency-code input into a picker. The input keeps the agency code as its value.
 * @param {HTMLInputElement} input
 */
export function attachAgencyPicker(input) {
  if (input.dataset.agencyPicker) return;
  input.dataset.agencyPicker = "on";
  const listId = uniqueId("agency-list");
  const statusId = `${listId}-status`;
  const list = h("datalist", { id: listId });
  const status = h("p", { class: "hint picker-status", id: statusId, role: "status", "aria-live": "polite" });
  input.setAttribute("list", listId);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), statusId].filter(Boolean).join(" "));
  if (!input.placeholder) input.placeholder = t("picker.hint");
  input.after(list, status);

  /** @type {Map<string, { code: string, name: string, region: string }>} */
  const known = new Map();
  let timer = 0;
  let asked = 0;

  const describeChoice = () => {
    const a = known.get(input.value.trim());
    if (a) status.textContent = t("picker.chosen", a);
    return Boolean(a);
  };

  const search = async () => {
    const q = input.value.trim();
    const mine = ++asked;
    status.textContent = t("picker.searching");
    const r = await api("GET", `/api/agencies?${new URLSearchParams({ q, limit: "20" })}`);
    if (mine !== asked || r.status !== 200) return;
    /** @type {{ code: string, name: string, region: string }[]} */
    const items = r.body.items;
    for (const a of items) known.set(a.code, a);
    list.replaceChildren(...items.map((a) => h("option", { value: a.code, label: `${a.name} · ${a.region}` })));
    if (!describeChoice())
      status.textContent = items.length ? t("picker.results", { n: items.length }) : t("picker.none");
  };

  input.addEventListener("input", () => {
    if (describeChoice()) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void search(), DELAY_MS);
  });
  input.addEventListener("focus", () => {
    if (list.childElementCount === 0) void search();
  });
  input.addEventListener("change", () => void describeChoice());
}

/**
 * Every agency-code input of a form (fields named fromAgency, toAgency or agency) becomes a picker.
 * @param {ParentNode} root
 */
export function attachAgencyPickers(root) {
  for (const input of root.querySelectorAll('input[name="fromAgency"], input[name="toAgency"], input[name="agency"]'))
    attachAgencyPicker(/** @type {HTMLInputElement} */ (input));
}

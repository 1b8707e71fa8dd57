// The case types the server offers (GET /api/machines), once loaded: a plain registry with no
// imports, so that ui.js (type labels) and machines.js (which loads it) do not import each other.

/**
 * One item of GET /api/machines. `label`, `singleAgency` and `caseNumberPrefix` are machine
 * metadata; a server that does not send them yet leaves them undefined.
 * @typedef {{ type: string, latestVersion: number, label?: { zh: string, en: string },
 *   singleAgency?: boolean, caseNumberPrefix?: string }} CaseTypeInfo
 */

/** @type {Map<string, CaseTypeInfo>} */
export const caseTypeInfo = new Map();

/** @param {CaseTypeInfo[]} items */
export function rememberCaseTypes(items) {
  caseTypeInfo.clear();
  for (const item of items) caseTypeInfo.set(item.type, item);
}

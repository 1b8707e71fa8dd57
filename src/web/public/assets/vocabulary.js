// The server's vocabularies (the values of its enums: audit actions, insurances, schemes,
// attachment kinds, roles), read from the OpenAPI document it serves, so that no page keeps a
// copy of a server list. The labels stay in the dictionaries (the keys parties.scheme.*, role.*…).
import { api } from "./api.js";

/** @type {Promise<any> | undefined} */
let served;

/** The served OpenAPI document, fetched once per page (again after a failure); null without it. */
function openApiDocument() {
  return (served ??= api("GET", "/api/openapi.json", { auth: false }).then((r) => {
    if (r.status === 200 && r.body && typeof r.body === "object") return r.body;
    served = undefined; // try again next time
    return null;
  }));
}

/**
 * The list `find` picks out of the document; empty when the document cannot be had.
 * @param {(doc: any) => unknown} find
 * @returns {Promise<string[]>}
 */
async function listIn(find) {
  const doc = await openApiDocument();
  const list = doc ? find(doc) : undefined;
  return Array.isArray(list) ? list : [];
}

/** The values the `action` filter of GET /api/admin/audit-log accepts (AUDIT_ACTIONS, src/engine/audit.ts). */
export const auditActions = () =>
  listIn(
    (doc) =>
      /** @type {{ name: string, in: string, schema?: { enum?: string[] } }[]} */ (
        doc.paths?.["/api/admin/audit-log"]?.get?.parameters ?? []
      ).find((p) => p.name === "action" && p.in === "query")?.schema?.enum,
  );

/** The insurances a case may be about (INSURANCES, src/domain/schemes.ts). */
export const insurances = () => listIn((doc) => doc.components?.schemas?.Insurance?.enum);

/** The schemes a person may be insured under (SCHEMES, src/domain/schemes.ts). */
export const schemes = () => listIn((doc) => doc.components?.schemas?.Case?.properties?.scheme?.enum);

/** The kinds of document a clerk attaches to a case (ATTACHMENT_KINDS, src/domain/requiredDocuments.ts). */
export const attachmentKinds = () => listIn((doc) => doc.components?.schemas?.UploadAttachment?.properties?.kind?.enum);

/** The roles an account may have (POST /api/admin/users). */
export const roles = () => listIn((doc) => doc.components?.schemas?.CreateUser?.properties?.role?.enum);

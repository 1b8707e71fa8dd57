// Checks a service's answers against its own OpenAPI document: the status must be one the
// operation lists, the content type one it describes for that status, and the body must validate
// against that schema (Ajv, JSON Schema 2020-12, with ajv-formats). Stricter than the document in
// one way: an object whose schema lists its properties may not carry others, so a field that a
// view adds without its schema fails here (the document itself stays open to additions).
// Opt in with client(url, { checkAnswers: true }) (test/support/server.ts).
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

type Json = Record<string, any>;
interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  literals: number;
  responses: Json;
}

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv2020) => void;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as AddFormats;
const refBase = "https://openapi.invalid/components/schemas/";

/** Ajv ids for the document's $refs, and objects with listed properties closed to others. */
function prepare(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(prepare);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === "$ref" && typeof v === "string" ? v.replace("#/components/schemas/", refBase) : prepare(v);
  }
  const combined = "allOf" in out || "anyOf" in out || "oneOf" in out;
  if (out.properties && !("additionalProperties" in out) && !combined) out.additionalProperties = false;
  return out;
}

function operationsOf(doc: Json): Operation[] {
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries<Json>(doc.paths ?? {})) {
    const segments = template.split("/");
    const source = segments
      .map((s) => (/^\{[^}]+\}$/.test(s) ? "[^/]+" : s.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
      .join("/");
    // As Express routes: case-insensitive, a trailing slash allowed.
    const pattern = new RegExp(`^${source}/?$`, "i");
    for (const [method, op] of Object.entries<Json>(item)) {
      if (!op?.responses) continue;
      const literals = segments.filter((s) => !s.startsWith("{")).length;
      ops.push({ method: method.toUpperCase(), template, pattern, literals, responses: op.responses });
    }
  }
  return ops;
}

export interface CheckedReply {
  status: number;
  body: unknown;
  headers: Headers;
}

/** A checker for one service: fetches its document on first use, then checks each reply. */
export function answerChecker(baseUrl: string) {
  let loaded: Promise<{ ops: Operation[]; ajv: Ajv2020 }> | undefined;
  const validators = new Map<string, ValidateFunction>();

  async function load() {
    const res = await fetch(`${baseUrl}/api/openapi.json`);
    if (res.status !== 200) throw new Error(`OpenAPI check: GET /api/openapi.json answered ${res.status}`);
    const doc = (await res.json()) as Json;
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addVocabulary(["example", "discriminator", "xml", "externalDocs"]);
    for (const [name, schema] of Object.entries<Json>(doc.components?.schemas ?? {})) {
      ajv.addSchema(prepare(schema) as Json, refBase + name);
    }
    return { ops: operationsOf(doc), ajv };
  }

  return async function check(method: string, target: string, reply: CheckedReply): Promise<void> {
    loaded ??= load();
    const { ops, ajv } = await loaded;
    const upper = method.toUpperCase();
    const path = target.split("?")[0].split("#")[0];
    // The most specific template wins (/a/b over /a/{x}); an undocumented path is not checked.
    const op = ops.filter((o) => o.method === upper && o.pattern.test(path)).sort((a, b) => b.literals - a.literals)[0];
    if (!op) return;
    const where = `${upper} ${target} (operation ${upper} ${op.template})`;
    const excerpt = () => JSON.stringify(reply.body)?.slice(0, 400);
    const status = String(reply.status);
    const answer = op.responses[status] ?? op.responses[`${status[0]}XX`] ?? op.responses.default;
    if (!answer) {
      throw new Error(
        `OpenAPI check: ${where} answered ${reply.status}, which the document does not list ` +
          `(documented: ${Object.keys(op.responses).join(", ")}); body: ${excerpt()}`,
      );
    }
    for (const [name, h] of Object.entries<Json>(answer.headers ?? {})) {
      if (h.required && !reply.headers.has(name)) {
        throw new Error(`OpenAPI check: ${where} answered ${reply.status} without its required ${name} header`);
      }
    }
    const media = (reply.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    const hasBody = reply.body !== "" && reply.body !== undefined;
    if (!answer.content) {
      if (hasBody) {
        throw new Error(
          `OpenAPI check: ${where} answered ${reply.status} with a body (${media}) the document does not describe`,
        );
      }
      return;
    }
    const described = answer.content[media];
    if (!described) {
      throw new Error(
        `OpenAPI check: ${where} answered ${reply.status} as ${media || "(no content type)"}; ` +
          `the document describes ${Object.keys(answer.content).join(", ")}`,
      );
    }
    if (!described.schema) return;
    const key = `${op.method} ${op.template} ${reply.status} ${media}`;
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(prepare(described.schema) as Json);
      validators.set(key, validate);
    }
    if (!validate(reply.body)) {
      const errors = (validate.errors ?? []).map(
        (e) => `${e.instancePath || "(body)"} ${e.message} ${JSON.stringify(e.params)}`,
      );
      throw new Error(
        `OpenAPI check: ${where} answered ${reply.status} with a body that does not match its schema:\n` +
          `  ${errors.join("\n  ")}\nbody: ${excerpt()}`,
      );
    }
  };
}

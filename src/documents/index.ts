// A case's documents on request: the list (with verification codes), one document as a PDF, and
// the verification of a code. Nothing here runs on the advance path: documents are computed from
// the event log when someone asks for them (docs/documents.md).
import { Prisma } from "../generated/prisma/client.ts";
import { directSqlOf } from "../db/client.ts";
import type { EngineContext } from "../engine/context.ts";
import type { CaseWithAgencies } from "../engine/types.ts";
import { moduleOf } from "../engine/machineCatalog.ts";
import { caseTypeInfo, type CaseType } from "../../machines/index.ts";
import { storeFor } from "../engine/store.ts";
import { maskIdNumber, maskName } from "../domain/idNumber.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import { DOCUMENT_CODE_ALPHABET, DOCUMENT_CODE_LENGTH } from "../privacy/dataKey.ts";
import { deriveDocuments, type DerivedDocument } from "./derive.ts";
import {
  clerkOf,
  documentKinds,
  issuingAgency,
  type DocumentCase,
  type DocumentEvent,
  type DocumentFigure,
  type DocumentKind,
  type DocumentKindSpec,
} from "./kinds.ts";
import { renderPdf } from "./pdf.ts";

export { documentKindNames, isDocumentKind, type DocumentKind } from "./kinds.ts";

export interface CaseDocument extends DerivedDocument {
  verificationCode: string;
}

export interface CaseDocuments {
  case: DocumentCase;
  events: DocumentEvent[];
  documents: CaseDocument[];
}

async function documentCase(ctx: EngineContext, c: CaseWithAgencies): Promise<DocumentCase> {
  const key = dataKeyOf(ctx.db);
  // the case's own machine version must be installed (else 500 machine-version-missing)
  const { type } = moduleOf(ctx, c);
  const attachments = await ctx.db.caseAttachment.findMany({
    where: { caseId: c.id },
    orderBy: { createdAt: "asc" },
    select: { kind: true, createdAt: true },
  });
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    type: c.type,
    typeLabel: caseTypeInfo(type as CaseType).label,
    fromAgency: { name: c.fromAgency.name, region: c.fromAgency.region },
    toAgency: { name: c.toAgency.name, region: c.toAgency.region },
    insured: {
      name: key.decrypt(c.insuredName, "insuredName"),
      idNumber: key.decrypt(c.insuredIdNumber, "insuredIdNumber"),
    },
    scheme: c.scheme,
    stepDueOn: c.stepDueOn,
    stepSeq: c.stepSeq,
    attachments: attachments.map((a) => ({ kind: a.kind, createdAt: a.createdAt.toISOString() })),
  };
}

/**
 * The agency of each actor of these events, by actor kind and id: a staff member's (User.agencyId)
 * or an API client's (ApiClient.agencyId). The system and administrators have none.
 */
async function actorAgencies(
  ctx: EngineContext,
  rows: { actorKind: string; actorId: number | null }[],
): Promise<Map<string, number | null>> {
  const ids = (kind: string) => [
    ...new Set(rows.flatMap((r) => (r.actorKind === kind && r.actorId !== null ? [r.actorId] : []))),
  ];
  const staff = ids("staff");
  const clients = ids("client");
  const [users, apiClients] = await Promise.all([
    staff.length > 0
      ? ctx.db.user.findMany({ where: { id: { in: staff } }, select: { id: true, agencyId: true } })
      : [],
    clients.length > 0
      ? ctx.db.apiClient.findMany({ where: { id: { in: clients } }, select: { id: true, agencyId: true } })
      : [],
  ]);
  return new Map([
    ...users.map((u) => [`staff:${u.id}`, u.agencyId] as const),
    ...apiClients.map((a) => [`client:${a.id}`, a.agencyId] as const),
  ]);
}

async function eventsOf(ctx: EngineContext, c: CaseWithAgencies): Promise<DocumentEvent[]> {
  const rows = await ctx.db.caseEvent.findMany({
    where: { caseId: c.id },
    orderBy: { seq: "asc" },
    select: {
      seq: true,
      type: true,
      occurredOn: true,
      toState: true,
      payload: true,
      actorKind: true,
      actorId: true,
      actorName: true,
      stepDueOn: true,
      recordedAt: true,
    },
  });
  const agencies = await actorAgencies(ctx, rows);
  // the one of the case's agencies the actor belongs to (a clerk who moved since: none)
  const agencyOf = (agencyId: number | null | undefined) =>
    agencyId === c.fromAgencyId
      ? { name: c.fromAgency.name, region: c.fromAgency.region }
      : agencyId === c.toAgencyId
        ? { name: c.toAgency.name, region: c.toAgency.region }
        : null;
  return rows.map((r) => ({
    seq: r.seq,
    type: r.type,
    occurredOn: r.occurredOn,
    toState: r.toState,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    actor: {
      kind: r.actorKind,
      name: r.actorName,
      agency: r.actorId === null ? null : agencyOf(agencies.get(`${r.actorKind}:${r.actorId}`)),
    },
    stepDueOn: r.stepDueOn,
    recordedAt: r.recordedAt.toISOString(),
  }));
}

const slot = (seq: number, kind: string) => `${seq}\u0000${kind}`;

/**
 * The verification codes of these documents: the stored ones, and for the others the derived code
 * (DataKey.documentCode), stored now. A stored code wins, so a code once printed stays the code of
 * its document (also after a change of data key). Concurrent requests derive the same code and the
 * insert is ON CONFLICT DO NOTHING.
 */
async function codesFor(ctx: EngineContext, caseId: string, docs: DerivedDocument[]): Promise<Map<string, string>> {
  const read = async () =>
    new Map(
      (await ctx.db.documentCode.findMany({ where: { caseId } })).map((r) => [slot(r.seq, r.kind), r.code] as const),
    );
  let codes = await read();
  const missing = docs.filter((d) => !codes.has(slot(d.seq, d.kind)));
  if (missing.length > 0) {
    const key = dataKeyOf(ctx.db);
    const now = new Date();
    await directSqlOf(ctx.db).execute(Prisma.sql`
      INSERT INTO "DocumentCode" ("code", "caseId", "seq", "kind", "createdAt")
      VALUES ${Prisma.join(missing.map((d) => Prisma.sql`(${key.documentCode(caseId, d.seq, d.kind)}, ${caseId}, ${d.seq}, ${d.kind}, ${now})`))}
      ON CONFLICT DO NOTHING`);
    codes = await read();
  }
  return codes;
}

/**
 * The documents the case has now, oldest first, each with its verification code. `select` picks
 * some of them (e.g. the one asked for): only those get a code, so that a request for a document
 * the case does not have writes nothing.
 */
export async function caseDocuments(
  ctx: EngineContext,
  c: CaseWithAgencies,
  select: (docs: DerivedDocument[]) => DerivedDocument[] = (docs) => docs,
): Promise<CaseDocuments> {
  const dc = await documentCase(ctx, c);
  const events = await eventsOf(ctx, c);
  const chosen = select(deriveDocuments(moduleOf(ctx, c), dc, events));
  const codes = chosen.length > 0 ? await codesFor(ctx, c.id, chosen) : new Map<string, string>();
  const documents = chosen.flatMap((d) => {
    const verificationCode = codes.get(slot(d.seq, d.kind));
    return verificationCode ? [{ ...d, verificationCode }] : [];
  });
  return { case: dc, events, documents };
}

/** The latest document of `kind`, or the one from event `seq`, as a selection for caseDocuments. */
export function pick(kind: DocumentKind, seq?: number) {
  return (docs: DerivedDocument[]): DerivedDocument[] => {
    const ofKind = docs.filter((d) => d.kind === kind);
    const found = seq === undefined ? ofKind.at(-1) : ofKind.find((d) => d.seq === seq);
    return found ? [found] : [];
  };
}

/** Where the documents point: the verification page of a code and the status page. */
export interface Addresses {
  /** e.g. https://si.example.gov.cn (no trailing slash) */
  base: string;
}

/** The agency that issues `doc` (issuingAgency): the PDF and the verification name the same one. */
function issuerOf(ctx: EngineContext, c: CaseWithAgencies, all: CaseDocuments, doc: CaseDocument) {
  const event = all.events.find((e) => e.seq === doc.seq)!;
  return issuingAgency(doc.kind, all.case, event, moduleOf(ctx, c).states[event.toState]?.outcome);
}

/**
 * The step due date event `seq` set: the next event's `stepDueOn` (the case's step due date in
 * force when it was recorded), or while `seq` is the last event that started the running clock,
 * the case's. Null when the event set none.
 */
function stepDueAfter(all: CaseDocuments, seq: number): string | null {
  const next = all.events.find((e) => e.seq > seq);
  if (next) return next.stepDueOn;
  return all.case.stepSeq === seq ? all.case.stepDueOn : null;
}

/** A document as a PDF (A4). */
export function documentPdf(
  ctx: EngineContext,
  c: CaseWithAgencies,
  all: CaseDocuments,
  doc: CaseDocument,
  at: Addresses,
): Promise<Buffer> {
  const spec = documentKinds[doc.kind];
  const mod = moduleOf(ctx, c);
  const event = all.events.find((e) => e.seq === doc.seq)!;
  const issuer = issuerOf(ctx, c, all, doc);
  return renderPdf({
    title: spec.title,
    caseNumber: all.case.caseNumber,
    issuer: issuer.name,
    issuedOn: doc.issuedOn,
    insuredName: all.case.insured.name,
    idNumber: spec.fullIdNumber ? all.case.insured.idNumber : maskIdNumber(all.case.insured.idNumber),
    blocks: spec.body({
      case: all.case,
      event,
      before: all.events.filter((e) => e.seq <= doc.seq),
      stateLabel: (state) => mod.states[state]?.label ?? { zh: state, en: state },
      statusAddress: `${at.base}/`,
      issuer,
      outcome: (state) => mod.states[state]?.outcome,
      stepDueAfter: stepDueAfter(all, doc.seq),
      overall: mod.overall
        ? { startsWith: mod.overall.startsWith, nationalMaxDays: mod.overall.nationalMaxDays }
        : null,
    }),
    clerk: clerkOf(event.actor),
    verificationCode: doc.verificationCode,
    verificationUrl: `${at.base}/verify/${doc.verificationCode}`,
    supersededOn: doc.supersededBy?.issuedOn ?? null,
  });
}

/** A code as typed or scanned: upper case, without spaces and hyphens; null when it cannot be one. */
export function normalizeCode(raw: string): string | null {
  const code = raw.replace(/[\s-]/g, "").toUpperCase();
  if (code.length !== DOCUMENT_CODE_LENGTH) return null;
  for (const ch of code) if (!DOCUMENT_CODE_ALPHABET.includes(ch)) return null;
  return code;
}

export interface Verification {
  verificationCode: string;
  kind: DocumentKind;
  title: { zh: string; en: string };
  caseNumber: string;
  caseType: string;
  issuingAgency: { name: string; region: string };
  issuedOn: string;
  insuredName: string;
  status: "valid" | "superseded";
  supersededOn: string | null;
  /** the amounts and months the document was issued with (none for a kind that states none) */
  figures: DocumentFigure[];
}

/** The figures a document states, from its event and the events before it. */
function figuresOf(all: CaseDocuments, doc: CaseDocument): DocumentFigure[] {
  const figures = (documentKinds[doc.kind] as DocumentKindSpec).figures;
  const event = all.events.find((e) => e.seq === doc.seq);
  if (!figures || !event) return [];
  return figures({ event, before: all.events.filter((e) => e.seq <= doc.seq) });
}

/** What anyone holding a document may learn by its code; null for a code that is no document's. */
export async function verifyCode(ctx: EngineContext, raw: string): Promise<Verification | null> {
  const code = normalizeCode(raw);
  if (!code) return null;
  const row = await ctx.db.documentCode.findUnique({ where: { code } });
  if (!row) return null;
  const c = await storeFor(ctx.db).loaders.caseById.load(row.caseId);
  if (!c) return null;
  const all = await caseDocuments(ctx, c, (docs) => docs.filter((d) => d.seq === row.seq && d.kind === row.kind));
  const doc = all.documents[0];
  if (!doc) return null;
  const spec = documentKinds[doc.kind];
  const issuer = issuerOf(ctx, c, all, doc);
  return {
    verificationCode: code,
    kind: doc.kind,
    title: spec.title,
    caseNumber: all.case.caseNumber,
    caseType: c.type,
    issuingAgency: issuer,
    issuedOn: doc.issuedOn,
    insuredName: maskName(all.case.insured.name),
    status: doc.supersededBy ? "superseded" : "valid",
    supersededOn: doc.supersededBy?.issuedOn ?? null,
    figures: figuresOf(all, doc),
  };
}

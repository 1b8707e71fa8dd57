// Staff notes and attachments of a case: read and written by the staff of the case's agencies
// only (administrators, who see personal data masked, and other agencies' staff get 403). Both are
// append-only; an attachment is never deleted, only superseded by a later one. Note texts, file
// names and file bytes are encrypted with the data key, like the insured person's name.
import { createHash, randomUUID } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import type { CaseAttachment, CaseNote } from "../generated/prisma/client.ts";
import { Problem, problems } from "../problems.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import { missingKinds, requiredKinds, type AttachmentKind } from "../domain/requiredDocuments.ts";
import { allowedEventsFor } from "./access.ts";
import type { Actor, EngineContext } from "./context.ts";
import { loadCase } from "./readCase.ts";
import type { CaseWithAgencies } from "./types.ts";

/** The types an attachment may have, judged by its content. */
export const ATTACHMENT_TYPES = ["application/pdf", "image/jpeg", "image/png"] as const;

/** The actor's agency if it is one of the case's; 403 otherwise. */
export function caseAgencyOf(actor: Actor, c: Pick<CaseWithAgencies, "fromAgencyId" | "toAgencyId">): number {
  if (actor.kind !== "staff" || actor.agencyId === null)
    throw problems.forbidden("Notes and attachments are for the staff of the case's agencies.");
  if (c.fromAgencyId !== actor.agencyId && c.toAgencyId !== actor.agencyId)
    throw problems.forbidden("This case belongs to other agencies.");
  return actor.agencyId;
}

export interface NoteView {
  id: number;
  text: string;
  author: string;
  agency: string;
  createdAt: string;
}

export async function addNote(ctx: EngineContext, actor: Actor, c: CaseWithAgencies, text: string): Promise<NoteView> {
  const agencyId = caseAgencyOf(actor, c);
  const n = await ctx.db.caseNote.create({
    data: {
      caseId: c.id,
      agencyId,
      authorId: actor.userId,
      authorName: actor.username,
      text: dataKeyOf(ctx.db).encrypt(text, "noteText"),
      createdAt: new Date(),
    },
  });
  return noteView(ctx, c, n);
}

export async function listNotes(ctx: EngineContext, actor: Actor, c: CaseWithAgencies): Promise<NoteView[]> {
  caseAgencyOf(actor, c);
  const rows = await ctx.db.caseNote.findMany({ where: { caseId: c.id }, orderBy: { id: "asc" }, take: 1000 });
  return rows.map((n) => noteView(ctx, c, n));
}

const agencyCode = (c: CaseWithAgencies, id: number) => (id === c.fromAgencyId ? c.fromAgency.code : c.toAgency.code);

function noteView(ctx: EngineContext, c: CaseWithAgencies, n: CaseNote): NoteView {
  return {
    id: n.id,
    text: dataKeyOf(ctx.db).decrypt(n.text, "noteText"),
    author: n.authorName,
    agency: agencyCode(c, n.agencyId),
    createdAt: n.createdAt.toISOString(),
  };
}

export interface AttachmentView {
  id: string;
  kind: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  supersedes: string | null;
  supersededBy: string | null;
  uploadedBy: string;
  agency: string;
  createdAt: string;
}

/** A file name as shown and sent back: its last path segment, without control characters, at most 200 characters. */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? "").split(/[\\/]/).pop() ?? "";
  const clean = Array.from(base.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}"]/gu, "").trim())
    .slice(0, 200)
    .join("");
  return clean || "attachment";
}

export async function addAttachment(
  ctx: EngineContext,
  actor: Actor,
  c: CaseWithAgencies,
  input: { kind: AttachmentKind; fileName: string; bytes: Buffer; supersedes?: string },
): Promise<AttachmentView> {
  const agencyId = caseAgencyOf(actor, c);
  const type = await fileTypeFromBuffer(input.bytes);
  if (!type || !(ATTACHMENT_TYPES as readonly string[]).includes(type.mime))
    throw new Problem(
      415,
      "unsupported-attachment-type",
      "Unsupported attachment type",
      `An attachment must be a PDF, JPEG or PNG file (judged by its content${type ? `, which is ${type.mime}` : ""}).`,
      { accepted: [...ATTACHMENT_TYPES] },
    );
  const key = dataKeyOf(ctx.db);
  const id = randomUUID();
  const row = await ctx.db.$transaction(async (tx) => {
    if (input.supersedes) {
      const old = await tx.caseAttachment.findUnique({ where: { id: input.supersedes }, select: { caseId: true } });
      if (!old || old.caseId !== c.id)
        throw problems.invalid([{ path: "supersedes", message: "must be an attachment of this case" }]);
      const already = await tx.caseAttachment.findFirst({
        where: { supersedesId: input.supersedes },
        select: { id: true },
      });
      if (already) throw problems.conflict(`That attachment is already superseded by ${already.id}.`);
    }
    return tx.caseAttachment.create({
      data: {
        id,
        caseId: c.id,
        agencyId,
        kind: input.kind,
        mediaType: type.mime,
        size: input.bytes.length,
        sha256: createHash("sha256").update(input.bytes).digest("hex"),
        fileName: key.encrypt(input.fileName, "fileName"),
        content: new Uint8Array(key.encryptBytes(input.bytes, `attachment:${id}`)),
        supersedesId: input.supersedes ?? null,
        uploadedById: actor.userId,
        uploadedByName: actor.username,
        createdAt: new Date(),
      },
      omit: { content: true },
    });
  });
  return attachmentView(ctx, c, row, null);
}

type AttachmentMeta = Omit<CaseAttachment, "content">;

export async function listAttachments(ctx: EngineContext, actor: Actor, c: CaseWithAgencies) {
  caseAgencyOf(actor, c);
  const rows = await ctx.db.caseAttachment.findMany({
    where: { caseId: c.id },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    omit: { content: true },
    take: 1000,
  });
  const supersededBy = new Map(rows.filter((r) => r.supersedesId).map((r) => [r.supersedesId!, r.id]));
  return rows.map((r) => attachmentView(ctx, c, r, supersededBy.get(r.id) ?? null));
}

function attachmentView(
  ctx: EngineContext,
  c: CaseWithAgencies,
  r: AttachmentMeta,
  supersededBy: string | null,
): AttachmentView {
  return {
    id: r.id,
    kind: r.kind,
    fileName: dataKeyOf(ctx.db).decrypt(r.fileName, "fileName"),
    mediaType: r.mediaType,
    size: r.size,
    sha256: r.sha256,
    supersedes: r.supersedesId,
    supersededBy,
    uploadedBy: r.uploadedByName,
    agency: agencyCode(c, r.agencyId),
    createdAt: r.createdAt.toISOString(),
  };
}

export async function readAttachment(ctx: EngineContext, actor: Actor, c: CaseWithAgencies, attachmentId: string) {
  caseAgencyOf(actor, c);
  const r = await ctx.db.caseAttachment.findUnique({ where: { id: attachmentId } });
  if (!r || r.caseId !== c.id) throw problems.notFound("The attachment");
  const key = dataKeyOf(ctx.db);
  return {
    mediaType: r.mediaType,
    fileName: key.decrypt(r.fileName, "fileName"),
    sha256: r.sha256,
    bytes: key.decryptBytes(r.content, `attachment:${r.id}`),
  };
}

/** The kinds present on a case: its attachments that no later one supersedes. */
export async function presentKinds(ctx: EngineContext, caseId: string): Promise<Set<string>> {
  const rows = await ctx.db.caseAttachment.findMany({
    where: { caseId },
    select: { id: true, kind: true, supersedesId: true },
  });
  const superseded = new Set(rows.map((r) => r.supersedesId).filter(Boolean));
  return new Set(rows.filter((r) => !superseded.has(r.id)).map((r) => r.kind));
}

/** What each event `eventTypes` expects, what is missing, and whether the agency makes it binding. */
export async function checklist(
  ctx: EngineContext,
  c: CaseWithAgencies,
  agencyId: number,
  eventTypes: string[],
  present?: Set<string>,
) {
  const have = present ?? (await presentKinds(ctx, c.id));
  const agency = agencyId === c.fromAgencyId ? c.fromAgency : c.toAgency;
  return {
    binding: agency.requireDocuments,
    present: [...have].sort(),
    steps: eventTypes
      .map((eventType) => ({
        eventType,
        required: [...requiredKinds(c.type, eventType)],
        missing: missingKinds(c.type, eventType, have),
      }))
      .filter((s) => s.required.length > 0),
  };
}

/**
 * Before an event is recorded: when the recording agency makes the required documents binding, an
 * event whose expected kinds are not all on the case is refused (409 missing-documents). No query
 * when the event expects nothing or the agency does not bind.
 */
export async function assertRequiredDocuments(
  ctx: EngineContext,
  actor: Actor,
  c: CaseWithAgencies,
  eventType: string,
) {
  const required = requiredKinds(c.type, eventType);
  if (required.length === 0 || actor.agencyId === null) return;
  const agency = actor.agencyId === c.fromAgencyId ? c.fromAgency : c.toAgency;
  if (!agency.requireDocuments) return;
  const missing = missingKinds(c.type, eventType, await presentKinds(ctx, c.id));
  if (missing.length === 0) return;
  throw new Problem(
    409,
    "missing-documents",
    "Required documents missing",
    `${eventType} needs these documents attached to the case first: ${missing.join(", ")}.`,
    { eventType, missingKinds: missing, state: c.state },
  );
}

// The same, for a request that names the case by its id.

export async function addCaseNote(ctx: EngineContext, actor: Actor, caseId: string, text: string): Promise<NoteView> {
  return addNote(ctx, actor, await loadCase(ctx, caseId), text);
}

export async function caseNotes(ctx: EngineContext, actor: Actor, caseId: string): Promise<NoteView[]> {
  return listNotes(ctx, actor, await loadCase(ctx, caseId));
}

/** The case a file is attached to, its access checked before a byte of the file is read (then addAttachment). */
export async function attachableCase(ctx: EngineContext, actor: Actor, caseId: string): Promise<CaseWithAgencies> {
  const c = await loadCase(ctx, caseId);
  caseAgencyOf(actor, c);
  return c;
}

/** A case's attachments, oldest first, and the checklist of the events the actor may record now. */
export async function caseAttachments(ctx: EngineContext, actor: Actor, caseId: string) {
  const c = await loadCase(ctx, caseId);
  const agencyId = caseAgencyOf(actor, c);
  const items = await listAttachments(ctx, actor, c);
  const present = new Set(items.filter((a) => !a.supersededBy).map((a) => a.kind));
  return { items, checklist: await checklist(ctx, c, agencyId, allowedEventsFor(ctx, c, actor), present) };
}

export async function caseAttachmentFile(ctx: EngineContext, actor: Actor, caseId: string, attachmentId: string) {
  return readAttachment(ctx, actor, await loadCase(ctx, caseId), attachmentId);
}

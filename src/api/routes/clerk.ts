// The clerk's tools (docs/clerk-tools.md): who holds a case (assignment, handover, an agency's
// workload), staff notes, and attachments with the required-document checklist.
import type { Request, Response } from "express";
import multer from "multer";
import { z } from "zod";
import { RECORDING_SIDES } from "../../../machines/types.ts";
import { safeText } from "../../domain/text.ts";
import { ATTACHMENT_KINDS } from "../../domain/requiredDocuments.ts";
import {
  assignCase,
  caseAssignment,
  ownAgencyWorkload,
  reassignWorkload,
  type CaseAssignment,
} from "../../engine/assignment.ts";
import {
  ATTACHMENT_TYPES,
  addAttachment,
  addCaseNote,
  attachableCase,
  caseAttachmentFile,
  caseAttachments,
  caseNotes,
  cleanFileName,
} from "../../engine/caseFiles.ts";
import { Problem, problems } from "../../problems.ts";
import { fieldErrors } from "../route.ts";
import type { ApiDeps } from "../deps.ts";

const caseId = z.object({ id: z.string().uuid() });
const username = z.string().regex(/^[A-Za-z0-9_.-]{3,64}$/, "a username");
const timestamp = z.string().meta({ description: "ISO 8601 timestamp" });

const assigneeBody = z
  .object({ username: username.nullable().meta({ description: "a clerk of your agency; null releases the case" }) })
  .strict()
  .meta({ id: "SetAssignee" });

const assignmentSchema = z
  .object({
    sides: z.array(
      z.object({
        side: z.enum(RECORDING_SIDES),
        agency: z.string(),
        assignee: z.string().nullable(),
      }),
    ),
    history: z.array(
      z.object({
        agency: z.string(),
        from: z.string().nullable(),
        to: z.string().nullable(),
        by: z.string(),
        reason: z.enum(["assign", "reassign"]),
        at: timestamp,
      }),
    ),
  })
  .meta({ id: "CaseAssignment", description: "who holds each agency's side of the case, and every change" });

const workloadRow = z.object({
  username: z.string().nullable().meta({ description: "null: the cases nobody holds" }),
  open: z.number().int(),
  overdue: z.number().int(),
  dueSoon: z.number().int().meta({ description: "due within DUE_SOON_WORKING_DAYS working days, not overdue" }),
});
const workloadSchema = z
  .object({
    agency: z.string(),
    dueSoonWorkingDays: z.number().int(),
    clerks: z.array(workloadRow.extend({ username: z.string(), disabled: z.boolean() })),
    unassigned: workloadRow,
  })
  .meta({ id: "AgencyWorkload" });

const reassignBody = z
  .object({ from: username, to: username })
  .strict()
  .meta({ id: "ReassignWorkload", description: "hand every open case `from` holds to `to`" });
const reassignSchema = z
  .object({ from: z.string(), to: z.string(), moved: z.number().int() })
  .meta({ id: "ReassignedWorkload" });

const noteBody = z
  .object({ text: safeText(2000, { multiline: true }) })
  .strict()
  .meta({ id: "CreateNote" });
const noteSchema = z
  .object({ id: z.number().int(), text: z.string(), author: z.string(), agency: z.string(), createdAt: timestamp })
  .meta({ id: "CaseNote" });

const attachmentSchema = z
  .object({
    id: z.string(),
    kind: z.enum(ATTACHMENT_KINDS),
    fileName: z.string(),
    mediaType: z.enum(ATTACHMENT_TYPES),
    size: z.number().int(),
    sha256: z.string(),
    supersedes: z.string().nullable(),
    supersededBy: z.string().nullable(),
    uploadedBy: z.string(),
    agency: z.string(),
    createdAt: timestamp,
  })
  .meta({ id: "CaseAttachment" });
const checklistSchema = z
  .object({
    binding: z.boolean().meta({ description: "your agency refuses an event while its documents are missing" }),
    present: z.array(z.string()),
    steps: z.array(z.object({ eventType: z.string(), required: z.array(z.string()), missing: z.array(z.string()) })),
  })
  .meta({ id: "RequiredDocuments", description: "the documents the events you may record now expect" });
const attachmentListSchema = z
  .object({ items: z.array(attachmentSchema), checklist: checklistSchema })
  .meta({ id: "CaseAttachmentList" });

const uploadFields = z
  .object({
    kind: z.enum(ATTACHMENT_KINDS),
    supersedes: z.string().uuid().optional().meta({ description: "the id of the attachment this one replaces" }),
  })
  .strict();
const uploadDoc = z
  .object({
    file: z.string().meta({ format: "binary", description: "PDF, JPEG or PNG, judged by content" }),
    kind: z.enum(ATTACHMENT_KINDS),
    supersedes: z.string().uuid().optional(),
  })
  .meta({ id: "UploadAttachment" });

function assignmentView({ case: c, holders }: CaseAssignment): z.output<typeof assignmentSchema> {
  const { case: row, users, history } = holders;
  const name = (id: number | null | undefined) => (id == null ? null : (users.get(id) ?? null));
  const sides =
    c.fromAgencyId === c.toAgencyId
      ? [{ side: "agency" as const, agency: c.fromAgency.code, assignee: name(row?.fromAssigneeId) }]
      : [
          { side: "transferOut" as const, agency: c.fromAgency.code, assignee: name(row?.fromAssigneeId) },
          { side: "transferIn" as const, agency: c.toAgency.code, assignee: name(row?.toAssigneeId) },
        ];
  const code = (id: number) => (id === c.fromAgencyId ? c.fromAgency.code : c.toAgency.code);
  return {
    sides,
    history: history.map((h) => ({
      agency: code(h.agencyId),
      from: h.fromUsername,
      to: h.toUsername,
      by: h.actorName,
      reason: h.reason as "assign" | "reassign",
      at: h.at.toISOString(),
    })),
  };
}

/** multipart/form-data with one file of at most `maxBytes`, refused (413) as soon as it is larger. */
function uploadParser(maxBytes: number) {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 4, fieldSize: 1024, parts: 6, headerPairs: 50 },
    defParamCharset: "utf8",
  }).single("file");
  return (req: Request, res: Response) => {
    if (!req.is("multipart/form-data"))
      throw new Problem(415, "unsupported-media-type", "Unsupported media type", "Send multipart/form-data.");
    // a declared length far above the limit is refused before a byte of the body is read
    const declared = Number(req.get("content-length"));
    if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) throw tooLarge(maxBytes);
    return new Promise<void>((resolve, reject) =>
      upload(req, res, (e?: unknown) => {
        if (!e) return resolve();
        if (e instanceof multer.MulterError)
          return reject(
            e.code === "LIMIT_FILE_SIZE"
              ? tooLarge(maxBytes)
              : problems.invalid([{ path: e.field ?? "(body)", message: "unexpected or too many form fields" }]),
          );
        // a malformed multipart body (busboy's own errors carry no content)
        reject(problems.badRequest("The multipart body could not be read."));
      }),
    );
  };
}

const tooLarge = (maxBytes: number) =>
  new Problem(413, "too-large", "Payload too large", `An attachment may be at most ${maxBytes} bytes.`, { maxBytes });

function setAssigneeRoute({ ctx, add }: ApiDeps) {
  add({
    method: "put",
    path: "/api/cases/:id/assignee",
    operationId: "setCaseAssignee",
    summary: "Assign your agency's side of a case to a clerk of your agency (null: release it)",
    tags: ["clerk"],
    access: "staff",
    params: caseId,
    body: assigneeBody,
    responses: { 200: { description: "Who holds the case now, and every change", schema: assignmentSchema } },
    errors: [404],
    handler: async ({ params, body, actor }) => assignmentView(await assignCase(ctx, actor!, params.id, body.username)),
  });
}

function getAssignmentRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/cases/:id/assignment",
    operationId: "getCaseAssignment",
    summary: "Who holds each agency's side of a case, and every change",
    tags: ["clerk"],
    access: "staff",
    params: caseId,
    responses: { 200: { description: "The assignment", schema: assignmentSchema } },
    errors: [404],
    handler: async ({ params, actor }) => assignmentView(await caseAssignment(ctx, actor!, params.id)),
  });
}

function workloadRoute({ ctx, config, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/agency/workload",
    operationId: "getAgencyWorkload",
    summary: "Open cases per clerk of my agency, with how many are overdue and due soon",
    tags: ["clerk"],
    access: "staff",
    responses: { 200: { description: "The workload", schema: workloadSchema } },
    handler: async ({ actor }) => ownAgencyWorkload(ctx, actor!, config.DUE_SOON_WORKING_DAYS),
  });
}

function reassignRoute({ ctx, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/agency/workload/reassign",
    operationId: "reassignWorkload",
    summary: "Hand every open case one clerk of my agency holds to another (one transaction, recorded per case)",
    tags: ["clerk"],
    access: "staff",
    body: reassignBody,
    responses: { 200: { description: "How many cases changed hands", schema: reassignSchema } },
    handler: async ({ body, actor }) => {
      const r = await reassignWorkload(ctx, actor!, body.from, body.to);
      return { from: r.from.username, to: r.to.username, moved: r.moved };
    },
  });
}

function addNoteRoute({ ctx, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/cases/:id/notes",
    operationId: "addCaseNote",
    summary: "Add a staff note to a case (append-only; never shown to the insured person)",
    tags: ["clerk"],
    access: "staff",
    params: caseId,
    body: noteBody,
    responses: { 201: { description: "The note", schema: noteSchema } },
    handler: async ({ params, body, actor, res }) => {
      const n = await addCaseNote(ctx, actor!, params.id, body.text);
      res.status(201);
      return n;
    },
  });
}

function listNotesRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/cases/:id/notes",
    operationId: "listCaseNotes",
    summary: "A case's staff notes, oldest first",
    tags: ["clerk"],
    access: "staff",
    params: caseId,
    responses: { 200: { description: "Notes", schema: z.object({ items: z.array(noteSchema) }) } },
    handler: async ({ params, actor }) => ({ items: await caseNotes(ctx, actor!, params.id) }),
  });
}

function addAttachmentRoute({ ctx, config, add }: ApiDeps) {
  const parseUpload = uploadParser(config.ATTACHMENT_MAX_BYTES);
  add({
    method: "post",
    path: "/api/cases/:id/attachments",
    operationId: "addCaseAttachment",
    summary: `Attach a scanned document (multipart: file, kind; PDF, JPEG or PNG by content, at most ATTACHMENT_MAX_BYTES)`,
    tags: ["clerk"],
    access: "staff",
    params: caseId,
    docContent: { "multipart/form-data": { schema: uploadDoc } },
    responses: { 201: { description: "The attachment (without its bytes)", schema: attachmentSchema } },
    errors: [409, 413, 415, 422],
    handler: async ({ params, actor, req, res }) => {
      // who may attach is decided before a byte of the body is read
      const c = await attachableCase(ctx, actor!, params.id);
      await parseUpload(req, res);
      const fields = uploadFields.safeParse({ ...(req.body as object) });
      if (!fields.success) throw problems.invalid(fieldErrors(fields.error));
      const file = req.file;
      if (!file) throw problems.invalid([{ path: "file", message: "a file is required" }]);
      if (file.size === 0) throw problems.invalid([{ path: "file", message: "the file is empty" }]);
      const a = await addAttachment(ctx, actor!, c, {
        kind: fields.data.kind,
        fileName: cleanFileName(file.originalname),
        bytes: file.buffer,
        supersedes: fields.data.supersedes,
      });
      res.status(201);
      return a;
    },
  });
}

function listAttachmentsRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/cases/:id/attachments",
    operationId: "listCaseAttachments",
    summary: "A case's attachments (oldest first) and the required-document checklist of the events you may record now",
    tags: ["clerk"],
    access: "staff",
    params: caseId,
    responses: { 200: { description: "Attachments", schema: attachmentListSchema } },
    handler: async ({ params, actor }) => caseAttachments(ctx, actor!, params.id),
  });
}

const binary = { schema: z.string() };

function getAttachmentRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/cases/:id/attachments/:attachmentId",
    operationId: "getCaseAttachment",
    summary: "An attachment's bytes, as a download (Content-Disposition: attachment)",
    tags: ["clerk"],
    access: "staff",
    params: caseId.extend({ attachmentId: z.string().uuid() }),
    responses: {
      200: {
        description: "The file",
        content: { "application/pdf": binary, "image/jpeg": binary, "image/png": binary },
      },
    },
    handler: async ({ params, actor, res }) => {
      const a = await caseAttachmentFile(ctx, actor!, params.id, params.attachmentId);
      res.attachment(a.fileName);
      res.set({
        "Content-Type": a.mediaType,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        Digest: `sha-256=${Buffer.from(a.sha256, "hex").toString("base64")}`,
      });
      res.status(200).end(a.bytes);
    },
  });
}

export function clerkRoutes(deps: ApiDeps) {
  setAssigneeRoute(deps);
  getAssignmentRoute(deps);
  workloadRoute(deps);
  reassignRoute(deps);
  addNoteRoute(deps);
  listNotesRoute(deps);
  addAttachmentRoute(deps);
  listAttachmentsRoute(deps);
  getAttachmentRoute(deps);
}

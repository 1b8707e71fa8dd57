// A case's documents (受理回执, 参保凭证 …) as PDF, and their verification by code (docs/documents.md).
// Staff of the case's agencies list and download them; the insured person does so after the status
// lookup's check (case number + ID number, in the POST body); anyone checks a code.
import { z } from "zod";
import type { Request, Response } from "express";
import { rateLimit, ipKeyGenerator } from "express-rate-limit";
import { sidesOf } from "../../engine/access.ts";
import { loadCase } from "../../engine/readCase.ts";
import { storeFor } from "../../engine/store.ts";
import type { CaseWithAgencies } from "../../engine/types.ts";
import type { Actor } from "../../engine/context.ts";
import { chinaDateSchema, labelSchema } from "../caseViewSchemas.ts";
import {
  caseDocuments,
  documentKindNames,
  documentPdf,
  pick,
  verifyCode,
  type CaseDocument,
  type CaseDocuments,
} from "../../documents/index.ts";
import { documentKinds } from "../../documents/kinds.ts";
import { Problem, problems } from "../../problems.ts";
import type { ApiDeps } from "../deps.ts";
import { lookUpForInsured, statusBody, statusFailures } from "./public.ts";

const kindSchema = z.enum(documentKindNames).meta({
  id: "DocumentKind",
  description:
    "receipt 受理回执, insuranceCertificate 参保凭证, recordForm 参保信息表, contributionCertificate 参保缴费凭证, " +
    "acceptanceLetter 同意接收函, refusalNotice 不予受理告知书, assessmentNotice 补缴核定通知, completionNotice 办结通知",
});

export const caseDocumentSchema = z
  .object({
    kind: kindSchema,
    title: labelSchema,
    seq: z.number().int().min(1).meta({ description: "the event the document comes from" }),
    issuedOn: chinaDateSchema,
    verificationCode: z.string().meta({ description: "12 characters of 23456789ABCDEFGHJKLMNPQRSTUVWXYZ" }),
    supersededOn: chinaDateSchema
      .nullable()
      .meta({ description: "the date a later document replaced this one (a reissued certificate); null while valid" }),
  })
  .meta({ id: "CaseDocument", description: "A document a case has produced" });

const documentListSchema = z.object({ items: z.array(caseDocumentSchema) }).meta({ id: "CaseDocumentList" });

export const verificationSchema = z
  .object({
    verificationCode: z.string(),
    kind: kindSchema,
    title: labelSchema,
    caseNumber: z.string(),
    caseType: z.string(),
    issuingAgency: z.object({ name: z.string(), region: z.string() }),
    issuedOn: chinaDateSchema,
    insuredName: z.string().meta({ description: "masked" }),
    status: z.enum(["valid", "superseded"]),
    supersededOn: chinaDateSchema.nullable(),
  })
  .meta({ id: "DocumentVerification", description: "What a document's verification code confirms" });

const pdfAnswer = {
  description: "The document, A4 PDF",
  content: {
    "application/pdf": { schema: z.string().meta({ contentMediaType: "application/pdf", description: "PDF bytes" }) },
  },
  headers: z.object({ "Content-Disposition": z.string().meta({ description: 'inline; filename="….pdf"' }) }),
} as const;

const caseId = z.object({ id: z.string().uuid() });
const seqQuery = z
  .object({
    seq: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000_000_000)
      .optional()
      .meta({ description: "the event the document comes from (default: the latest document of the kind)" }),
  })
  .strict();

const insuredDocumentBody = z
  .object({
    ...statusBody.shape,
    kind: kindSchema,
    seq: z.number().int().min(1).max(1_000_000_000).optional(),
  })
  .strict()
  .meta({ id: "InsuredDocumentRequest" });

/** Verifications per client and minute (STATUS_RATE_LIMIT_PER_MINUTE), run inside the route. */
function verifyLimiter(perMinute: number) {
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    identifier: "document-verification",
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? "unknown"),
    handler: (_req, _res, next) => next(problems.tooMany("Too many verifications from this client; wait a minute.")),
  });
  return (req: Request, res: Response) =>
    new Promise<void>(
      (resolve, reject) => void limiter(req, res, (e?: unknown) => (e ? reject(e as Error) : resolve())),
    );
}

const listItem = (d: CaseDocument) => ({
  kind: d.kind,
  title: documentKinds[d.kind].title,
  seq: d.seq,
  issuedOn: d.issuedOn,
  verificationCode: d.verificationCode,
  supersededOn: d.supersededBy?.issuedOn ?? null,
});

/** Staff of the case's own agencies; anyone else gets what a case they may not read gets. */
function assertCaseStaff(actor: Actor, c: CaseWithAgencies) {
  if (sidesOf(actor, c).length === 0) throw problems.forbidden("This case belongs to other agencies.");
}

export function documentRoutes({ ctx, config, add }: ApiDeps) {
  const failures = statusFailures(ctx, config.STATUS_FAILURES_PER_CASE_PER_HOUR);
  const verifications = verifyLimiter(config.STATUS_RATE_LIMIT_PER_MINUTE);
  const base = (req: Request) => config.PUBLIC_URL ?? `${req.protocol}://${req.get("host") ?? "localhost"}`;

  const sendPdf = async (
    req: Request,
    res: Response,
    c: CaseWithAgencies,
    all: CaseDocuments,
    doc: CaseDocument | undefined,
  ) => {
    if (!doc) throw new Problem(404, "not-found", "Not found", "This case has no such document.");
    const pdf = await documentPdf(ctx, c, all, doc, { base: base(req) });
    res
      .status(200)
      .type("application/pdf")
      .set("Content-Disposition", `inline; filename="${c.caseNumber}-${doc.kind}-${doc.seq}.pdf"`)
      .send(pdf);
  };

  add({
    method: "get",
    path: "/api/cases/:id/documents",
    operationId: "listCaseDocuments",
    summary: "The documents the case has produced so far, with their verification codes",
    tags: ["documents"],
    access: "user",
    params: caseId,
    responses: { 200: { description: "Documents, oldest first", schema: documentListSchema } },
    errors: [403, 404],
    handler: async ({ params, actor }) => {
      const c = await loadCase(ctx, params.id);
      assertCaseStaff(actor!, c);
      const all = await caseDocuments(ctx, c);
      return { items: all.documents.map(listItem) } satisfies z.output<typeof documentListSchema>;
    },
  });

  add({
    method: "get",
    path: "/api/cases/:id/documents/:kind",
    operationId: "getCaseDocument",
    summary: "One document as a PDF: the latest of its kind, or the one of event ?seq=",
    tags: ["documents"],
    access: "user",
    params: z.object({ id: z.string().uuid(), kind: kindSchema }),
    query: seqQuery,
    responses: { 200: pdfAnswer },
    errors: [403, 404],
    handler: async ({ params, query, actor, req, res }) => {
      const c = await loadCase(ctx, params.id);
      assertCaseStaff(actor!, c);
      const all = await caseDocuments(ctx, c, pick(params.kind, query.seq));
      await sendPdf(req, res, c, all, all.documents[0]);
    },
  });

  /** The insured person's case, after the status lookup's check (the same statement, the same 404). */
  const insuredCase = async (body: z.output<typeof statusBody>) => {
    await lookUpForInsured(ctx, failures, body);
    const row = await ctx.db.case.findUnique({
      where: { caseNumber: body.caseNumber.toUpperCase() },
      select: { id: true },
    });
    const c = row && (await storeFor(ctx.db).loaders.caseById.load(row.id));
    if (!c) throw new Problem(404, "not-found", "Not found", "No case matches this case number and ID number.");
    return c;
  };

  add({
    method: "post",
    path: "/api/status/documents",
    operationId: "listInsuredDocuments",
    summary: "The insured person's documents of a case (case number + ID number, as the status lookup)",
    tags: ["status", "documents"],
    access: "public",
    body: statusBody,
    responses: { 200: { description: "Documents, oldest first", schema: documentListSchema } },
    errors: [404, 429],
    handler: async ({ body }) => {
      const c = await insuredCase(body);
      const all = await caseDocuments(ctx, c);
      return { items: all.documents.map(listItem) } satisfies z.output<typeof documentListSchema>;
    },
  });

  add({
    method: "post",
    path: "/api/status/documents/pdf",
    operationId: "getInsuredDocument",
    summary: "One of the insured person's documents as a PDF (case number + ID number in the body)",
    tags: ["status", "documents"],
    access: "public",
    body: insuredDocumentBody,
    responses: { 200: pdfAnswer },
    errors: [404, 429],
    handler: async ({ body, req, res }) => {
      const { kind, seq, ...lookup } = body;
      const c = await insuredCase(lookup);
      const all = await caseDocuments(ctx, c, pick(kind, seq));
      await sendPdf(req, res, c, all, all.documents[0]);
    },
  });

  add({
    method: "get",
    path: "/api/verify/:code",
    operationId: "verifyDocument",
    summary: "Check a document by its verification code (no login; throttled per client)",
    tags: ["documents"],
    access: "public",
    params: z.object({ code: z.string() }),
    responses: { 200: { description: "The document the code belongs to", schema: verificationSchema } },
    errors: [404, 429],
    handler: async ({ params, req, res }) => {
      await verifications(req, res);
      const v = await verifyCode(ctx, params.code);
      if (!v) throw new Problem(404, "not-found", "Not found", "No document has this verification code.");
      return v satisfies z.output<typeof verificationSchema>;
    },
  });
}

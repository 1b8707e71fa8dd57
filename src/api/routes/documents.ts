// A case's documents (受理回执, 参保凭证 …) as PDF, and their verification by code (docs/documents.md).
// Staff of the case's agencies list and download them; the insured person does so after the status
// lookup's check (case number + ID number, in the POST body); anyone checks a code.
import { z } from "zod";
import type { Request, Response } from "express";
import { rateLimit, ipKeyGenerator } from "express-rate-limit";
import { ownAgencyCase } from "../../engine/readCase.ts";
import { insuredCase } from "../../engine/statusLookup.ts";
import type { CaseWithAgencies } from "../../engine/types.ts";
import type { EngineContext } from "../../engine/context.ts";
import type { Config } from "../../config.ts";
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
import { statusBody, statusFailures } from "./public.ts";

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

const documentFigureSchema = z
  .object({
    key: z.string().meta({ description: "e.g. contributionMonths, accountBalanceFen, arrearsFen, totalFen" }),
    label: labelSchema,
    value: z.number().int().meta({ description: "integer fen (unit fen) or a number of months (unit months)" }),
    unit: z.enum(["fen", "months"]),
  })
  .meta({ id: "DocumentFigure", description: "An amount or a number of months a document states" });

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
    figures: z.array(documentFigureSchema).meta({
      description:
        "the amounts and months the document was issued with, to compare with the paper (empty for a kind that states none)",
    }),
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

/** Sends one document of the case as a PDF; 404 when the case has no such document. */
function pdfSender(ctx: EngineContext, config: Config) {
  const base = (req: Request) => config.PUBLIC_URL ?? `${req.protocol}://${req.get("host") ?? "localhost"}`;
  return async (req: Request, res: Response, c: CaseWithAgencies, all: CaseDocuments) => {
    const doc: CaseDocument | undefined = all.documents[0];
    if (!doc) throw new Problem(404, "not-found", "Not found", "This case has no such document.");
    const pdf = await documentPdf(ctx, c, all, doc, { base: base(req) });
    res
      .status(200)
      .type("application/pdf")
      .set("Content-Disposition", `inline; filename="${c.caseNumber}-${doc.kind}-${doc.seq}.pdf"`)
      .send(pdf);
  };
}

// Staff of the case's own agencies (ownAgencyCase); anyone else gets what a case they may not read gets.

function listDocumentsRoute({ ctx, add }: ApiDeps) {
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
      const all = await caseDocuments(ctx, await ownAgencyCase(ctx, actor!, params.id));
      return { items: all.documents.map(listItem) } satisfies z.output<typeof documentListSchema>;
    },
  });
}

function getDocumentRoute({ ctx, config, add }: ApiDeps) {
  const sendPdf = pdfSender(ctx, config);
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
      const c = await ownAgencyCase(ctx, actor!, params.id);
      await sendPdf(req, res, c, await caseDocuments(ctx, c, pick(params.kind, query.seq)));
    },
  });
}

// The insured person's documents, after the status lookup's check (the same statement, the same 404).

function listInsuredDocumentsRoute({ ctx, config, add }: ApiDeps) {
  const failures = statusFailures(ctx, config.STATUS_FAILURES_PER_CASE_PER_HOUR);
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
      const all = await caseDocuments(ctx, await insuredCase(ctx, failures, body));
      return { items: all.documents.map(listItem) } satisfies z.output<typeof documentListSchema>;
    },
  });
}

function getInsuredDocumentRoute({ ctx, config, add }: ApiDeps) {
  const failures = statusFailures(ctx, config.STATUS_FAILURES_PER_CASE_PER_HOUR);
  const sendPdf = pdfSender(ctx, config);
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
      const c = await insuredCase(ctx, failures, lookup);
      await sendPdf(req, res, c, await caseDocuments(ctx, c, pick(kind, seq)));
    },
  });
}

function verifyRoute({ ctx, config, add }: ApiDeps) {
  const verifications = verifyLimiter(config.STATUS_RATE_LIMIT_PER_MINUTE);
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

export function documentRoutes(deps: ApiDeps) {
  listDocumentsRoute(deps);
  getDocumentRoute(deps);
  listInsuredDocumentsRoute(deps);
  getInsuredDocumentRoute(deps);
  verifyRoute(deps);
}

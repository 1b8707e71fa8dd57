// Administration: agencies, staff accounts, the working-day calendar, regional policies, audit.
import { z } from "zod";
import { hashPassword } from "../../auth/passwords.ts";
import { isChinaDate, SUPPORTED_YEARS } from "../../calendar/index.ts";
import { validateAgencyLimits } from "../../deadlines/index.ts";
import { regionalPolicySchema } from "../../domain/policy.ts";
import { policyOfRow, rowOfPolicy } from "../../engine/policies.ts";
import { reasonCodeOf } from "../../reports/sla.ts";
import { regionCodeSchema } from "../../domain/region.ts";
import { problems } from "../../problems.ts";
import { safeText } from "../../domain/text.ts";
import { recordAudit } from "../../engine/audit.ts";
import { requireStrongPassword } from "./auth.ts";
import { auditLogRoutes } from "./auditLog.ts";
import { csvCell } from "../csv.ts";
import { allLimitSpecs } from "../../engine/agencyLimits.ts";
import { publishCalendarYear } from "../../engine/calendarPublication.ts";
import type { ApiDeps } from "../deps.ts";
import type { Agency, RegionalPolicy, User } from "../../generated/prisma/client.ts";
import {
  agencyListSchema,
  agencySchema,
  calendarScheduleSchema,
  calendarYearsSchema,
  policyListSchema,
  policySchema,
  publishedCalendarYearSchema,
  userListSchema,
  userSchema,
  type AgencyJson,
  type PolicyJson,
  type UserJson,
} from "../schemas.ts";

const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, "1-32 letters, digits, _ or -");
const limits = z
  .record(z.string(), z.number())
  .meta({ description: "limit key -> working days, never above the national ceiling" });

const agencyBody = z
  .object({
    code,
    name: safeText(100),
    region: regionCodeSchema,
    limits: limits.optional(),
  })
  .strict()
  .meta({ id: "CreateAgency" });
const agencyPatch = z
  .object({
    name: safeText(100).optional(),
    region: regionCodeSchema.optional(),
    limits: limits.optional(),
    requireDocuments: z.boolean().optional(),
  })
  .strict();

const userBody = z
  .object({
    username: z.string().regex(/^[A-Za-z0-9_.-]{3,64}$/, "3-64 letters, digits, _ . or -"),
    password: z.string().min(12, "at least 12 characters").max(256),
    role: z.enum(["staff", "admin"]),
    agencyCode: code.optional(),
  })
  .strict()
  .meta({ id: "CreateUser" });
const userPatch = z
  .object({
    disabled: z.boolean().optional(),
    password: z.string().min(12, "at least 12 characters").max(256).optional(),
    role: z.enum(["staff", "admin"]).optional(),
    agencyCode: code.optional().meta({ description: "the agency of a user who becomes (or is) staff" }),
  })
  .strict()
  .meta({ id: "UpdateUser" });

const chinaDate = z.string().refine(isChinaDate, "must be a date as YYYY-MM-DD");
const calendarBody = z
  .object({ holidays: z.array(chinaDate).max(366), workdays: z.array(chinaDate).max(366) })
  .strict()
  .meta({
    id: "CalendarYear",
    description: "official days off (holiday periods) and make-up working days (调休) on weekends",
  });
const yearParam = z.object({ year: z.coerce.number().int().min(SUPPORTED_YEARS.min).max(SUPPORTED_YEARS.max) });

const auditQuery = z
  .object({
    from: chinaDate,
    to: chinaDate,
    agency: code.optional(),
    parties: z.enum(["true", "false"]).optional().meta({
      description:
        "true: four more columns after backdateReason: the case's insurance, scheme (scheme→toScheme when it changes), employer name and credit code (docs/parties.md)",
    }),
    refusals: z.enum(["true", "false"]).optional().meta({
      description:
        "true: a last column, reasonCode: a refusal's reason code (REFUSAL_REASONS; `other` for free text alone, `unspecified` on first versions), empty for other events, so that refusals can be counted per code",
    }),
  })
  .strict()
  .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["to"] });

function agencyView(a: Agency): AgencyJson {
  const createdAt = a.createdAt.toISOString();
  return {
    code: a.code,
    name: a.name,
    region: a.region,
    limits: JSON.parse(a.limits),
    requireDocuments: a.requireDocuments,
    createdAt,
  };
}

function userView(u: Pick<User, "id" | "username" | "role" | "disabled">, agencyCode: string | null): UserJson {
  return { id: u.id, username: u.username, role: u.role as UserJson["role"], agencyCode, disabled: u.disabled };
}

/** The stored row as it is (createdAt as its ISO string, as JSON sends it). */
function policyView(p: RegionalPolicy): PolicyJson {
  const policy = policyOfRow(p);
  return {
    ...policy,
    id: p.id,
    flexibleRateBasisPoints: policy.flexibleRateBasisPoints ?? null,
    averageWageFen: policy.averageWageFen ?? null,
    baseFloorPercent: policy.baseFloorPercent ?? null,
    baseCeilingPercent: policy.baseCeilingPercent ?? null,
    reimbursementRatios: policy.reimbursementRatios ?? null,
    createdAt: p.createdAt.toISOString(),
  };
}

function checkLimits(raw: unknown) {
  const r = validateAgencyLimits(raw, allLimitSpecs());
  if (!r.ok) throw problems.invalid(r.errors.map((e) => ({ path: `limits.${e.key}`, message: e.message })));
  return r.value;
}

const auditedAgency = (a: Agency) => ({
  code: a.code,
  name: a.name,
  region: a.region,
  limits: JSON.parse(a.limits) as unknown,
});

export function adminRoutes(deps: ApiDeps) {
  const { ctx, add } = deps;
  const { db } = ctx;
  auditLogRoutes(deps);

  add({
    method: "post",
    path: "/api/admin/agencies",
    operationId: "createAgency",
    summary: "Create an agency",
    tags: ["admin"],
    access: "admin",
    body: agencyBody,
    responses: { 201: { description: "The agency", schema: agencySchema } },
    errors: [409],
    handler: async ({ body, res, actor }) => {
      const lim = checkLimits(body.limits ?? {});
      if (await db.agency.findUnique({ where: { code: body.code } }))
        throw problems.conflict(`Agency ${body.code} already exists.`);
      const a = await db.$transaction(async (tx) => {
        const created = await tx.agency.create({
          data: { code: body.code, name: body.name, region: body.region, limits: JSON.stringify(lim) },
        });
        await recordAudit(tx, actor!, {
          action: "agency.created",
          target: `agency:${created.code}`,
          after: auditedAgency(created),
        });
        return created;
      });
      res.status(201);
      return agencyView(a);
    },
  });

  add({
    method: "get",
    path: "/api/admin/agencies",
    operationId: "listAgencies",
    summary: "List agencies",
    tags: ["admin"],
    access: "admin",
    responses: { 200: { description: "Agencies", schema: agencyListSchema } },
    handler: async () => ({ items: (await db.agency.findMany({ orderBy: { code: "asc" } })).map(agencyView) }),
  });

  add({
    method: "patch",
    path: "/api/admin/agencies/:code",
    operationId: "updateAgency",
    summary: "Rename an agency or set its deadline limits",
    tags: ["admin"],
    access: "admin",
    params: z.object({ code }),
    body: agencyPatch,
    responses: { 200: { description: "The agency", schema: agencySchema } },
    errors: [404],
    handler: async ({ params, body, actor }) => {
      const a = await db.agency.findUnique({ where: { code: params.code } });
      if (!a) throw problems.notFound(`Agency ${params.code}`);
      const data: { name?: string; region?: string; limits?: string; requireDocuments?: boolean } = {};
      if (body.requireDocuments !== undefined) data.requireDocuments = body.requireDocuments;
      if (body.name) data.name = body.name;
      if (body.region) data.region = body.region;
      if (body.limits) data.limits = JSON.stringify(checkLimits(body.limits));
      return agencyView(
        await db.$transaction(async (tx) => {
          const v = await tx.agency.update({ where: { id: a.id }, data });
          const target = `agency:${a.code}`;
          if (data.name !== undefined && v.name !== a.name) {
            await recordAudit(tx, actor!, {
              action: "agency.renamed",
              target,
              before: { name: a.name },
              after: { name: v.name },
            });
          }
          if (data.requireDocuments !== undefined && v.requireDocuments !== a.requireDocuments) {
            await recordAudit(tx, actor!, {
              action: "agency.required_documents_changed",
              target,
              before: { requireDocuments: a.requireDocuments },
              after: { requireDocuments: v.requireDocuments },
            });
          }
          if (data.region !== undefined && v.region !== a.region) {
            await recordAudit(tx, actor!, {
              action: "agency.region_changed",
              target,
              before: { region: a.region },
              after: { region: v.region },
            });
          }
          if (data.limits !== undefined && v.limits !== a.limits) {
            const before = { limits: JSON.parse(a.limits) as unknown };
            await recordAudit(tx, actor!, {
              action: "agency.limits_changed",
              target,
              before,
              after: { limits: JSON.parse(v.limits) as unknown },
            });
          }
          return v;
        }),
      );
    },
  });

  add({
    method: "post",
    path: "/api/admin/users",
    operationId: "createUser",
    summary: "Create a staff or administrator account",
    tags: ["admin"],
    access: "admin",
    body: userBody,
    responses: { 201: { description: "The user", schema: userSchema } },
    errors: [409],
    handler: async ({ body, res, actor }) => {
      let agencyId: number | null = null;
      if (body.role === "staff") {
        if (!body.agencyCode) throw problems.invalid([{ path: "agencyCode", message: "staff belong to an agency" }]);
        const a = await db.agency.findUnique({ where: { code: body.agencyCode } });
        if (!a) throw problems.invalid([{ path: "agencyCode", message: `no agency with code ${body.agencyCode}` }]);
        agencyId = a.id;
      } else if (body.agencyCode) {
        throw problems.invalid([{ path: "agencyCode", message: "administrators do not belong to an agency" }]);
      }
      if (await db.user.findUnique({ where: { username: body.username } }))
        throw problems.conflict(`User ${body.username} already exists.`);
      await requireStrongPassword(body.password, "password");
      const passwordHash = await hashPassword(body.password);
      const u = await db.$transaction(async (tx) => {
        const created = await tx.user.create({
          data: { username: body.username, passwordHash, role: body.role, agencyId },
          include: { agency: true },
        });
        const after = userView(created, created.agency?.code ?? null);
        await recordAudit(tx, actor!, { action: "user.created", target: `user:${created.username}`, after });
        return created;
      });
      res.status(201);
      return userView(u, u.agency?.code ?? null);
    },
  });

  add({
    method: "get",
    path: "/api/admin/users",
    operationId: "listUsers",
    summary: "List accounts",
    tags: ["admin"],
    access: "admin",
    responses: { 200: { description: "Users", schema: userListSchema } },
    handler: async () => ({
      items: (await db.user.findMany({ orderBy: { username: "asc" }, include: { agency: true } })).map((u) =>
        userView(u, u.agency?.code ?? null),
      ),
    }),
  });

  add({
    method: "patch",
    path: "/api/admin/users/:username",
    operationId: "updateUser",
    summary: "Disable or enable an account, reset its password or change its role; each ends the user's earlier tokens",
    tags: ["admin"],
    access: "admin",
    params: z.object({ username: z.string().min(1).max(64) }),
    body: userPatch,
    responses: { 200: { description: "The user", schema: userSchema } },
    errors: [404, 409],
    handler: async ({ params, body, actor }) => {
      const u = await db.user.findUnique({ where: { username: params.username }, include: { agency: true } });
      if (!u) throw problems.notFound(`User ${params.username}`);
      if (body.disabled && u.id === actor!.userId) throw problems.conflict("You cannot disable your own account.");
      const role = body.role ?? u.role;
      if (role !== u.role && u.id === actor!.userId) throw problems.conflict("You cannot change your own role.");
      let agencyId = u.agencyId;
      if (role === "staff") {
        if (body.agencyCode !== undefined) {
          const a = await db.agency.findUnique({ where: { code: body.agencyCode } });
          if (!a) throw problems.invalid([{ path: "agencyCode", message: `no agency with code ${body.agencyCode}` }]);
          agencyId = a.id;
        } else if (agencyId === null) {
          throw problems.invalid([{ path: "agencyCode", message: "staff belong to an agency" }]);
        }
      } else {
        if (body.agencyCode !== undefined)
          throw problems.invalid([{ path: "agencyCode", message: "administrators do not belong to an agency" }]);
        agencyId = null;
      }
      if (body.password) await requireStrongPassword(body.password, "password");
      type UserChange = {
        disabled?: boolean;
        passwordHash?: string;
        role?: string;
        agencyId?: number | null;
        tokenVersion?: { increment: number };
      };
      const data: UserChange = {};
      if (body.disabled !== undefined && body.disabled !== u.disabled) data.disabled = body.disabled;
      if (body.password) data.passwordHash = await hashPassword(body.password);
      const roleChanged = role !== u.role || agencyId !== u.agencyId;
      if (roleChanged) Object.assign(data, { role, agencyId });
      // Any of these ends every token the user holds, on every node (api/auth.ts compares the version).
      if (Object.keys(data).length > 0) data.tokenVersion = { increment: 1 };
      const v = await db.$transaction(async (tx) => {
        const after = await tx.user.update({ where: { id: u.id }, data, include: { agency: true } });
        const target = `user:${u.username}`;
        if (data.disabled !== undefined) {
          const action = data.disabled ? "user.disabled" : "user.enabled";
          await recordAudit(tx, actor!, {
            action,
            target,
            before: { disabled: u.disabled },
            after: { disabled: after.disabled },
          });
        }
        if (data.passwordHash) await recordAudit(tx, actor!, { action: "user.password_reset", target });
        if (roleChanged) {
          const view = (x: typeof u) => ({ role: x.role, agencyCode: x.agency?.code ?? null });
          await recordAudit(tx, actor!, { action: "user.role_changed", target, before: view(u), after: view(after) });
        }
        return after;
      });
      return userView(v, v.agency?.code ?? null);
    },
  });

  add({
    method: "get",
    path: "/api/admin/calendar",
    operationId: "listCalendarYears",
    summary: "Years of the working-day calendar: published, or computed by rule (provisional)",
    tags: ["admin"],
    access: "admin",
    responses: { 200: { description: "Years", schema: calendarYearsSchema } },
    handler: async () => ({ published: ctx.calendar.publishedYears() }) satisfies z.output<typeof calendarYearsSchema>,
  });

  add({
    method: "get",
    path: "/api/admin/calendar/:year",
    operationId: "getCalendarYear",
    summary: "One year's holidays and make-up working days",
    tags: ["admin"],
    access: "admin",
    params: yearParam,
    responses: { 200: { description: "The year", schema: calendarScheduleSchema } },
    handler: async ({ params }) => ctx.calendar.schedule(params.year) satisfies z.output<typeof calendarScheduleSchema>,
  });

  add({
    method: "put",
    path: "/api/admin/calendar/:year",
    operationId: "publishCalendarYear",
    summary:
      "Publish a year's official schedule (replaces the provisional rule for that year); open cases' due dates that relied on it are recomputed",
    tags: ["admin"],
    access: "admin",
    params: yearParam,
    body: calendarBody,
    responses: {
      200: {
        description: "The published year, and recomputedCases: how many open cases got new due dates",
        schema: publishedCalendarYearSchema,
      },
    },
    handler: async ({ params, body, actor }) => {
      // Validated, stored, published to the live calendar, and every open due date that relied on
      // the year recomputed (each change a DEADLINES_RECOMPUTED event).
      const answer: z.output<typeof publishedCalendarYearSchema> = await publishCalendarYear(
        ctx,
        params.year,
        body,
        actor!,
      );
      return answer;
    },
  });

  add({
    method: "post",
    path: "/api/admin/policies",
    operationId: "createPolicy",
    summary: "Add a regional policy version (effective from a date)",
    tags: ["admin"],
    access: "admin",
    body: regionalPolicySchema,
    responses: { 201: { description: "The policy", schema: policySchema } },
    errors: [409],
    handler: async ({ body, res, actor }) => {
      const exists = await db.regionalPolicy.findUnique({
        where: { region_effectiveFrom: { region: body.region, effectiveFrom: body.effectiveFrom } },
      });
      if (exists)
        throw problems.conflict(
          `A policy for region ${body.region} effective ${body.effectiveFrom} already exists; add a new version with a later date.`,
        );
      const p = await db.$transaction(async (tx) => {
        const created = await tx.regionalPolicy.create({ data: rowOfPolicy(body) });
        await recordAudit(tx, actor!, {
          action: "policy.added",
          target: `policy:${created.region}@${created.effectiveFrom}`,
          after: created,
        });
        return created;
      });
      res.status(201);
      return policyView(p);
    },
  });

  add({
    method: "get",
    path: "/api/admin/policies",
    operationId: "listPolicies",
    summary: "List regional policies",
    tags: ["admin"],
    access: "admin",
    query: z.object({ region: z.string().max(6).optional() }).strict(),
    responses: { 200: { description: "Policies", schema: policyListSchema } },
    handler: async ({ query }) => ({
      items: (
        await db.regionalPolicy.findMany({
          where: query.region ? { region: query.region } : {},
          orderBy: [{ region: "asc" }, { effectiveFrom: "asc" }],
        })
      ).map(policyView),
    }),
  });

  add({
    method: "get",
    path: "/api/admin/audit",
    operationId: "getAuditCsv",
    summary: "Events recorded in a date range (by occurredOn), as CSV",
    tags: ["admin"],
    access: "admin",
    query: auditQuery,
    responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } } },
    handler: async ({ query, res }) => {
      let agencyFilter = {};
      if (query.agency) {
        const a = await db.agency.findUnique({ where: { code: query.agency } });
        if (!a) throw problems.invalid([{ path: "query.agency", message: `no agency with code ${query.agency}` }]);
        agencyFilter = { case: { OR: [{ fromAgencyId: a.id }, { toAgencyId: a.id }] } };
      }
      const events = await db.caseEvent.findMany({
        where: { occurredOn: { gte: query.from, lte: query.to }, ...agencyFilter },
        orderBy: { id: "asc" },
        include: {
          case: {
            select: {
              caseNumber: true,
              type: true,
              machineVersion: true,
              insurance: true,
              scheme: true,
              toScheme: true,
              employerName: true,
              employerCreditCode: true,
              fromAgency: { select: { code: true } },
              toAgency: { select: { code: true } },
            },
          },
        },
      });
      const header = [
        "eventId",
        "caseNumber",
        "caseType",
        "fromAgency",
        "toAgency",
        "seq",
        "type",
        "fromState",
        "toState",
        "occurredOn",
        "recordedAt",
        "actorKind",
        "actorName",
        "backdateReason",
        // the parties (docs/parties.md), when asked for: after the existing columns, which keep their places
        ...(query.parties === "true" ? ["insurance", "scheme", "employerName", "employerCreditCode"] : []),
        ...(query.refusals === "true" ? ["reasonCode"] : []),
      ];
      const lines = events.map((e) =>
        [
          e.id,
          e.case.caseNumber,
          e.case.type,
          e.case.fromAgency.code,
          e.case.toAgency.code,
          e.seq,
          e.type,
          e.fromState,
          e.toState,
          e.occurredOn,
          e.recordedAt.toISOString(),
          e.actorKind,
          e.actorName,
          e.backdateReason,
          ...(query.parties === "true"
            ? [
                e.case.insurance,
                e.case.toScheme ? `${e.case.scheme}->${e.case.toScheme}` : e.case.scheme,
                e.case.employerName,
                e.case.employerCreditCode,
              ]
            : []),
          ...(query.refusals === "true"
            ? [e.type === "REFUSE" ? reasonCodeOf(e.payload, e.case.machineVersion) : ""]
            : []),
        ]
          .map(csvCell)
          .join(","),
      );
      res
        .type("text/csv; charset=utf-8")
        .attachment(`audit-${query.from}-${query.to}.csv`)
        .send([header.join(","), ...lines].join("\r\n") + "\r\n");
      return undefined;
    },
  });
}

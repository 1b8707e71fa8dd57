// A fourth case type needs nothing but its home (docs/case-types.md): registered through the
// registry alone (machines/index.ts, here with a test's fixture type, an unemployment insurance
// transfer with an insurance of its own), it is opened, advanced, queued, looked up and documented
// by the service as it is, and its enrolment kind comes from its declaration.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTracedService } from "../support/inprocess.ts";
import { client, freshPerson, setUpAgencies, tempDir } from "../support/server.ts";
import type { Tokens } from "../support/fixtures.ts";

vi.mock(import("../../machines/vocabulary.ts"), async (importOriginal) => {
  const real = await importOriginal();
  return { ...real, INSURANCES: [...real.INSURANCES, "unemployment"] as unknown as typeof real.INSURANCES };
});
vi.mock(import("../../machines/index.ts"), async (importOriginal) => {
  const real = await importOriginal();
  const { createRegistry } = await import("../../machines/registry.ts");
  const { unemploymentTransferType } = await import("../structure/unemploymentTransfer.ts");
  const registry = createRegistry({ ...real.caseTypeRegistry, unemploymentTransfer: unemploymentTransferType });
  return { ...real, ...(registry as unknown as Partial<typeof real>) };
});

const TYPE = "unemploymentTransfer";
let service: Awaited<ReturnType<typeof startTracedService>>;
let api: ReturnType<typeof client>;
let tokens: Tokens;

beforeAll(async () => {
  service = await startTracedService(tempDir());
  api = client(service.url, { checkAnswers: true });
  tokens = await setUpAgencies(api);
});
afterAll(async () => service?.close());

const open = (insured: { name: string; idNumber: string }, type: string) =>
  api.call("POST", "/api/cases", {
    token: tokens.out,
    body: { type, insured, fromAgency: "FZ", toAgency: "XM", occurredOn: "2026-09-01" },
  });
const record = (token: string, id: string, body: Record<string, unknown>) =>
  api.call("POST", `/api/cases/${id}/events`, { token, body });

describe("a fourth case type, declared in its home only", () => {
  it("is listed and described like the others", async () => {
    const list = await api.call("GET", "/api/machines");
    expect(list.body.items.find((m: { type: string }) => m.type === TYPE)).toEqual({
      type: TYPE,
      latestVersion: 1,
      label: { zh: "失业保险关系转移", en: "Unemployment insurance transfer" },
      singleAgency: false,
      caseNumberPrefix: "UT",
    });
    const def = await api.call("GET", `/api/machines/${TYPE}`);
    expect(def.status).toBe(200);
    expect(Object.keys(def.body.states)).toEqual([
      "suspended",
      "certificateIssued",
      "applicationFiled",
      "transferred",
      "withdrawn",
    ]);
  });

  it("is opened with its own insurance and enrolment kind, beside the person's medical transfer", async () => {
    const person = freshPerson();
    expect((await open(person, "medicalTransfer")).status).toBe(201);
    const r = await open(person, TYPE);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      type: TYPE,
      insurance: "unemployment",
      state: "suspended",
      actingSide: "transferOut",
    });
    expect(r.body.caseNumber).toMatch(/^UT2026-[0-9A-Z]{8}$/);
    const claims = await service.ctx.db.openEnrolment.findMany({ where: { caseId: r.body.id } });
    expect(claims.map((c) => c.kind)).toEqual(["transfer:unemployment"]);

    const again = await open(person, TYPE);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: "/problems/open-case-exists", kind: "transfer:unemployment" });
    // the insurance is the type's: another one is refused with the type's own words
    const pension = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: { type: TYPE, insured: freshPerson(), fromAgency: "FZ", toAgency: "XM", insurance: "medical" },
    });
    expect(pension.status).toBe(422);
    expect(pension.body.errors).toEqual([
      { path: "insurance", message: "an unemployment transfer is about unemployment insurance" },
    ]);
  });

  it("is advanced, queued, looked up and documented, with its deadline, and ends its enrolment", async () => {
    const person = freshPerson();
    const c = (await open(person, TYPE)).body;
    const certificate = {
      type: "ISSUE_CERTIFICATE",
      occurredOn: "2026-09-02",
      contributionMonths: 30,
      benefitMonthsLeft: 6,
    };
    expect((await record(tokens.out, c.id, certificate)).status).toBe(200);
    const filed = await record(tokens.in, c.id, { type: "FILE_APPLICATION", occurredOn: "2026-09-03" });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    expect(filed.body).toMatchObject({
      state: "applicationFiled",
      actingSide: "transferIn",
      stepStartedOn: "2026-09-03",
      // 10 working days after 3 September 2026 (no holiday in between)
      stepDueOn: service.ctx.calendar.addWorkingDays("2026-09-03", 10).value,
      progress: { step: 2, steps: 3, side: "transferIn" },
    });
    expect(filed.body.stepDueOn).toBe("2026-09-17");

    const queue = await api.call("GET", `/api/cases?type=${TYPE}`, { token: tokens.in });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(c.id);

    const files = await api.call("GET", `/api/cases/${c.id}/attachments`, { token: tokens.in });
    expect(files.body.checklist.steps).toEqual([]);
    const docs = await api.call("GET", `/api/cases/${c.id}/documents`, { token: tokens.in });
    expect(docs.body.items.map((d: { kind: string; seq: number }) => [d.kind, d.seq])).toEqual([
      ["insuranceCertificate", 2],
      ["receipt", 3],
    ]);

    const status = await api.call("POST", "/api/status", {
      body: { caseNumber: c.caseNumber, idNumber: person.idNumber },
    });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ type: TYPE, state: "applicationFiled", progress: { step: 2, steps: 3 } });
    expect(status.body).not.toHaveProperty("flow");
    expect(status.body).not.toHaveProperty("paymentDue");

    const accepted = await record(tokens.in, c.id, { type: "ACCEPT", occurredOn: "2026-09-04" });
    expect(accepted.body).toMatchObject({ state: "transferred", final: true, outcome: "completed" });
    expect(await service.ctx.db.openEnrolment.count({ where: { caseId: c.id } })).toBe(0);
    expect((await open(person, TYPE)).status).toBe(201);
  });

  it("expects the documents its declaration names before filing", async () => {
    const c = (await open(freshPerson(), TYPE)).body;
    await record(tokens.out, c.id, { type: "ISSUE_CERTIFICATE", contributionMonths: 12, benefitMonthsLeft: 3 });
    const files = await api.call("GET", `/api/cases/${c.id}/attachments`, { token: tokens.in });
    expect(files.body.checklist.steps).toEqual([
      {
        eventType: "FILE_APPLICATION",
        required: ["applicationForm", "idCard"],
        missing: ["applicationForm", "idCard"],
      },
    ]);
  });
});

// Opening a case, in the engine (src/engine/openCase.ts): the machine's initial state and its first
// event, which agencies and actors may open which case, no double enrolment and one name per ID
// number. No HTTP: the engine on a fresh SQLite file (test/support/engine.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataKeyOf } from "../../src/privacy/atRest.ts";
import { freshPerson } from "../support/server.ts";
import { problemOf, startEngine, type EngineHarness } from "../support/engine.ts";

let h: EngineHarness;
beforeAll(async () => {
  h = await startEngine();
});
afterAll(async () => {
  await h?.close();
});

const caseCount = () => h.db.case.count();
const agency = (code: "FZ" | "XM" | "SZ") => {
  const { id: _id, ...a } = h.agencies[code];
  return a;
};

describe("a new case", () => {
  it("starts in the machine's initial state with no due date, and its opening is event 1", async () => {
    const c = await h.open({ occurredOn: "2026-09-01" });
    expect(c.caseNumber).toMatch(/^MT2026-[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(c).toMatchObject({
      type: "medicalTransfer",
      machineVersion: 2,
      state: "suspended",
      version: 1,
      actingSide: "transferOut",
      fromAgencyId: h.agencies.FZ.id,
      toAgencyId: h.agencies.XM.id,
      insurance: "medical",
      scheme: "employee",
      toScheme: null,
      stepStartedOn: null,
      stepDueOn: null,
      stepSeq: null,
      overallStartedOn: null,
      dueOn: null,
      nextDueOn: null,
      provisional: false,
      final: false,
      openedOn: "2026-09-01",
      lastOccurredOn: "2026-09-01",
    });
    expect(await h.read(c.id)).toMatchObject({ state: "suspended", version: 1, caseNumber: c.caseNumber });
    expect(await h.events(c.id)).toEqual([
      {
        seq: 1,
        type: "CASE_OPENED",
        payload: {
          type: "medicalTransfer",
          machineVersion: 2,
          fromAgency: "FZ",
          toAgency: "XM",
          insurance: "medical",
          scheme: "employee",
        },
        fromState: null,
        toState: "suspended",
        actorKind: "staff",
        actorId: h.actors.out.userId,
        actorName: "fz-clerk",
        occurredOn: "2026-09-01",
        stepDueOn: null,
        backdateReason: null,
      },
    ]);
  });

  it("is dated today when no date is given", async () => {
    const c = await h.open();
    expect(c).toMatchObject({ openedOn: h.today, lastOccurredOn: h.today });
    expect((await h.events(c.id))[0].occurredOn).toBe(h.today);
  });

  it("of each type: its initial state, prefix, insurance and the side that acts first", async () => {
    const pension = await h.open({ type: "pensionTransfer", occurredOn: "2026-09-01" });
    expect(pension.caseNumber).toMatch(/^PT2026-/);
    expect(pension).toMatchObject({
      machineVersion: 3,
      state: "suspended",
      actingSide: "transferOut",
      insurance: "pension",
      stepDueOn: null,
      dueOn: null,
      nextDueOn: null,
    });
    const renewal = await h.open({ type: "renewal", insurance: "pension", occurredOn: "2026-09-01" });
    expect(renewal.caseNumber).toMatch(/^RN2026-/);
    expect(renewal).toMatchObject({
      machineVersion: 3,
      state: "lapsed",
      actingSide: "insured",
      insurance: "pension",
      stepDueOn: null,
      dueOn: null,
      nextDueOn: null,
    });
  });

  it("records the scheme moved to and the employer in the opening event", async () => {
    const employer = { name: "福州某某科技有限公司", creditCode: "91350100M000100Y43" };
    const c = await h.open({ scheme: "flexible", toScheme: "employee", employer });
    expect(c).toMatchObject({
      scheme: "flexible",
      toScheme: "employee",
      employerName: employer.name,
      employerCreditCode: employer.creditCode,
    });
    expect((await h.events(c.id))[0].payload).toEqual({
      type: "medicalTransfer",
      machineVersion: 2,
      fromAgency: "FZ",
      toAgency: "XM",
      insurance: "medical",
      scheme: "flexible",
      toScheme: "employee",
      employer,
    });
    expect(await problemOf(h.open({ scheme: "resident", toScheme: "resident" }))).toMatchObject({
      status: 422,
      type: "/problems/validation-failed",
      errors: [{ path: "toScheme", message: "the scheme moved to must differ from scheme (leave it out)" }],
    });
  });
});

describe("agencies", () => {
  it("must exist: 422 naming each unknown code", async () => {
    const before = await caseCount();
    expect(await problemOf(h.open({ fromAgency: "NOPE", toAgency: "XM" }))).toEqual({
      type: "/problems/validation-failed",
      title: "Validation failed",
      status: 422,
      detail: "The request has invalid fields.",
      errors: [{ path: "fromAgency", message: "no agency with code NOPE" }],
    });
    expect(await problemOf(h.open({ toAgency: "NOPE" }))).toMatchObject({
      status: 422,
      errors: [{ path: "toAgency", message: "no agency with code NOPE" }],
    });
    expect(await problemOf(h.open({ fromAgency: "NO1", toAgency: "NO2" }))).toMatchObject({
      status: 422,
      errors: [
        { path: "fromAgency", message: "no agency with code NO1" },
        { path: "toAgency", message: "no agency with code NO2" },
      ],
    });
    expect(await caseCount()).toBe(before);
  });

  it("a transfer needs two agencies; a single-agency type (a renewal) is handled by its one agency", async () => {
    expect(await problemOf(h.open({ fromAgency: "FZ", toAgency: "FZ" }))).toMatchObject({
      status: 422,
      type: "/problems/validation-failed",
      errors: [{ path: "toAgency", message: "a transfer needs two different agencies" }],
    });
    expect(await problemOf(h.open({ type: "pensionTransfer", toAgency: "FZ" }))).toMatchObject({
      status: 422,
      errors: [{ path: "toAgency", message: "a transfer needs two different agencies" }],
    });
    const renewal = await h.open({ type: "renewal", toAgency: undefined });
    expect(renewal.fromAgency).toMatchObject(agency("FZ"));
    expect(renewal.toAgency).toMatchObject(agency("FZ"));
    expect((await h.events(renewal.id))[0].payload).toMatchObject({ fromAgency: "FZ", toAgency: "FZ" });
  });
});

describe("who opens a case", () => {
  it("staff of either end, for their own agency only", async () => {
    const before = await caseCount();
    expect(await problemOf(h.open({}, h.actors.other))).toEqual({
      type: "/problems/forbidden",
      title: "Forbidden",
      status: 403,
      detail: "Staff open cases only for their own agency.",
    });
    expect(await problemOf(h.open({ type: "renewal", fromAgency: "XM" }, h.actors.out))).toMatchObject({
      status: 403,
      detail: "Staff open cases only for their own agency.",
    });
    expect(await caseCount()).toBe(before);
    // the transfer-in agency may open the case too (the application reached it first)
    const byIn = await h.open({}, h.actors.in);
    expect((await h.events(byIn.id))[0]).toMatchObject({ actorKind: "staff", actorName: "xm-clerk" });
  });

  it("not an administrator", async () => {
    expect(await problemOf(h.open({}, h.actors.admin))).toMatchObject({
      status: 403,
      type: "/problems/forbidden",
      detail: "Only agency staff open cases.",
    });
  });

  it("an API client scoped to CASE_OPENED, for its own agency; one that is not scoped, never", async () => {
    const c = await h.open({}, h.actors.client);
    expect((await h.events(c.id))[0]).toMatchObject({
      actorKind: "client",
      actorId: h.actors.client.userId,
      actorName: h.actors.client.username,
    });
    expect(await problemOf(h.open({ type: "renewal", fromAgency: "FZ" }, h.actors.client))).toMatchObject({
      status: 403,
      detail: "Staff open cases only for their own agency.",
    });
    const unscoped = await h.apiClient(["APPLY_ONLINE"]);
    expect(await problemOf(h.open({}, unscoped))).toMatchObject({
      status: 403,
      type: "/problems/forbidden",
      detail: "This API client may not open cases (it is not scoped to CASE_OPENED).",
    });
  });
});

describe("no double enrolment", () => {
  it("refuses a second open case of the same kind (409 open-case-exists), naming the open one to whom may see it", async () => {
    const insured = freshPerson();
    const first = await h.open({ insured });
    const before = await caseCount();

    expect(await problemOf(h.open({ insured }))).toEqual({
      type: "/problems/open-case-exists",
      title: "An open case exists for this person",
      status: 409,
      detail:
        `This person already has an open transfer (medical) case, handled by 福州市医保中心 → 厦门市医保中心 ` +
        `(case ${first.caseNumber}). Nobody may be enrolled twice at once (重复参保): finish or withdraw that case first.`,
      kind: "transfer:medical",
      openCase: {
        fromAgency: agency("FZ"),
        toAgency: agency("XM"),
        id: first.id,
        caseNumber: first.caseNumber,
        href: `/console#/case/${first.id}`,
      },
    });
    // staff of an agency that is neither end learn where the case is, not which case it is
    expect(await problemOf(h.open({ insured, fromAgency: "SZ" }, h.actors.other))).toEqual({
      type: "/problems/open-case-exists",
      title: "An open case exists for this person",
      status: 409,
      detail:
        "This person already has an open transfer (medical) case, handled by 福州市医保中心 → 厦门市医保中心. " +
        "Nobody may be enrolled twice at once (重复参保): finish or withdraw that case first.",
      kind: "transfer:medical",
      openCase: { fromAgency: agency("FZ"), toAgency: agency("XM") },
    });
    expect(await caseCount()).toBe(before);
  });

  it("counts per kind: a renewal and a pension transfer of the same person may be open beside a medical transfer", async () => {
    const insured = freshPerson();
    await h.open({ insured });
    const pension = await h.open({ insured, type: "pensionTransfer" });
    const renewal = await h.open({ insured, type: "renewal" });
    expect([pension.state, renewal.state]).toEqual(["suspended", "lapsed"]);
    expect(await problemOf(h.open({ insured, type: "renewal", insurance: "medical" }))).toMatchObject({
      status: 409,
      type: "/problems/open-case-exists",
      kind: "renewal:medical",
      openCase: { id: renewal.id, caseNumber: renewal.caseNumber },
    });
  });

  it("lets the person's next case of the kind open once the first has ended", async () => {
    const insured = freshPerson();
    const first = await h.open({ insured, occurredOn: "2026-09-01" });
    expect(await problemOf(h.open({ insured }))).toMatchObject({ status: 409, type: "/problems/open-case-exists" });
    const withdrawn = await h.advance(h.actors.out, first.id, {
      type: "WITHDRAW",
      reason: "stays with the old employer",
    });
    expect(withdrawn).toMatchObject({ state: "withdrawn", final: true });
    const second = await h.open({ insured });
    expect(second).toMatchObject({ state: "suspended", version: 1, final: false });
    // and the second now holds the claim
    expect(await problemOf(h.open({ insured }))).toMatchObject({
      status: 409,
      openCase: { id: second.id, caseNumber: second.caseNumber },
    });
  });
});

describe("one name per ID number", () => {
  it("refuses another name for a known ID number unless a correction is stated, and then renames the person's cases", async () => {
    const person = freshPerson("林小明");
    const first = await h.open({ insured: person });
    const renamed = { ...person, name: "林晓明" };

    expect(await problemOf(h.open({ type: "renewal", insured: renamed }))).toEqual({
      type: "/problems/validation-failed",
      title: "Validation failed",
      status: 422,
      detail: "One ID number has one name.",
      errors: [
        {
          path: "insured.name",
          message:
            "this ID number is on record under another name; check the name, or state a correction (insured.nameCorrection.reason)",
        },
      ],
    });

    const correction = { reason: "户籍信息更正" };
    const second = await h.open({ type: "renewal", insured: { ...renamed, nameCorrection: correction } });
    expect((await h.events(second.id))[0].payload).toMatchObject({
      nameCorrection: { reason: "户籍信息更正", casesRenamed: 1 },
    });
    const key = dataKeyOf(h.db);
    expect(key.decrypt((await h.read(first.id)).insuredName, "insuredName")).toBe("林晓明");
    expect(key.decrypt((await h.read(second.id)).insuredName, "insuredName")).toBe("林晓明");
  });

  it("refuses a correction that corrects nothing", async () => {
    expect(await problemOf(h.open({ insured: { ...freshPerson(), nameCorrection: { reason: "x" } } }))).toMatchObject({
      status: 422,
      errors: [
        {
          path: "insured.nameCorrection",
          message: "no correction needed: the name is the one on record for this ID number (or the person is new)",
        },
      ],
    });
  });
});

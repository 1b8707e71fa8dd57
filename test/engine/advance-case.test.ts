// Recording an event on a case, in the engine (src/engine/advanceCase.ts): the event appended with
// seq = the case's new version, the due dates, and every refusal with its status, problem type and
// fields, each leaving the case and its log as they were. No HTTP (test/support/engine.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advanceCase } from "../../src/engine/advanceCase.ts";
import { Problem } from "../../src/problems.ts";
import { medicalCertificate } from "../support/fixtures.ts";
import { advanceInput, problemOf, startEngine, type EngineHarness } from "../support/engine.ts";

let h: EngineHarness;
beforeAll(async () => {
  h = await startEngine();
});
afterAll(async () => {
  await h?.close();
});

/** The case and its log must be as they were: version `version`, `events` events. */
async function unchanged(id: string, version: number, state: string) {
  expect(await h.read(id)).toMatchObject({ version, state });
  expect(await h.events(id)).toHaveLength(version);
}

describe("a medical transfer from suspended to transferred", () => {
  it("appends each event with seq = the new version, and sets the statutory due dates", async () => {
    const c = await h.open({ occurredOn: "2026-09-01" });
    const certificate = medicalCertificate({ contributionMonths: 48, accountBalanceFen: 523_456 });
    const issued = await advanceCase(
      h.ctx,
      h.actors.out,
      c.id,
      advanceInput({ ...certificate, occurredOn: "2026-09-02" }),
    );
    expect(issued.eventSeq).toBe(2);
    expect(issued.case).toMatchObject({ state: "certificateIssued", version: 2, actingSide: "insured" });

    const filed = await h.advance(h.actors.in, c.id, {
      type: "FILE_APPLICATION",
      occurredOn: "2026-09-10",
      channel: "online",
      applicant: "employer",
    });
    expect(filed).toMatchObject({ state: "applicationFiled", version: 3, actingSide: "transferIn", stepDueOn: null });

    // Accepted on 28 Sep: 10 working days for transfer-out cross National Day (1-7 Oct off, Sat 10
    // Oct worked) → 16 Oct; the overall 15 working days → 23 Oct.
    const accepted = await h.advance(h.actors.in, c.id, { type: "ACCEPT", occurredOn: "2026-09-28" });
    expect(accepted).toMatchObject({
      state: "transferOut",
      version: 4,
      actingSide: "transferOut",
      stepStartedOn: "2026-09-28",
      stepDueOn: "2026-10-16",
      stepSeq: 4,
      overallStartedOn: "2026-09-28",
      dueOn: "2026-10-23",
      nextDueOn: "2026-10-16",
      provisional: false,
      lastOccurredOn: "2026-09-28",
    });
    // Transfer-out done on Fri 9 Oct: 5 working days from the make-up Saturday 10 Oct on → 15 Oct.
    const out = await h.advance(h.actors.out, c.id, {
      type: "TRANSFER_OUT_DONE",
      occurredOn: "2026-10-09",
      transferredFen: 523_456,
    });
    expect(out).toMatchObject({
      state: "transferIn",
      version: 5,
      actingSide: "transferIn",
      stepStartedOn: "2026-10-09",
      stepDueOn: "2026-10-15",
      stepSeq: 5,
      dueOn: "2026-10-23",
      nextDueOn: "2026-10-15",
    });
    const done = await h.advance(h.actors.in, c.id, { type: "TRANSFER_IN_DONE", occurredOn: "2026-10-12" });
    expect(done).toMatchObject({
      state: "transferred",
      version: 6,
      actingSide: "none",
      final: true,
      nextDueOn: null,
      lastOccurredOn: "2026-10-12",
    });
    expect(await h.read(c.id)).toMatchObject({ state: "transferred", version: 6, final: true });

    const staff = (a: typeof h.actors.out) => ({ actorKind: "staff", actorId: a.userId, actorName: a.username });
    expect((await h.events(c.id)).slice(1)).toEqual([
      {
        seq: 2,
        type: "ISSUE_CERTIFICATE",
        payload: { contributionMonths: 48, accountBalanceFen: 523_456, arrearsFen: 0 },
        fromState: "suspended",
        toState: "certificateIssued",
        ...staff(h.actors.out),
        occurredOn: "2026-09-02",
        stepDueOn: null,
        backdateReason: null,
      },
      {
        seq: 3,
        type: "FILE_APPLICATION",
        payload: { channel: "online", applicant: "employer" },
        fromState: "certificateIssued",
        toState: "applicationFiled",
        ...staff(h.actors.in),
        occurredOn: "2026-09-10",
        stepDueOn: null,
        backdateReason: null,
      },
      {
        seq: 4,
        type: "ACCEPT",
        payload: {},
        fromState: "applicationFiled",
        toState: "transferOut",
        ...staff(h.actors.in),
        occurredOn: "2026-09-28",
        stepDueOn: null,
        backdateReason: null,
      },
      {
        seq: 5,
        type: "TRANSFER_OUT_DONE",
        payload: { transferredFen: 523_456 },
        fromState: "transferOut",
        toState: "transferIn",
        ...staff(h.actors.out),
        occurredOn: "2026-10-09",
        // the step's due date when the event was recorded
        stepDueOn: "2026-10-16",
        backdateReason: null,
      },
      {
        seq: 6,
        type: "TRANSFER_IN_DONE",
        payload: {},
        fromState: "transferIn",
        toState: "transferred",
        ...staff(h.actors.in),
        occurredOn: "2026-10-12",
        stepDueOn: "2026-10-15",
        backdateReason: null,
      },
    ]);
  });
});

describe("an invalid payload", () => {
  it("is refused with 422 and the path of each wrong field", async () => {
    const c = await h.open();
    const bad = medicalCertificate({ contributionMonths: -1, accountBalanceFen: 1.5 });
    expect(await problemOf(h.advance(h.actors.out, c.id, bad))).toEqual({
      type: "/problems/validation-failed",
      title: "Validation failed",
      status: 422,
      detail: "The request has invalid fields.",
      errors: [
        { path: "contributionMonths", message: "Too small: expected number to be >=0" },
        { path: "accountBalanceFen", message: "Invalid input: expected int, received number" },
      ],
    });
    expect(await problemOf(h.advance(h.actors.out, c.id, medicalCertificate({ surprise: true })))).toMatchObject({
      status: 422,
      errors: [{ path: "(body)", message: 'Unrecognized key: "surprise"' }],
    });
    expect(await problemOf(h.advance(h.actors.out, c.id, { type: "NO_SUCH_EVENT" }))).toMatchObject({
      status: 422,
      errors: [{ path: "type", message: "unknown event type for a medicalTransfer case: NO_SUCH_EVENT" }],
    });
    // version 2's REFUSE needs a reasonCode (REFUSAL_REASONS) or a reason
    const filed = await h.open();
    await h.walk(filed.id, "applicationFiled");
    expect(await problemOf(h.advance(h.actors.in, filed.id, { type: "REFUSE" }))).toMatchObject({
      status: 422,
      errors: [{ path: "reasonCode", message: "reasonCode or reason is required" }],
    });
    expect(await problemOf(h.advance(h.actors.in, filed.id, { type: "REFUSE", reasonCode: "other" }))).toMatchObject({
      status: 422,
      errors: [{ path: "reason", message: "reason is required with reasonCode other" }],
    });
    await unchanged(c.id, 1, "suspended");
    await unchanged(filed.id, 3, "applicationFiled");
  });
});

describe("an event the state does not define", () => {
  it("is refused with 409 event-not-allowed and the events the actor may record now", async () => {
    const c = await h.open();
    expect(await problemOf(h.advance(h.actors.in, c.id, { type: "TRANSFER_IN_DONE" }))).toEqual({
      type: "/problems/event-not-allowed",
      title: "Event not allowed now",
      status: 409,
      detail: "TRANSFER_IN_DONE is not allowed in state suspended.",
      state: "suspended",
      // the transfer-in agency may take an online application (medicalTransfer version 2)
      allowedEvents: ["WITHDRAW", "APPLY_ONLINE"],
    });
    expect(await problemOf(h.advance(h.actors.out, c.id, { type: "ACCEPT" }))).toMatchObject({
      status: 409,
      type: "/problems/event-not-allowed",
      allowedEvents: ["ISSUE_CERTIFICATE", "WITHDRAW"],
    });
    await h.advance(h.actors.out, c.id, { type: "WITHDRAW", reason: "stays with the old employer" });
    expect(await problemOf(h.advance(h.actors.out, c.id, medicalCertificate()))).toMatchObject({
      status: 409,
      type: "/problems/event-not-allowed",
      state: "withdrawn",
      allowedEvents: [],
    });
    await unchanged(c.id, 2, "withdrawn");
  });
});

describe("a guard's refusal", () => {
  it("is 409 refused-by-rule with the machine's reason and the events the actor may record", async () => {
    const c = await h.open();
    await h.walk(c.id, "applicationFiled", { arrearsFen: 35_000 });
    expect(await problemOf(h.advance(h.actors.in, c.id, { type: "ACCEPT" }))).toEqual({
      type: "/problems/refused-by-rule",
      title: "Refused by the rules",
      status: 409,
      detail:
        "ACCEPT is refused in state applicationFiled: the arrears stated on the certificate are unpaid; record ARREARS_PAID first",
      state: "applicationFiled",
      allowedEvents: ["ACCEPT", "REFUSE", "WITHDRAW"],
    });
    // a part payment is refused too; the whole arrears let the acceptance through
    expect(await problemOf(h.advance(h.actors.out, c.id, { type: "ARREARS_PAID", paidFen: 1 }))).toMatchObject({
      status: 409,
      type: "/problems/refused-by-rule",
      detail:
        "ARREARS_PAID is refused in state applicationFiled: paidFen must equal the outstanding arrears, and there must be arrears to pay",
      allowedEvents: ["REISSUE_CERTIFICATE", "ARREARS_PAID", "WITHDRAW"],
    });
    await unchanged(c.id, 3, "applicationFiled");
    await h.advance(h.actors.out, c.id, { type: "ARREARS_PAID", paidFen: 35_000 });
    expect(await h.advance(h.actors.in, c.id, { type: "ACCEPT" })).toMatchObject({ state: "transferOut", version: 5 });
  });
});

describe("who records an event", () => {
  it("staff of the side that records it; other sides, other agencies and administrators get 403", async () => {
    const c = await h.open();
    await h.walk(c.id, "applicationFiled");
    expect(await problemOf(h.advance(h.actors.out, c.id, { type: "ACCEPT" }))).toEqual({
      type: "/problems/forbidden",
      title: "Forbidden",
      status: 403,
      detail: "ACCEPT is recorded by the transferIn agency, not by yours.",
    });
    expect(await problemOf(h.advance(h.actors.other, c.id, { type: "ACCEPT" }))).toMatchObject({
      status: 403,
      detail: "This case belongs to other agencies.",
    });
    expect(await problemOf(h.advance(h.actors.admin, c.id, { type: "ACCEPT" }))).toMatchObject({
      status: 403,
      detail: "Only agency staff record events on cases.",
    });
    await unchanged(c.id, 3, "applicationFiled");
  });

  it("an API client only the events it is scoped to, on its agency's cases", async () => {
    const c = await h.open();
    const applied = await h.advance(h.actors.client, c.id, { type: "APPLY_ONLINE", applicant: "employer" });
    expect(applied).toMatchObject({ state: "onlineApplicationFiled", version: 2 });
    expect((await h.events(c.id))[1]).toMatchObject({
      seq: 2,
      type: "APPLY_ONLINE",
      actorKind: "client",
      actorId: h.actors.client.userId,
      actorName: h.actors.client.username,
    });
    expect(await problemOf(h.advance(h.actors.client, c.id, { type: "ACCEPT" }))).toEqual({
      type: "/problems/forbidden",
      title: "Forbidden",
      status: 403,
      detail: "This API client may not record ACCEPT.",
    });
    const elsewhere = await h.apiClient(["ACCEPT"], "SZ");
    expect(await problemOf(h.advance(elsewhere, c.id, { type: "ACCEPT" }))).toMatchObject({
      status: 403,
      detail: "This case belongs to other agencies.",
    });
    await unchanged(c.id, 2, "onlineApplicationFiled");
  });
});

describe("If-Match", () => {
  it("refuses a stale version with 412 and the current one, and lets the current one through", async () => {
    const c = await h.open();
    const stale = h.advance(h.actors.out, c.id, medicalCertificate(), { ifMatch: 7 });
    expect(await problemOf(stale)).toEqual({
      type: "/problems/precondition-failed",
      title: "Precondition failed",
      status: 412,
      detail: "The case has changed: its current version is 1.",
      currentVersion: 1,
    });
    await unchanged(c.id, 1, "suspended");
    expect(await h.advance(h.actors.out, c.id, medicalCertificate(), { ifMatch: 1 })).toMatchObject({ version: 2 });
  });
});

describe("two advances of one case at the same time", () => {
  it("commit exactly one: the other is refused with 409 and the version it lost to, and the log has one event", async () => {
    const c = await h.open();
    const results = await Promise.allSettled([
      h.advance(h.actors.out, c.id, medicalCertificate({ contributionMonths: 11 })),
      h.advance(h.actors.out, c.id, medicalCertificate({ contributionMonths: 22 })),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const refusal: unknown = lost[0].reason;
    expect(refusal).toBeInstanceOf(Problem);
    expect((refusal as Problem).toJSON()).toMatchObject({
      status: 409,
      type: "/problems/conflict",
      currentVersion: 2,
      state: "certificateIssued",
    });
    const winner = won[0].value;
    expect(winner).toMatchObject({ version: 2, state: "certificateIssued" });
    const events = await h.events(c.id);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, "CASE_OPENED"],
      [2, "ISSUE_CERTIFICATE"],
    ]);
    expect(events[1].payload.contributionMonths).toBe(JSON.parse(winner.snapshot).context.contributionMonths);
  });
});

describe("the date of an act (occurredOn)", () => {
  it("is today unless given; never in the future, never before the case's previous event, a real date", async () => {
    const c = await h.open({ occurredOn: "2026-09-01" });
    const occurredOnError = async (occurredOn: unknown) =>
      ((await problemOf(h.advance(h.actors.out, c.id, medicalCertificate({ occurredOn })))).errors as unknown[])[0];
    expect(await occurredOnError("2026-10-31")).toEqual({
      path: "occurredOn",
      message: "must not be in the future (today is 2026-10-30 in China)",
    });
    expect(await occurredOnError("2026-08-31")).toEqual({
      path: "occurredOn",
      message: "must not be before the case's previous event (2026-09-01)",
    });
    for (const malformed of ["2026-02-30", "1.9.2026", 20260901])
      expect(await occurredOnError(malformed)).toEqual({ path: "occurredOn", message: "must be a date as YYYY-MM-DD" });
    await unchanged(c.id, 1, "suspended");

    expect(await h.advance(h.actors.out, c.id, medicalCertificate())).toMatchObject({ lastOccurredOn: h.today });
    expect((await h.events(c.id))[1].occurredOn).toBe(h.today);
  });

  it("needs a reason when dated more working days back than the agency's rule allows, and keeps it with the event", async () => {
    // the default rule: three working days (the harness allows any, as the service tests do)
    const ctx = { ...h.ctx, backdateReasonAfterWorkingDays: 3 };
    const c = await h.open({ occurredOn: "2026-10-01" });
    const record = (body: Record<string, unknown>) =>
      advanceCase(ctx, h.actors.out, c.id, advanceInput(medicalCertificate(body)));
    // Fri 23 Oct is five working days before Fri 30 Oct
    expect(await problemOf(record({ occurredOn: "2026-10-23" }))).toMatchObject({
      status: 422,
      errors: [
        {
          path: "backdateReason",
          message:
            "required: 2026-10-23 is more than 3 working days before today (2026-10-30); say why the act is recorded only now",
        },
      ],
    });
    expect(await problemOf(record({ occurredOn: "2026-10-23", backdateReason: "  " }))).toMatchObject({
      status: 422,
      errors: [{ path: "backdateReason", message: "must be a text saying why the act is recorded only now" }],
    });
    await unchanged(c.id, 1, "suspended");
    await record({ occurredOn: "2026-10-23", backdateReason: " 系统故障，补录 " });
    expect((await h.events(c.id))[1]).toMatchObject({ occurredOn: "2026-10-23", backdateReason: "系统故障，补录" });

    // within three working days (Tue 27 Oct), a reason given is not stored: the column means "backdated"
    const d = await h.open({ occurredOn: "2026-10-01" });
    await advanceCase(
      ctx,
      h.actors.out,
      d.id,
      advanceInput(medicalCertificate({ occurredOn: "2026-10-27", backdateReason: "x" })),
    );
    expect((await h.events(d.id))[1]).toMatchObject({ occurredOn: "2026-10-27", backdateReason: null });
  });
});

describe("a repeatable event", () => {
  it("is refused with 409 event-limit-reached once recorded as often as its machine allows", async () => {
    const c = await h.open();
    await h.walk(c.id, "certificateIssued");
    for (let i = 0; i < 20; i++) await h.advance(h.actors.out, c.id, { type: "REISSUE_CERTIFICATE" });
    expect(await h.read(c.id)).toMatchObject({ state: "certificateIssued", version: 22 });
    expect(await problemOf(h.advance(h.actors.out, c.id, { type: "REISSUE_CERTIFICATE" }))).toEqual({
      type: "/problems/event-limit-reached",
      title: "Event limit reached",
      status: 409,
      detail: "REISSUE_CERTIFICATE may be recorded at most 20 times on one case, and this case has 20.",
      eventType: "REISSUE_CERTIFICATE",
      maxPerCase: 20,
      recorded: 20,
      state: "certificateIssued",
    });
    await unchanged(c.id, 22, "certificateIssued");
  });
});

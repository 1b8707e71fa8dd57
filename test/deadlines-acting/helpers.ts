// Shared steps for the deadline, notification and report tests.
import { expect } from "vitest";
import { client, person, setUpAgencies } from "../support/server.ts";

export type Api = ReturnType<typeof client>;
export type Tokens = Awaited<ReturnType<typeof setUpAgencies>>;

export async function send(api: Api, token: string, id: string, body: Record<string, unknown>) {
  const r = await api.call("POST", `/api/cases/${id}/events`, { token, body });
  expect(r.status, `${body.type}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
}

/** A medical transfer FZ → XM taken to transferOut: accepted on `acceptOn`, so due 10 working days later. */
export async function medicalInTransferOut(api: Api, tokens: Tokens, dates: { openedOn: string; acceptOn: string }, insured = person) {
  const r = await api.call("POST", "/api/cases", {
    token: tokens.out,
    body: { type: "medicalTransfer", insured, fromAgency: "FZ", toAgency: "XM", occurredOn: dates.openedOn },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const id: string = r.body.id;
  await send(api, tokens.out, id, { type: "ISSUE_CERTIFICATE", occurredOn: dates.openedOn, contributionMonths: 24, accountBalanceFen: 10_000, arrearsFen: 0 });
  await send(api, tokens.in, id, { type: "FILE_APPLICATION", occurredOn: dates.openedOn, channel: "online", applicant: "employer" });
  const c = await send(api, tokens.in, id, { type: "ACCEPT", occurredOn: dates.acceptOn });
  expect(c.state).toBe("transferOut");
  return c as { id: string; caseNumber: string; stepDueOn: string; dueOn: string; provisional: boolean; version: number };
}

export async function events(api: Api, token: string, id: string): Promise<any[]> {
  const r = await api.call("GET", `/api/cases/${id}/events`, { token });
  expect(r.status).toBe(200);
  return r.body.items;
}

/** Polls until `check` returns a value other than undefined/false, or fails after `ms`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

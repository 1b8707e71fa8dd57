// Shared steps for the deadline, notification and report tests (the general ones are in
// test/support/fixtures.ts).
import { expect } from "vitest";
import { freshPerson } from "../support/server.ts";
import { advance, medicalCertificate, openCase, type Api, type Tokens } from "../support/fixtures.ts";

export { advance as send, eventsOf as events, type Api, type Tokens } from "../support/fixtures.ts";

/** A medical transfer FZ → XM taken to transferOut: accepted on `acceptOn`, so due 10 working days later. */
export async function medicalInTransferOut(
  api: Api,
  tokens: Tokens,
  dates: { openedOn: string; acceptOn: string },
  insured: { name: string; idNumber: string } = freshPerson(),
) {
  const { id } = await openCase(api, tokens.out, { insured, occurredOn: dates.openedOn });
  await advance(
    api,
    tokens.out,
    id,
    medicalCertificate({ occurredOn: dates.openedOn, contributionMonths: 24, accountBalanceFen: 10_000 }),
  );
  await advance(api, tokens.in, id, {
    type: "FILE_APPLICATION",
    occurredOn: dates.openedOn,
    channel: "online",
    applicant: "employer",
  });
  const c = await advance(api, tokens.in, id, { type: "ACCEPT", occurredOn: dates.acceptOn });
  expect(c.state).toBe("transferOut");
  return c as {
    id: string;
    insured: { name: string; idNumber: string };
    caseNumber: string;
    stepDueOn: string;
    dueOn: string;
    provisional: boolean;
    version: number;
  };
}

/** Polls until `check` returns a value other than undefined/false, or fails after `ms`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// A new machine version ships: open cases keep the rules they started with, new cases get the new ones.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "../../src/config.ts";
import { startServer } from "../../src/server.ts";
import { medicalTransferV2, getMachine, latestMachine, caseTypes } from "../../machines/index.ts";
import type { CaseMachineModule } from "../../machines/types.ts";
import type { MachineCatalog } from "../../src/engine/context.ts";
import { replayCase } from "../../src/engine/replay.ts";
import {
  ADMIN,
  client,
  freshPerson,
  person,
  setUpAgencies,
  tempDir,
  TYPED_FIGURE_VERSIONS,
} from "../support/server.ts";
import { medicalCertificate } from "../support/fixtures.ts";

// A next version of the medical transfer (4, beside the installed 1, 2 and 3), for this test only:
// version 2's rules, except that acceptance no longer waits for arrears.
const medicalNext: CaseMachineModule = {
  ...medicalTransferV2,
  version: 4,
  machine: medicalTransferV2.machine.provide({ guards: { noArrears: () => true } }),
};
const withNext: MachineCatalog = {
  get: (type, version) => (type === "medicalTransfer" && version === 4 ? medicalNext : getMachine(type, version)),
  latest: (type) => (type === "medicalTransfer" ? medicalNext : latestMachine(type)),
  types: caseTypes,
};

describe("machine versions", () => {
  it("keeps each case on the version it was opened with", async () => {
    const dir = tempDir();
    const env = {
      DATABASE_URL: `file:${path.join(dir, "t.db")}`,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      // the acts below are dated in September: no backdating reason asked for (docs/limits.md)
      BACKDATE_REASON_AFTER_WORKING_DAYS: "100000",
      // the certificate below is typed: new cases on version 2 (version 3 reads the record)
      NEW_CASE_VERSIONS: TYPED_FIGURE_VERSIONS,
    };
    const certificate = medicalCertificate({
      contributionMonths: 24,
      accountBalanceFen: 500,
      arrearsFen: 12_000,
      occurredOn: "2026-09-02",
    });
    const filing = { type: "FILE_APPLICATION", channel: "online", applicant: "employer", occurredOn: "2026-09-03" };
    const open = {
      type: "medicalTransfer",
      insured: person,
      fromAgency: "FZ",
      toAgency: "XM",
      occurredOn: "2026-09-01",
    };

    let server = await startServer(env);
    let api = client(server.url, { checkAnswers: true });
    const tokens = await setUpAgencies(api);
    const old = (await api.call("POST", "/api/cases", { token: tokens.out, body: open })).body;
    expect(old.machineVersion).toBe(2);
    await api.call("POST", `/api/cases/${old.id}/events`, { token: tokens.out, body: certificate });
    await api.call("POST", `/api/cases/${old.id}/events`, { token: tokens.in, body: filing });
    await server.close();

    server = await startServer(env, { machines: withNext });
    api = client(server.url, { checkAnswers: true });
    // another person: one open case of a kind per person (docs/parties.md)
    const fresh = (
      await api.call("POST", "/api/cases", { token: tokens.out, body: { ...open, insured: freshPerson() } })
    ).body;
    expect(fresh.machineVersion).toBe(4);
    await api.call("POST", `/api/cases/${fresh.id}/events`, { token: tokens.out, body: certificate });
    await api.call("POST", `/api/cases/${fresh.id}/events`, { token: tokens.in, body: filing });

    const oldAccept = await api.call("POST", `/api/cases/${old.id}/events`, {
      token: tokens.in,
      body: { type: "ACCEPT", occurredOn: "2026-09-04" },
    });
    expect(oldAccept.status).toBe(409); // version 2: arrears block acceptance
    const freshAccept = await api.call("POST", `/api/cases/${fresh.id}/events`, {
      token: tokens.in,
      body: { type: "ACCEPT", occurredOn: "2026-09-04" },
    });
    expect(freshAccept.status).toBe(200); // version 4: they do not
    expect(freshAccept.body.state).toBe("transferOut");

    // Both logs replay through their own version.
    for (const id of [old.id, fresh.id]) {
      const c = await server.ctx.db.case.findUniqueOrThrow({ where: { id } });
      const events = await server.ctx.db.caseEvent.findMany({ where: { caseId: id }, orderBy: { seq: "asc" } });
      expect(replayCase(withNext, c, events)).toBeUndefined();
    }
    // Without version 4 installed, the new case cannot be advanced rather than being run on the wrong rules.
    await server.close();
    server = await startServer(env);
    api = client(server.url, { checkAnswers: true });
    const refused = await api.call("POST", `/api/cases/${fresh.id}/events`, {
      token: tokens.out,
      body: { type: "TRANSFER_OUT_DONE", transferredFen: 500 },
    });
    expect(refused.status).toBe(500);
    expect(refused.body.type).toBe("/problems/machine-version-missing");
    expect(await server.ctx.db.caseEvent.count({ where: { caseId: fresh.id } })).toBe(4);
    await server.close();
  });

  it("refuses an unknown type or version in NEW_CASE_VERSIONS as a configuration error, before writing anything", async () => {
    const dir = tempDir();
    const env = { DATABASE_URL: `file:${path.join(dir, "t.db")}`, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent" };
    for (const [pins, message] of [
      ["medicalTransfer=9", "NEW_CASE_VERSIONS: medicalTransfer has no installed version 9"],
      ["nothing=1", "NEW_CASE_VERSIONS: unknown case type nothing"],
    ] as const) {
      const refused = startServer({ ...env, NEW_CASE_VERSIONS: pins });
      await expect(refused).rejects.toBeInstanceOf(ConfigError);
      await expect(refused).rejects.toThrow(message);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

// Policies per insurance and the insurances an agency handles (issue #28), through the real HTTP API:
// the admin endpoints take and show them (existing clients, which name no insurance, keep working:
// medical policies, agencies of both insurances), GET /api/agencies shows them, and a case of an
// insurance an agency does not handle is a 422 on that agency, in the form and in the batch filing.
// Every answer is checked against the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzhouPolicy, startWithAgencies, type Api, type Tokens } from "../support/fixtures.ts";
import { freshPerson, type TestServer } from "../support/server.ts";

let server: TestServer;
let api: Api;
let tokens: Tokens;

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies({}, { checkAnswers: true }));
});
afterAll(async () => {
  await server?.stop();
});

const admin = (method: string, path: string, body?: unknown) => api.call(method, path, { token: tokens.admin, body });

describe("policies per insurance", () => {
  it("a policy without an insurance is medical; a pension one beside it on the same date; ?insurance= lists one kind", async () => {
    const medical = await admin("POST", "/api/admin/policies", fuzhouPolicy);
    expect(medical.status).toBe(201);
    expect(medical.body).toMatchObject({ region: "350100", insurance: "medical", effectiveFrom: "2026-01-01" });
    const pension = await admin("POST", "/api/admin/policies", {
      ...fuzhouPolicy,
      insurance: "pension",
      rateBasisPoints: 1600,
      reimbursementRatios: undefined,
    });
    expect(pension.status).toBe(201);
    expect(pension.body).toMatchObject({ insurance: "pension", rateBasisPoints: 1600, reimbursementRatios: null });
    // one per region, insurance and date
    const again = await admin("POST", "/api/admin/policies", { ...fuzhouPolicy, insurance: "pension" });
    expect(again.status).toBe(409);
    expect((await admin("POST", "/api/admin/policies", { ...fuzhouPolicy, insurance: "dental" })).status).toBe(422);

    const all = await admin("GET", "/api/admin/policies");
    expect(all.body.items.map((p: any) => [p.region, p.insurance])).toEqual([
      ["350100", "medical"],
      ["350100", "pension"],
    ]);
    const only = await admin("GET", "/api/admin/policies?insurance=pension&region=350100");
    expect(only.body.items.map((p: any) => p.insurance)).toEqual(["pension"]);
    expect((await admin("GET", "/api/admin/policies?insurance=dental")).status).toBe(422);
  });

  it("a pension renewal is assessed with the pension policy; none in force: 409 naming the insurance", async () => {
    const request = {
      type: "ASSESS_ARREARS",
      firstMissedMonth: "2026-10",
      lastMissedMonth: "2026-10",
      payer: "employer",
    };
    const open = (fromAgency: string, token: string) =>
      api.call("POST", "/api/cases", {
        token,
        body: { type: "renewal", insurance: "pension", insured: freshPerson(), fromAgency, occurredOn: "2026-10-15" },
      });
    const fz = (await open("FZ", tokens.out)).body;
    const preview = await api.call("POST", `/api/cases/${fz.id}/assessment-preview`, {
      token: tokens.out,
      body: { ...request, type: undefined, paysOn: "2026-11-30" },
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    // 5,600.00 × 16 % = 896.00
    expect(preview.body.assessment.lines[0]).toMatchObject({ baseFen: 560_000, contributionFen: 89_600 });
    const sz = (await open("SZ", tokens.other)).body;
    const r = await api.call("POST", `/api/cases/${sz.id}/events`, {
      token: tokens.other,
      body: { ...request, paysOn: "2026-11-30" },
    });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      type: "/problems/no-policy-in-force",
      region: "440300",
      date: "2026-11-30",
      insurance: "pension",
    });
    expect(r.body.detail).toContain("No pension renewal policy for region 440300");
  });
});

describe("the insurances an agency handles", () => {
  it("are both unless set; POST and PATCH set them; the lists and the picker show them", async () => {
    const sb = await admin("POST", "/api/admin/agencies", {
      code: "FZ-SB",
      name: "福州市社会保险中心",
      region: "350100",
      insurances: ["pension"],
    });
    expect(sb.status).toBe(201);
    expect(sb.body.insurances).toEqual(["pension"]);
    for (const bad of [[], ["pension", "pension"], ["dental"], "pension"]) {
      const r = await admin("POST", "/api/admin/agencies", { code: "BAD", name: "x", region: "35", insurances: bad });
      expect(r.status, JSON.stringify(bad)).toBe(422);
      expect(r.body.errors[0].path).toMatch(/^insurances/);
    }
    const listed = await admin("GET", "/api/admin/agencies");
    expect(listed.body.items.map((a: any) => [a.code, a.insurances])).toEqual([
      ["FZ", ["medical", "pension"]],
      ["FZ-SB", ["pension"]],
      ["SZ", ["medical", "pension"]],
      ["XM", ["medical", "pension"]],
    ]);
    const patched = await admin("PATCH", "/api/admin/agencies/XM", { insurances: ["medical"] });
    expect(patched.status).toBe(200);
    expect(patched.body.insurances).toEqual(["medical"]);
    const picker = await api.call("GET", `/api/agencies?q=${encodeURIComponent("福州")}`, { token: tokens.out });
    expect(picker.body.items).toEqual([
      { code: "FZ", name: "福州市医保中心", region: "350100", insurances: ["medical", "pension"] },
      { code: "FZ-SB", name: "福州市社会保险中心", region: "350100", insurances: ["pension"] },
    ]);
    const audit = await admin("GET", "/api/admin/audit-log?action=agency.insurances_changed");
    expect(audit.body.items.map((e: any) => [e.target, e.before, e.after])).toEqual([
      ["agency:XM", { insurances: ["medical", "pension"] }, { insurances: ["medical"] }],
    ]);
  });

  it("a case of an insurance an agency does not handle: 422 on that agency's field, nothing opened", async () => {
    // XM handles medical only now (above)
    const pension = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: { type: "pensionTransfer", insured: freshPerson(), fromAgency: "FZ", toAgency: "XM" },
    });
    expect(pension.status).toBe(422);
    expect(pension.body.errors).toEqual([
      { path: "toAgency", message: "agency XM does not handle pension insurance (it handles medical)" },
    ]);
    const medical = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: { type: "medicalTransfer", insured: freshPerson(), fromAgency: "FZ", toAgency: "FZ-SB" },
    });
    expect(medical.status).toBe(422);
    expect(medical.body.errors).toEqual([
      { path: "toAgency", message: "agency FZ-SB does not handle medical insurance (it handles pension)" },
    ]);
    const renewal = await api.call("POST", "/api/cases", {
      token: tokens.in,
      body: { type: "renewal", insurance: "pension", insured: freshPerson(), fromAgency: "XM" },
    });
    expect(renewal.status).toBe(422);
    expect(renewal.body.errors).toEqual([
      { path: "fromAgency", message: "agency XM does not handle pension insurance (it handles medical)" },
    ]);
    // the pension transfer between agencies that handle pension opens
    const ok = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: { type: "pensionTransfer", insured: freshPerson(), fromAgency: "FZ", toAgency: "FZ-SB" },
    });
    expect(ok.status).toBe(201);
  });

  it("the batch filing refuses the row on that agency, in the dry run and in the run", async () => {
    const p = freshPerson();
    const csv = `type,name,idNumber,fromAgency,toAgency\npensionTransfer,${p.name},${p.idNumber},FZ,XM\n`;
    for (const q of ["?dryRun=true", ""]) {
      const r = await api.upload(`/api/cases/import${q}`, {
        token: tokens.out,
        file: { bytes: csv, name: "cases.csv", type: "text/csv" },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const done = q ? r.body : (await waitForImport(r.body.id as string)).body;
      expect(done.rows).toEqual([
        {
          row: 2,
          status: "refused",
          errors: [{ path: "toAgency", message: "agency XM does not handle pension insurance (it handles medical)" }],
        },
      ]);
    }
  });
});

async function waitForImport(id: string) {
  for (let i = 0; i < 100; i++) {
    const r = await api.call("GET", `/api/case-imports/${id}`, { token: tokens.out });
    if (r.body.status !== "running") return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the import did not finish");
}

// The clerk's tools over HTTP: assignment and handover, the mine/unassigned queues, the workload,
// notes, attachments and the required-document checklist (docs/clerk-tools.md).
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type TestServer, type UploadFile } from "../support/server.ts";
import {
  advance,
  medicalCertificate,
  medicalEventBody,
  openCase,
  send,
  startWithAgencies,
  type Api,
  type Tokens,
} from "../support/fixtures.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";

let server: TestServer;
let api: Api;
let tokens: Tokens;
let fz2: string;

/** Smallest valid files of each accepted type, by their magic numbers. */
export const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f5d8a80000000049454e44ae426082",
  "hex",
);
export const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
export const JPEG = Buffer.from("ffd8ffe000104a46494600010100000100010000ffd9", "hex");

let seq = 0;
const someone = () => ({
  name: "陈文件",
  idNumber: makeTestIdNumber("350102", "19850101", String(100 + ++seq).slice(-3)),
});

/** Attaches `file` to a case with the form's `fields` (test/support/server.ts upload). */
const upload = (token: string, caseId: string, fields: Record<string, string>, file?: UploadFile) =>
  api.upload(`/api/cases/${caseId}/attachments`, { token, fields, file });

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies({ ATTACHMENT_MAX_BYTES: "65536" }, { checkAnswers: true }));
  const admin = await api.login(ADMIN.username, ADMIN.password);
  const r = await api.call("POST", "/api/admin/users", {
    token: admin,
    body: { username: "fz-clerk2", password: "staff-password-123", role: "staff", agencyCode: "FZ" },
  });
  expect(r.status).toBe(201);
  fz2 = await api.login("fz-clerk2", "staff-password-123");
}, 60_000);
afterAll(async () => server?.stop());

describe("assignment", () => {
  it("assigns, hands over and releases one agency's side, recording each change", async () => {
    const c = await openCase(api, tokens.out, { insured: someone() });
    let r = await api.call("PUT", `/api/cases/${c.id}/assignee`, { token: tokens.out, body: { username: "fz-clerk" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.sides).toEqual([
      { side: "transferOut", agency: "FZ", assignee: "fz-clerk" },
      { side: "transferIn", agency: "XM", assignee: null },
    ]);
    r = await api.call("PUT", `/api/cases/${c.id}/assignee`, { token: tokens.out, body: { username: "fz-clerk2" } });
    r = await api.call("PUT", `/api/cases/${c.id}/assignee`, { token: tokens.in, body: { username: "xm-clerk" } });
    r = await api.call("PUT", `/api/cases/${c.id}/assignee`, { token: fz2, body: { username: null } });
    expect(r.status).toBe(200);
    expect(r.body.sides.map((s: any) => s.assignee)).toEqual([null, "xm-clerk"]);
    expect(r.body.history.map((h: any) => [h.agency, h.from, h.to, h.by])).toEqual([
      ["FZ", null, "fz-clerk", "fz-clerk"],
      ["FZ", "fz-clerk", "fz-clerk2", "fz-clerk"],
      ["XM", null, "xm-clerk", "xm-clerk"],
      ["FZ", "fz-clerk2", null, "fz-clerk2"],
    ]);
    // not a machine event: the case's version did not move
    const after = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out });
    expect(after.body.version).toBe(c.version);
    const again = await api.call("GET", `/api/cases/${c.id}/assignment`, { token: tokens.in });
    expect(again.body.history).toHaveLength(4);
  });

  it("refuses clerks of other agencies, unknown users, admins and bad bodies, changing nothing", async () => {
    const c = await openCase(api, tokens.out, { insured: someone() });
    const put = (token: string, body: unknown) => api.call("PUT", `/api/cases/${c.id}/assignee`, { token, body });
    expect((await put(tokens.out, { username: "xm-clerk" })).status).toBe(422);
    expect((await put(tokens.out, { username: "nobody-here" })).status).toBe(422);
    expect((await put(tokens.other, { username: "sz-clerk" })).status).toBe(403);
    expect((await put(tokens.admin, { username: "fz-clerk" })).status).toBe(403);
    expect((await put(tokens.out, {})).status).toBe(422);
    expect((await put(tokens.out, { username: "fz-clerk", extra: 1 })).status).toBe(422);
    expect((await put(tokens.out, { username: 5 })).status).toBe(422);
    expect(
      (
        await api.call("PUT", `/api/cases/00000000-0000-4000-8000-000000000000/assignee`, {
          token: tokens.out,
          body: { username: "fz-clerk" },
        })
      ).status,
    ).toBe(404);
    const a = await api.call("GET", `/api/cases/${c.id}/assignment`, { token: tokens.out });
    expect(a.body.history).toEqual([]);
    expect((await api.call("GET", `/api/cases/${c.id}/assignment`, { token: tokens.other })).status).toBe(403);
  });

  it("two assignments at once are put one after the other", async () => {
    const c = await openCase(api, tokens.out, { insured: someone() });
    const rs = await Promise.all(
      ["fz-clerk", "fz-clerk2", "fz-clerk", "fz-clerk2"].map((u, i) =>
        api.call("PUT", `/api/cases/${c.id}/assignee`, { token: i % 2 ? fz2 : tokens.out, body: { username: u } }),
      ),
    );
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const h = (await api.call("GET", `/api/cases/${c.id}/assignment`, { token: tokens.out })).body.history;
    // each change starts from the one before it; the last one holds
    let holder: string | null = null;
    for (const row of h) {
      expect(row.from).toBe(holder);
      holder = row.to;
    }
    const now = (await api.call("GET", `/api/cases/${c.id}/assignment`, { token: tokens.out })).body.sides[0].assignee;
    expect(now).toBe(holder);
  });

  it("assignedTo=me|none|<username> combine with the other filters; workload and reassignment", async () => {
    const a = await openCase(api, tokens.out, { insured: someone() });
    const b = await openCase(api, tokens.out, { insured: someone() });
    await api.call("PUT", `/api/cases/${a.id}/assignee`, { token: tokens.out, body: { username: "fz-clerk" } });
    await api.call("PUT", `/api/cases/${b.id}/assignee`, { token: tokens.out, body: { username: "fz-clerk" } });
    const list = async (token: string, q: string) =>
      ((r) => (expect(r.status, JSON.stringify(r.body)).toBe(200), r.body.items.map((c: any) => c.id) as string[]))(
        await api.call("GET", `/api/cases?${q}`, { token }),
      );
    const mine = await list(tokens.out, "assignedTo=me");
    expect(mine).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(await list(tokens.out, "assignedTo=fz-clerk&mine=true&sort=recent")).toEqual(
      expect.arrayContaining([a.id, b.id]),
    );
    expect(await list(tokens.out, "assignedTo=none")).not.toContain(a.id);
    expect(await list(tokens.out, "assignedTo=xm-clerk")).toEqual([]);
    // XM's side of a is nobody's
    expect(await list(tokens.in, "assignedTo=none")).toContain(a.id);
    expect(await list(tokens.in, "assignedTo=me")).not.toContain(a.id);
    expect((await api.call("GET", "/api/cases?assignedTo=me", { token: tokens.admin })).status).toBe(422);
    expect((await api.call("GET", "/api/cases?assignedTo=%20x", { token: tokens.out })).status).toBe(422);

    let w = await api.call("GET", "/api/agency/workload", { token: fz2 });
    expect(w.status).toBe(200);
    // the cases fz-clerk holds: a, b, and those the tests above left with them
    const open = w.body.clerks.find((r: any) => r.username === "fz-clerk").open;
    expect(open).toBe((await list(tokens.out, "assignedTo=me")).length);
    expect(w.body.agency).toBe("FZ");

    const bad = await api.call("POST", "/api/agency/workload/reassign", {
      token: fz2,
      body: { from: "fz-clerk", to: "xm-clerk" },
    });
    expect(bad.status).toBe(422);
    expect(
      (
        await api.call("POST", "/api/agency/workload/reassign", {
          token: fz2,
          body: { from: "fz-clerk", to: "fz-clerk" },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await api.call("POST", "/api/agency/workload/reassign", {
          token: tokens.admin,
          body: { from: "fz-clerk", to: "fz-clerk2" },
        })
      ).status,
    ).toBe(403);
    const r = await api.call("POST", "/api/agency/workload/reassign", {
      token: fz2,
      body: { from: "fz-clerk", to: "fz-clerk2" },
    });
    expect(r.status).toBe(200);
    expect(r.body.moved).toBe(open);
    w = await api.call("GET", "/api/agency/workload", { token: fz2 });
    expect(w.body.clerks.find((x: any) => x.username === "fz-clerk").open).toBe(0);
    expect(await list(tokens.out, "assignedTo=me")).toEqual([]);
    const h = (await api.call("GET", `/api/cases/${a.id}/assignment`, { token: tokens.out })).body.history.at(-1);
    expect(h).toMatchObject({ from: "fz-clerk", to: "fz-clerk2", by: "fz-clerk2", reason: "reassign" });
  });
});

describe("notes", () => {
  it("staff of either agency add and read notes; they are never in the status answer", async () => {
    const p = someone();
    const c = await openCase(api, tokens.out, { insured: p });
    const r = await api.call("POST", `/api/cases/${c.id}/notes`, {
      token: tokens.out,
      body: { text: "已电话联系，\n下周补交身份证复印件" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ author: "fz-clerk", agency: "FZ", text: "已电话联系，\n下周补交身份证复印件" });
    await api.call("POST", `/api/cases/${c.id}/notes`, { token: tokens.in, body: { text: "收到" } });
    const l = await api.call("GET", `/api/cases/${c.id}/notes`, { token: tokens.in });
    expect(l.body.items.map((n: any) => n.text)).toEqual(["已电话联系，\n下周补交身份证复印件", "收到"]);
    const status = await api.call("POST", "/api/status", { body: { caseNumber: c.caseNumber, idNumber: p.idNumber } });
    expect(status.status).toBe(200);
    expect(JSON.stringify(status.body)).not.toContain("身份证复印件");
  });

  it("refuses empty, too long and control characters (422), other agencies and admins (403), changing nothing", async () => {
    const c = await openCase(api, tokens.out, { insured: someone() });
    const post = (token: string, body: unknown) => api.call("POST", `/api/cases/${c.id}/notes`, { token, body });
    for (const body of [
      { text: "" },
      { text: "   " },
      { text: "x".repeat(2001) },
      { text: "a\u0007b" },
      { text: "a\u202eb" },
      {},
      { text: 1 },
    ])
      expect((await post(tokens.out, body)).status, JSON.stringify(body)).toBe(422);
    expect((await post(tokens.out, { text: "x".repeat(2000) })).status).toBe(201);
    expect((await post(tokens.other, { text: "hi" })).status).toBe(403);
    expect((await post(tokens.admin, { text: "hi" })).status).toBe(403);
    expect((await api.call("GET", `/api/cases/${c.id}/notes`, { token: tokens.other })).status).toBe(403);
    expect((await api.call("GET", `/api/cases/${c.id}/notes`, { token: tokens.admin })).status).toBe(403);
    expect((await api.call("GET", `/api/cases/${c.id}/notes`, { token: tokens.out })).body.items).toHaveLength(1);
  });
});

describe("attachments", () => {
  it("uploads PDF, JPEG and PNG judged by content, lists and downloads them as attachments", async () => {
    const c = await openCase(api, tokens.out, { insured: someone() });
    const up = await upload(
      tokens.out,
      c.id,
      { kind: "idCard" },
      { bytes: PNG, name: "陈文件身份证.txt", type: "text/plain" },
    );
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({
      kind: "idCard",
      mediaType: "image/png",
      size: PNG.length,
      sha256: createHash("sha256").update(PNG).digest("hex"),
      fileName: "陈文件身份证.txt",
      supersedes: null,
    });
    const pdf = await upload(tokens.in, c.id, { kind: "applicationForm" }, { bytes: PDF, name: "form.pdf" });
    expect(pdf.body.mediaType).toBe("application/pdf");
    const jpg = await upload(
      tokens.in,
      c.id,
      { kind: "idCard", supersedes: up.body.id },
      { bytes: JPEG, name: "id.jpg" },
    );
    expect(jpg.status, JSON.stringify(jpg.body)).toBe(201);
    expect(jpg.body.supersedes).toBe(up.body.id);
    // superseded once only
    expect(
      (await upload(tokens.in, c.id, { kind: "idCard", supersedes: up.body.id }, { bytes: JPEG, name: "id.jpg" }))
        .status,
    ).toBe(409);

    const list = await api.call("GET", `/api/cases/${c.id}/attachments`, { token: tokens.out });
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: any) => [a.kind, a.supersededBy])).toEqual([
      ["idCard", jpg.body.id],
      ["applicationForm", null],
      ["idCard", null],
    ]);
    const dl = await fetch(`${server.url}/api/cases/${c.id}/attachments/${up.body.id}`, {
      headers: { authorization: `Bearer ${tokens.in}` },
    });
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-type")).toBe("image/png");
    expect(dl.headers.get("x-content-type-options")).toBe("nosniff");
    expect(dl.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(Buffer.from(await dl.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it("refuses other types, oversize files, bad kinds, outsiders and admins, storing nothing", async () => {
    const c = await openCase(api, tokens.out, { insured: someone() });
    const html = Buffer.from("<html><script>alert(1)</script></html>");
    let r = await upload(tokens.out, c.id, { kind: "idCard" }, { bytes: html, name: "x.png", type: "image/png" });
    expect(r.status).toBe(415);
    expect(r.body.type).toBe("/problems/unsupported-attachment-type");
    r = await upload(
      tokens.out,
      c.id,
      { kind: "idCard" },
      { bytes: Buffer.concat([PNG, Buffer.alloc(70_000)]), name: "big.png" },
    );
    expect(r.status).toBe(413);
    r = await upload(tokens.out, c.id, { kind: "passport" }, { bytes: PNG, name: "a.png" });
    expect(r.status).toBe(422);
    r = await upload(tokens.out, c.id, { kind: "idCard" });
    expect(r.status).toBe(422);
    r = await upload(
      tokens.out,
      c.id,
      { kind: "idCard", supersedes: "00000000-0000-4000-8000-000000000000" },
      { bytes: PNG, name: "a.png" },
    );
    expect(r.status).toBe(422);
    r = await upload(tokens.other, c.id, { kind: "idCard" }, { bytes: PNG, name: "a.png" });
    expect(r.status).toBe(403);
    r = await upload(tokens.admin, c.id, { kind: "idCard" }, { bytes: PNG, name: "a.png" });
    expect(r.status).toBe(403);
    const json = await api.call("POST", `/api/cases/${c.id}/attachments`, {
      token: tokens.out,
      body: { kind: "idCard" },
    });
    expect(json.status).toBe(415);
    const list = await api.call("GET", `/api/cases/${c.id}/attachments`, { token: tokens.out });
    expect(list.body.items).toEqual([]);
    expect((await api.call("GET", `/api/cases/${c.id}/attachments`, { token: tokens.other })).status).toBe(403);
    expect(
      (
        await api.call("GET", `/api/cases/${c.id}/attachments/00000000-0000-4000-8000-000000000000`, {
          token: tokens.out,
        })
      ).status,
    ).toBe(404);
  });

  it("the checklist shows what is missing; an agency's setting makes it binding (409 missing-documents)", async () => {
    const c = await openCase(api, tokens.out, { insured: someone() });
    await advance(api, tokens.out, c.id, medicalCertificate());
    let list = await api.call("GET", `/api/cases/${c.id}/attachments`, { token: tokens.in });
    expect(list.body.checklist).toEqual({
      binding: false,
      present: [],
      steps: [
        {
          eventType: "FILE_APPLICATION",
          required: ["applicationForm", "idCard"],
          missing: ["applicationForm", "idCard"],
        },
      ],
    });
    const admin = tokens.admin;
    const set = await api.call("PATCH", "/api/admin/agencies/XM", { token: admin, body: { requireDocuments: true } });
    expect(set.status).toBe(200);
    expect(set.body.requireDocuments).toBe(true);
    try {
      const refused = await send(api, tokens.in, c.id, medicalEventBody("FILE_APPLICATION"));
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        type: "/problems/missing-documents",
        missingKinds: ["applicationForm", "idCard"],
      });
      expect((await api.call("GET", `/api/cases/${c.id}`, { token: tokens.in })).body.state).toBe("certificateIssued");
      await upload(tokens.in, c.id, { kind: "idCard" }, { bytes: PNG, name: "id.png" });
      list = await api.call("GET", `/api/cases/${c.id}/attachments`, { token: tokens.in });
      expect(list.body.checklist.steps[0].missing).toEqual(["applicationForm"]);
      expect(list.body.checklist.binding).toBe(true);
      await upload(tokens.in, c.id, { kind: "applicationForm" }, { bytes: PDF, name: "form.pdf" });
      await advance(api, tokens.in, c.id, medicalEventBody("FILE_APPLICATION"));
    } finally {
      await api.call("PATCH", "/api/admin/agencies/XM", { token: admin, body: { requireDocuments: false } });
    }
  });
});

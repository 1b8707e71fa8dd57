// The server's lists in the web pages, in a real browser: the console's and the admin pages'
// options for insurances, schemes, attachment kinds, roles and audit actions are the server's
// own lists (read from the OpenAPI document it serves, fetched once per page), each with its
// label from the dictionaries; the pages keep no copy.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Locator, Page } from "playwright-core";
import { ADMIN, freshPerson, root, type TestServer } from "../support/server.ts";
import type { Api, Tokens } from "../support/fixtures.ts";
import { INSURANCES, SCHEMES } from "../../src/domain/schemes.ts";
import { ATTACHMENT_KINDS } from "../../src/domain/requiredDocuments.ts";
import { AUDIT_ACTIONS } from "../../src/engine/audit.ts";
import { a11yProblems, logIn, newContext, shot, startSuite, stopSuite, watch } from "./support.ts";

let server: TestServer, browser: Browser, api: Api, tokens: Tokens;

beforeAll(async () => {
  ({ server, browser, api, tokens } = await startSuite());
});

afterAll(() => stopSuite({ browser, server }));

const assets = path.join(root, "src/web/public/assets");
// The page modules are plain JavaScript served as-is; a computed specifier keeps them out of tsc.
const { dictionaries } = (await import(pathToFileURL(path.join(assets, "i18n.js")).href)) as {
  dictionaries: Record<"zh-CN" | "en", Record<string, string>>;
};
const zh = dictionaries["zh-CN"];
const ROLES = ["staff", "admin"];

/** A select's options as [value, text] pairs. */
const options = (select: Locator) =>
  select.locator("option").evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? ""]));

/** The options a list should give: each value with its Chinese label, after the fixed first ones. */
const expected = (values: readonly string[], label: (v: string) => string, first: [string, string][] = []) => [
  ...first,
  ...values.map((v) => [v, zh[label(v)]]),
];

/** Counts the page's requests of the OpenAPI document. */
function countOpenApi(page: Page) {
  const seen = { n: 0 };
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/api/openapi.json") seen.n += 1;
  });
  return seen;
}

describe("the server's lists", () => {
  it("the served document holds the lists the pages read, and each value has its labels", async () => {
    const doc = (await api.call("GET", "/api/openapi.json")).body;
    expect(doc.components.schemas.Insurance.enum).toEqual([...INSURANCES]);
    expect(doc.components.schemas.Case.properties.scheme.enum).toEqual([...SCHEMES]);
    expect(doc.components.schemas.UploadAttachment.properties.kind.enum).toEqual([...ATTACHMENT_KINDS]);
    expect(doc.components.schemas.CreateUser.properties.role.enum).toEqual(ROLES);
    const action = doc.paths["/api/admin/audit-log"].get.parameters.find((p: any) => p.name === "action");
    expect(action.schema.enum).toEqual([...AUDIT_ACTIONS]);
    const keys = [
      ...INSURANCES.map((v) => `parties.insurance.${v}`),
      ...SCHEMES.map((v) => `parties.scheme.${v}`),
      ...ATTACHMENT_KINDS.map((v) => `clerk.kind.${v}`),
      ...ROLES.map((v) => `role.${v}`),
    ];
    for (const lang of ["zh-CN", "en"] as const) expect(keys.filter((k) => !dictionaries[lang][k]?.trim())).toEqual([]);
  });

  it("no page script copies one of these lists (the dictionaries aside)", () => {
    const files = fs.readdirSync(assets).filter((f) => f.endsWith(".js") && !f.startsWith("i18n"));
    expect(files).toContain("console-parties.js");
    // a list written out: two of its values side by side, as in ["medical", "pension"]
    const lists = [INSURANCES, SCHEMES, ATTACHMENT_KINDS, ROLES, AUDIT_ACTIONS];
    const copies = files.flatMap((file) => {
      const js = fs.readFileSync(path.join(assets, file), "utf8");
      return lists
        .filter((list) => list.some((v, i) => i > 0 && new RegExp(`"${list[i - 1]}",\\s*"${v}"`).test(js)))
        .map((list) => `${file}: ${list.join(", ")}`);
    });
    expect(copies).toEqual([]);
  });
});

describe("the pages offer them", () => {
  it("the console offers the server's schemes, insurances and attachment kinds, loading the document once", async () => {
    const open = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: { type: "medicalTransfer", insured: freshPerson(), fromAgency: "FZ", toAgency: "XM" },
    });
    expect(open.status).toBe(201);
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const w = watch(page);
    const fetched = countOpenApi(page);
    await logIn(page, server.url, "console", "fz-clerk", "staff-password-123");

    // the queue's scheme filter
    const filter = page.locator('form.filters select[name="scheme"]');
    await filter.waitFor();
    expect(await options(filter)).toEqual(
      expected(SCHEMES, (v) => `parties.scheme.${v}`, [["", zh["parties.allSchemes"]]]),
    );

    // the open-case form: insurance with "choose" first, scheme (employee chosen), the scheme moved to
    await page.goto(`${server.url}/console#/new`);
    await page.locator("details.party-fields summary").click();
    const insurance = page.locator('select[name="insurance"]');
    expect(await options(insurance)).toEqual(
      expected(INSURANCES, (v) => `parties.insurance.${v}`, [["", zh["form.choose"]]]),
    );
    expect(await insurance.inputValue()).toBe("");
    const scheme = page.locator('select[name="scheme"]');
    expect(await options(scheme)).toEqual(expected(SCHEMES, (v) => `parties.scheme.${v}`));
    expect(await scheme.inputValue()).toBe("employee");
    expect(await options(page.locator('select[name="toScheme"]'))).toEqual(
      expected(SCHEMES, (v) => `parties.scheme.${v}`, [["", zh["parties.toSchemeSame"]]]),
    );
    await shot(page, "vocabulary", "01-new-case-parties");
    expect(await a11yProblems(page)).toEqual([]);

    // the case page's attachment kinds
    await page.goto(`${server.url}/console#/case/${open.body.id}`);
    const kind = page.locator("#attach-kind");
    await expect.poll(() => kind.locator("option").count()).toBe(ATTACHMENT_KINDS.length);
    expect(await options(kind)).toEqual(expected(ATTACHMENT_KINDS, (v) => `clerk.kind.${v}`));

    // back to the queue: the filter is drawn again from the document already loaded
    await page.goto(`${server.url}/console#/`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    await expect.poll(() => options(filter)).toHaveLength(SCHEMES.length + 1);
    expect(fetched.n).toBe(1);
    w.assertClean();
    await ctx.close();
  });

  it("the admin pages offer the server's roles and audit actions", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const w = watch(page);
    const fetched = countOpenApi(page);
    await logIn(page, server.url, "admin", ADMIN.username, ADMIN.password);
    await page.getByRole("link", { name: "用户", exact: true }).click();
    const role = page.locator('select[name="role"]');
    await role.waitFor();
    expect(await options(role)).toEqual(expected(ROLES, (v) => `role.${v}`));
    expect(await role.inputValue()).toBe("staff");

    await page.getByRole("link", { name: "操作审计" }).click();
    const action = page.locator("#audit-action");
    await action.waitFor();
    expect(await options(action)).toEqual([["", zh["audit.allActions"]], ...AUDIT_ACTIONS.map((a) => [a, a])]);
    expect(fetched.n).toBe(1);
    w.assertClean();
    await ctx.close();
  });
});

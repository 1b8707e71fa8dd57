// The web interface's plain ES modules, tested in Node without a browser: both dictionaries
// complete and alike, every key the pages use defined, money parsed exactly, dates, "due soon",
// and the diagram layout of every installed machine.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { root } from "../support/server.ts";
import { caseTypes, machineRegistry } from "../../machines/index.ts";
import { definitionJson, initialSnapshot } from "../../machines/runtime.ts";

const webRoot = path.join(root, "src/web/public");
// The modules are plain JavaScript served as-is; a computed specifier keeps them out of tsc.
const load = async (name: string): Promise<any> => import(pathToFileURL(path.join(webRoot, "assets", name)).href);

const { dictionaries } = await load("i18n.js");
const zh: Record<string, string> = dictionaries["zh-CN"];
const en: Record<string, string> = dictionaries.en;
const modules = Object.values(machineRegistry).flatMap((versions) => Object.values(versions));

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("dictionaries", () => {
  it("zh-CN and en have exactly the same keys, no empty strings, the same placeholders", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const key of Object.keys(zh)) {
      expect(zh[key].trim(), `zh-CN ${key}`).not.toBe("");
      expect(en[key].trim(), `en ${key}`).not.toBe("");
      expect(placeholders(en[key]), `placeholders of ${key}`).toEqual(placeholders(zh[key]));
    }
  });

  it("English strings are English and Chinese strings are Chinese", () => {
    for (const [key, s] of Object.entries(en)) expect(s, `en ${key}`).not.toMatch(/[\u3400-\u9fff]/);
    const neutral = new Set([
      "common.none",
      "common.dateWithWeekday",
      "timeline.fromTo",
      "diagram.edge",
      "session.who",
      "admin.policies.rateValue",
      "statusRefusal.labelAndText",
    ]);
    for (const [key, s] of Object.entries(zh))
      if (!neutral.has(key)) expect(s, `zh-CN ${key}`).toMatch(/[\u3400-\u9fff]/);
  });

  it("defines every key the pages use", () => {
    const used = new Set<string>();
    for (const file of fs.readdirSync(webRoot).filter((f) => f.endsWith(".html"))) {
      const html = fs.readFileSync(path.join(webRoot, file), "utf8");
      for (const m of html.matchAll(/data-i18n="([^"]+)"/g)) used.add(m[1]);
      for (const m of html.matchAll(/data-i18n-attr="([^"]+)"/g))
        for (const pair of m[1].split(";")) used.add(pair.split(":")[1]);
    }
    for (const file of fs.readdirSync(path.join(webRoot, "assets")).filter((f) => f.endsWith(".js"))) {
      const js = fs.readFileSync(path.join(webRoot, "assets", file), "utf8");
      for (const m of js.matchAll(/\bt\(\s*"([^"]+)"/g)) used.add(m[1]);
      for (const m of js.matchAll(/\?\s*"([a-z]+\.[\w.]+)"\s*:\s*"([a-z]+\.[\w.]+)"/g)) used.add(m[1]).add(m[2]);
    }
    expect(used.size).toBeGreaterThan(150);
    const missing = [...used].filter((k) => !(k in zh));
    expect(missing).toEqual([]);
  });

  it("covers the machines: types, sides, outcomes, payload fields, enum values, case facts, refusals", () => {
    const need = new Set<string>(["role.staff", "role.admin", ...[0, 1, 2, 3, 4, 5, 6].map((d) => `weekday.${d}`)]);
    for (const s of ["done", "current", "todo"]) need.add(`status.stepState.${s}`);
    for (const mod of modules) {
      need.add(`type.${mod.type}`).add(`typeShort.${mod.type}`);
      for (const st of Object.values(mod.states)) {
        need.add(`side.${st.side}`);
        if (st.outcome) need.add(`status.outcome.${st.outcome}`).add(`case.outcome.${st.outcome}`);
      }
      const def = definitionJson(mod);
      for (const ev of Object.values(def.events)) {
        for (const [name, schema] of Object.entries((ev.payload as any).properties ?? {})) {
          need.add(`field.${name}`);
          for (const v of (schema as any).enum ?? []) need.add(`enum.${name}.${v}`);
        }
      }
      for (const key of Object.keys(initialSnapshot(mod, { openedOn: "2026-01-05" }).context)) need.add(`field.${key}`);
      for (const event of Object.keys(mod.refusals ?? {})) need.add(`refusal.${mod.type}.${event}`);
    }
    for (const key of ["type", "machineVersion", "fromAgency", "toAgency"]) need.add(`field.${key}`); // CASE_OPENED payload
    expect([...need].filter((k) => !(k in zh))).toEqual([]);
  });
});

describe("case types", () => {
  it("come from the server: no page script names a case type (the dictionaries aside)", () => {
    // the types of every installed machine version: the registry's case types, each once
    const types = [...new Set(modules.map((mod) => mod.type))];
    expect(types).toEqual(caseTypes);
    const files = fs.readdirSync(path.join(webRoot, "assets")).filter((f) => f.endsWith(".js") && f !== "i18n.js");
    expect(files).toContain("console.js");
    const named = files.flatMap((file) => {
      const js = fs.readFileSync(path.join(webRoot, "assets", file), "utf8");
      return types
        .filter((type) => js.includes(`"${type}"`) || js.includes(`'${type}'`))
        .map((type) => `${file}: ${type}`);
    });
    expect(named).toEqual([]);
  });
});

describe("money typed in yuan", async () => {
  const { parseYuan, formatFen } = await load("money.js");
  it("parses to exact integer fen, never through floating point", () => {
    const ok = (s: string) => {
      const r = parseYuan(s);
      expect(r.ok, s).toBe(true);
      return r.fen;
    };
    expect(ok("1234.56")).toBe(123_456);
    expect(ok("0.1")).toBe(10);
    expect(ok("0.07")).toBe(7);
    expect(ok("1.1")).toBe(110); // 1.1 * 100 = 110.00000000000001 in floating point
    expect(ok("4.35")).toBe(435); // 4.35 * 100 = 434.99999999999994
    expect(ok("¥5,234.56")).toBe(523_456);
    expect(ok("￥ 12 345")).toBe(1_234_500);
    expect(ok("90071992547409.91")).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of ["12.345", "-1", "1e3", "01", ".5", "5.", "abc", "1.2.3", "０.５"])
      expect(parseYuan(bad), bad).toMatchObject({ ok: false, reason: "format" });
    expect(parseYuan("")).toMatchObject({ ok: false, reason: "empty" });
    expect(parseYuan("90071992547409.92")).toMatchObject({ ok: false, reason: "tooLarge" });
  });
  it("formats fen as grouped yuan", () => {
    expect(formatFen(523_456)).toBe("¥5,234.56");
    expect(formatFen(7)).toBe("¥0.07");
    expect(formatFen(0)).toBe("¥0.00");
    expect(formatFen(Number.MAX_SAFE_INTEGER)).toBe("¥90,071,992,547,409.91");
  });
});

describe("dates", async () => {
  const { chinaToday, parseDateList, isDueSoon, weekday } = await load("dates.js");
  it("today is the China date, whatever the browser's zone", () => {
    expect(chinaToday(new Date("2026-11-22T15:59:59Z"))).toBe("2026-11-22");
    expect(chinaToday(new Date("2026-11-22T16:00:00Z"))).toBe("2026-11-23");
  });
  it("weekday of a plain date", () => {
    expect(weekday("2026-11-23")).toBe(1);
    expect(weekday("2028-01-29")).toBe(6);
    expect(weekday("1970-01-01")).toBe(4);
  });
  it("reads typed date lists, with ranges", () => {
    expect(parseDateList("2027-02-05..2027-02-07\n2027-01-01, 2027-01-01；2027-02-30 x")).toEqual({
      dates: ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07"],
      bad: ["2027-02-30", "x"],
    });
  });
  it("due soon: working days when the server gives them, calendar days otherwise; never when overdue or closed", () => {
    const today = "2026-11-23";
    expect(isDueSoon({ stepDueOn: "2026-11-26" }, today)).toBe(true);
    expect(isDueSoon({ stepDueOn: "2026-11-27" }, today)).toBe(false);
    expect(isDueSoon({ stepDueOn: null, dueOn: "2026-11-24" }, today)).toBe(true);
    expect(isDueSoon({ stepDueOn: "2026-11-30", workingDaysLeft: 3 }, today)).toBe(true);
    expect(isDueSoon({ stepDueOn: "2026-11-24", overdue: true }, today)).toBe(false);
    expect(isDueSoon({ stepDueOn: "2026-11-24", final: true }, today)).toBe(false);
    expect(isDueSoon({ stepDueOn: null, dueOn: null }, today)).toBe(false);
  });
});

describe("diagram layout", async () => {
  const { happyPath, layout } = await load("machines.js");
  it("puts the happy path on the first row, one state per step, and no two states in one place", () => {
    expect(happyPath(definitionJson(machineRegistry.medicalTransfer[1]))).toEqual([
      "suspended",
      "certificateIssued",
      "applicationFiled",
      "transferOut",
      "transferIn",
      "transferred",
    ]);
    expect(happyPath(definitionJson(machineRegistry.renewal[1]))).toEqual([
      "lapsed",
      "arrearsAssessed",
      "paid",
      "restored",
    ]);
    for (const mod of modules) {
      const def = definitionJson(mod);
      const pos: Map<string, { col: number; row: number }> = layout(def);
      expect([...pos.keys()].sort()).toEqual(Object.keys(def.states).sort());
      const cells = [...pos.values()].map((p) => `${p.col},${p.row}`);
      expect(new Set(cells).size, mod.type).toBe(cells.length);
      for (const [name, p] of pos) expect(p.col, name).toBe(def.states[name].step - 1);
      expect(happyPath(def)).toHaveLength(def.steps);
    }
  });
});

describe("ID numbers checked before sending", async () => {
  const { idNumberProblem, normalizeIdNumber } = await load("idnumber.js");
  it("accepts a valid number, catches a typo by its check character", () => {
    expect(idNumberProblem("350102199003071234")).toBeNull();
    expect(idNumberProblem(" 11010519491231002x ")).toBeNull();
    expect(normalizeIdNumber(" 11010519491231002x ")).toBe("11010519491231002X");
    expect(idNumberProblem("350102199003071235")).toBe("check");
    expect(idNumberProblem("35010219900307123")).toBe("format");
    expect(idNumberProblem("35010219900307123A")).toBe("format");
  });
});

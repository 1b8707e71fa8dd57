// Every case type's tests, one file per type in ./types/ (named after the type), loaded for the
// machine suites. A registered type without its file stops every suite with the file to write.
import { readdirSync } from "node:fs";
import { caseTypes, type CaseType } from "../../machines/index.ts";
import type { TypeTests } from "./typeTestKit.ts";

const dir = new URL("./types/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
const loaded = await Promise.all(
  files.map(async (f) => ((await import(new URL(f, dir).href)) as { default: TypeTests }).default),
);

/** The file names of ./types/ (without .ts): the types that have their tests. */
export const typesWithTests = files.map((f) => f.slice(0, -".ts".length)).sort();

const missing = caseTypes.filter((t) => !typesWithTests.includes(t));
if (missing.length > 0)
  throw new Error(
    `no tests for case type ${missing.join(", ")}: write test/machines/types/${missing[0]}.ts (docs/case-types.md)`,
  );
for (const t of loaded)
  if (!files.includes(`${t.type}.ts`))
    throw new Error(`test/machines/types: the tests of ${t.type} are in another file`);

export const typeTests = Object.fromEntries(loaded.map((t) => [t.type, t])) as Record<CaseType, TypeTests>;

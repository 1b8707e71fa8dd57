// A case type has one home (docs/case-types.md): its machine module with its declaration
// (machines/<type>.ts), its line in the registry (machines/index.ts), its labels in the web
// dictionaries (src/web/public/assets/i18n*.js) and its tests. Nothing else in src/ names a case
// type: what differs by type is read from the type's declaration through the registry.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { caseTypes } from "../../machines/index.ts";
import { root } from "../support/server.ts";

/** The labels: the one place outside machines/ where the type names are keys (type.<name>, ...). */
const LABELS = /^src\/web\/public\/assets\/i18n[^/]*\.js$/;
const NOT_SCANNED = /^src\/generated\//;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) return sourceFiles(rel);
    return /\.(ts|js|mjs|cjs)$/.test(name) ? [rel] : [];
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * How a type's name shows up in code:
 * - an identifier that is the name, or begins with it at a word boundary (renewalV2, pensionTransferType),
 *   or holds it capitalised (assessRenewal, MedicalTransferFlow);
 * - a string that is the name, or uses it as code does: `<name>.` (a file or a limit key),
 *   `<name>@`, `<name>:` (keys built from it), `/<name>` (a path);
 * - a comment that names a camelCase type (prose such as "a renewal" is not a name).
 */
function finders(type: string) {
  const t = escape(type);
  const capital = escape(type[0]!.toUpperCase() + type.slice(1));
  return {
    identifier: [new RegExp(`^${t}(?![a-z])|${capital}(?![a-z])`)],
    string: [
      new RegExp(`^${t}$`),
      new RegExp(`(^|[^A-Za-z])${t}[.@:]([A-Za-z0-9]|$)`),
      new RegExp(`/${t}(?![a-z])`),
      new RegExp(`(['"\`])${t}\\1`),
    ],
    comment: [
      new RegExp(`machines/${t}\\.ts`),
      ...(/[A-Z]/.test(type) ? [new RegExp(`(^|[^A-Za-z])${t}(?![a-z])`)] : []),
    ],
  };
}

interface Finding {
  file: string;
  line: number;
  text: string;
}

function namesIn(file: string, code: string): Finding[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const all = caseTypes.map(finders);
  const found: Finding[] = [];
  const check = (where: "identifier" | "string" | "comment", subject: string, pos: number) => {
    if (all.some((f) => f[where].some((re) => re.test(subject))))
      found.push({ file, line: source.getLineAndCharacterOfPosition(pos).line + 1, text: subject.slice(0, 120) });
  };
  const comments = new Set<number>();
  const visit = (node: ts.Node) => {
    for (const range of [
      ...(ts.getLeadingCommentRanges(code, node.getFullStart()) ?? []),
      ...(ts.getTrailingCommentRanges(code, node.getEnd()) ?? []),
    ]) {
      if (comments.has(range.pos)) continue;
      comments.add(range.pos);
      check("comment", code.slice(range.pos, range.end), range.pos);
    }
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) check("identifier", node.text, node.getStart());
    else if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node))
      check("string", node.text, node.getStart());
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("one home per case type", () => {
  it("no file in src/ outside the labels names a case type", () => {
    const files = sourceFiles("src").filter((f) => !LABELS.test(f) && !NOT_SCANNED.test(f));
    // the engine, the API, the documents and the web pages are among them
    for (const f of [
      "src/engine/openCase.ts",
      "src/api/caseViews.ts",
      "src/documents/derive.ts",
      "src/web/public/assets/console.js",
    ])
      expect(files).toContain(f);
    const findings = files.flatMap((f) => namesIn(f, readFileSync(path.join(root, f), "utf8")));
    expect(findings).toEqual([]);
  });

  it("the check finds the ways a name shows up in code", () => {
    const samples = [
      `import { x } from "../../machines/renewal.ts";`,
      `if (c.type === "pensionTransfer") {}`,
      `const key = "medicalTransfer.transferOut";`,
      `const hook = "renewal@2:ASSESS_ARREARS";`,
      `const kind = "renewal:" + insurance;`,
      `const flow = medicalTransferFlow(1, {});`,
      `export async function assessRenewal() {}`,
      `// the medicalTransfer machine`,
      `// see machines/renewal.ts`,
      "const sql = `WHEN 'renewal'`;",
    ];
    for (const code of samples) expect(namesIn("sample.ts", code), code).toHaveLength(1);
    const prose = [
      `const d = "a renewal's insurance (default medical); a transfer's follows its type";`,
      `// a renewal awaiting payment shows the total due`,
      `const m = \`No renewal policy for region \${region}\`;`,
    ];
    for (const code of prose) expect(namesIn("sample.ts", code), code).toEqual([]);
  });
});

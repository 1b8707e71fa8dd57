// Keeps the PostgreSQL schema and migrations in step with the SQLite ones, from the same models.
//
//   node --import tsx scripts/pg-schema.ts            writes prisma/postgresql/schema.prisma
//   node --import tsx scripts/pg-schema.ts --check    exits 1 if it is out of date (a test runs this)
//   node --import tsx scripts/pg-schema.ts --migrate  also writes the PostgreSQL migration for each
//                                                     SQLite migration that has none yet: the schema
//                                                     change since the last commit (data steps, such
//                                                     as a backfill, are added by hand, as on SQLite)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sqliteSchema = path.join(root, "prisma", "schema.prisma");
const pgDir = path.join(root, "prisma", "postgresql");
const pgSchema = path.join(pgDir, "schema.prisma");

// The name search used to match a name's beginning with LIKE 'prefix%' on PostgreSQL, which needed
// text_pattern_ops on the name index. Names are encrypted now (docs/personal-data.md) and searched
// by equality on blind indexes of their first characters, which any operator class serves: the
// two schemas differ only in provider and output.
export function pgSchemaText(): string {
  const source = fs.readFileSync(sqliteSchema, "utf8");
  const out = source
    .replace(/provider = "sqlite"/, 'provider = "postgresql"')
    .replace(/output\s+= "\.\.\/src\/generated\/prisma"/, 'output       = "../../src/generated/prisma-pg"');
  if (out === source || !out.includes("prisma-pg"))
    throw new Error("prisma/schema.prisma no longer has the expected provider/output lines");
  return `// GENERATED from prisma/schema.prisma by scripts/pg-schema.ts: edit that file, then run the script.\n${out}`;
}

async function migrate() {
  const admin = process.env.DATABASE_URL?.startsWith("postgres")
    ? process.env.DATABASE_URL
    : "postgresql://postgres@localhost:5432/postgres";
  const sqliteMigrations = fs
    .readdirSync(path.join(root, "prisma", "migrations"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const pgMigrations = path.join(pgDir, "migrations");
  fs.mkdirSync(pgMigrations, { recursive: true });
  const missing = sqliteMigrations.filter((n) => !fs.existsSync(path.join(pgMigrations, n, "migration.sql")));
  if (missing.length === 0) return console.log("PostgreSQL migrations are up to date.");
  // Several missing (e.g. the first time): the whole difference goes into the newest one and the
  // older names get an empty migration, so both folders list the same names.
  const target = missing[missing.length - 1];
  // From the PostgreSQL schema as last committed to the current models. (Diffing from the
  // migrations folder would replay it on a shadow database, which the wasm schema engine cannot
  // introspect through the pg adapter, and which it takes to be DATABASE_URL's own database.)
  let committed: string | undefined;
  try {
    committed = execFileSync("git", ["show", "HEAD:prisma/postgresql/schema.prisma"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    committed = undefined; // no commit has it yet: the first migration starts from nothing
  }
  const fromFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pg-schema-")), "committed.prisma");
  if (committed) fs.writeFileSync(fromFile, committed);
  try {
    const sql = execFileSync(
      process.execPath,
      [
        path.join(root, "node_modules/prisma/build/index.js"),
        "migrate",
        "diff",
        "--config",
        path.join(root, "prisma.postgresql.config.ts"),
        ...(committed ? ["--from-schema-datamodel", fromFile] : ["--from-empty"]),
        "--to-schema-datamodel",
        pgSchema,
        "--script",
      ],
      { cwd: root, env: { ...process.env, DATABASE_URL: admin }, encoding: "utf8" },
    );
    for (const name of missing) {
      fs.mkdirSync(path.join(pgMigrations, name), { recursive: true });
      const body =
        name === target ? sql : `-- Folded into ${target} when the PostgreSQL migrations were first generated.\n`;
      fs.writeFileSync(path.join(pgMigrations, name, "migration.sql"), body);
      console.log(`wrote prisma/postgresql/migrations/${name}/migration.sql`);
    }
  } catch (e) {
    throw new Error(`prisma migrate diff failed: ${(e as Error).message}`);
  }
}

const text = pgSchemaText();
if (process.argv.includes("--check")) {
  const current = fs.existsSync(pgSchema) ? fs.readFileSync(pgSchema, "utf8") : "";
  if (current !== text) {
    console.error("prisma/postgresql/schema.prisma is out of date: run node --import tsx scripts/pg-schema.ts");
    process.exit(1);
  }
  console.log("prisma/postgresql/schema.prisma is up to date.");
} else {
  fs.mkdirSync(pgDir, { recursive: true });
  fs.writeFileSync(pgSchema, text);
  console.log("wrote prisma/postgresql/schema.prisma");
  if (process.argv.includes("--migrate")) await migrate();
}

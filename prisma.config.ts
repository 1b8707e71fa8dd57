// Prisma CLI configuration: the Rust-free engine with the better-sqlite3 driver adapter,
// so generate/migrate run offline, with no engine download
// (docs/operations.md, "Prisma without engine downloads").
import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

const url = process.env.DATABASE_URL ?? "file:./data/tracker.db";
process.env.DATABASE_URL ??= url;
// better-sqlite3 will not create missing folders; the default file lives under ./data/.
if (url.startsWith("file:")) fs.mkdirSync(path.dirname(url.slice("file:".length)), { recursive: true });

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  engine: "js",
  experimental: { adapter: true },
  adapter: async () => new PrismaBetterSQLite3({ url }),
});

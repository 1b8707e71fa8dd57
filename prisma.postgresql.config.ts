// Prisma CLI configuration for the PostgreSQL twin of the schema (prisma/postgresql, generated from
// prisma/schema.prisma by scripts/pg-schema.ts): generate and migrate diff through the pg driver
// adapter, so no engine binary is needed.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// The schema's datasource reads DATABASE_URL; it must at least look like a PostgreSQL URL, or the
// CLI falls back to the binary engine. Nothing connects to it for `generate`.
const url = process.env.DATABASE_URL?.startsWith("postgres")
  ? process.env.DATABASE_URL
  : "postgresql://postgres@localhost:5432/postgres";
process.env.DATABASE_URL = url;

export default defineConfig({
  schema: path.join("prisma", "postgresql", "schema.prisma"),
  migrations: { path: path.join("prisma", "postgresql", "migrations") },
  engine: "js",
  experimental: { adapter: true },
  adapter: async () => new PrismaPg({ connectionString: url }),
});

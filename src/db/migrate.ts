// Applies the committed migrations with Prisma's own `migrate deploy` (offline on SQLite
// through the driver adapter configured in prisma.config.ts).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export async function applyMigrations(databaseUrl: string): Promise<string> {
  const prismaCli = path.join(root, "node_modules", "prisma", "build", "index.js");
  const { stdout } = await run(process.execPath, [prismaCli, "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
  return stdout;
}

// What the backup and restore commands share: their arguments (one file option and --force),
// their usage errors, the SQLite file DATABASE_URL names, and durable writes.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { sqliteFilePath } from "../db/urls.ts";

/**
 * Parses `--<option> <file> [--force]` (and -h/--help). Bad arguments print the command's usage
 * and give exit code 2; the result is then a number (the exit code) for `main` to return.
 */
export function fileCommandArgs(
  command: string,
  usage: string,
  argv: string[],
  option: "out" | "from",
  short?: string,
): { file: string; force: boolean } | number {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        [option]: { type: "string", ...(short ? { short } : {}) },
        force: { type: "boolean", short: "f" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`${command}: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const file = values[option];
  if (typeof file !== "string" || file === "") {
    process.stderr.write(`${command}: --${option} <file> is required\n\n${usage}`);
    return 2;
  }
  return { file, force: values.force === true };
}

/** The absolute path of the SQLite file DATABASE_URL names, or an exit code after saying why there is none. */
export function sqliteFileFromConfig(command: string, postgresTool: string): string | number {
  const config = loadConfig();
  if (!config.DATABASE_URL.startsWith("file:")) {
    process.stderr.write(
      `${command}: DATABASE_URL is not a SQLite file URL; this command handles the SQLite database only (for PostgreSQL use ${postgresTool})\n`,
    );
    return 2;
  }
  return path.resolve(sqliteFilePath(config.DATABASE_URL));
}

export function fsyncPath(p: string) {
  const fd = fs.openSync(p, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

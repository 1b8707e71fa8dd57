// The PostgreSQL schema is generated from the SQLite one: one set of models.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { root } from "../support/server.ts";

describe("prisma/postgresql", () => {
  it("is up to date with prisma/schema.prisma, and has a migration for every SQLite migration", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/pg-schema.ts", "--check"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const names = (dir: string) =>
      fs
        .readdirSync(path.join(root, dir), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
    expect(names("prisma/postgresql/migrations")).toEqual(names("prisma/migrations"));
  });
});

// copy:pg copies every table of the schema: a new model that is not in its list would be lost.
import { describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { TABLES } from "../../src/cli/copy-to-postgres.ts";

describe("copy:pg's tables", () => {
  it("are every model of the schema, each once", () => {
    expect([...TABLES].sort()).toEqual(Object.values(Prisma.ModelName).sort());
  });
});

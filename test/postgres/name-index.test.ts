// PostgreSQL only: the name search finds a name's beginning through the blind indexes of its first
// 1..4 characters (docs/personal-data.md), by equality, each served by its own index with what the
// list filters and sorts on; the ID number search by its blind index. (Before names were encrypted,
// a LIKE 'prefix%' needed text_pattern_ops on the name index: scripts/pg-schema.ts no longer adds it.)
//
// The plans are taken on a table of realistic shape, analysed: on an empty table every index that
// matches a column of the WHERE clause costs the same (one row, one page), and which one the
// planner picks is a tie (with the clerks' index on [fromAgencyId, fromAssigneeId, …] it picked that
// one, its Index Cond on fromAgencyId alone), which says nothing about the name indexes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { applyMigrations } from "../../src/db/migrate.ts";
import { freshPgDatabase } from "../support/server.ts";
import { DataKey } from "../../src/privacy/dataKey.ts";

let client: pg.Client;
const key = DataKey.generate("test").key;

beforeAll(async () => {
  const url = await freshPgDatabase();
  await applyMigrations(url);
  client = new pg.Client({ connectionString: url });
  await client.connect();
  await seedCases();
});
afterAll(async () => {
  await client?.end();
});

/**
 * 20,000 cases of 12 agencies, for people whose names start as names do: a few common surnames
 * (王 about 7 %), many rarer ones, a compound one (欧阳); their blind indexes as the service
 * writes them. Then ANALYZE, as autovacuum does on a real table.
 */
async function seedCases() {
  const agencies = 12;
  for (let i = 1; i <= agencies; i++) {
    await client.query(`INSERT INTO "Agency" ("code", "name", "region") VALUES ($1, $1, '350100')`, [`A${i}`]);
  }
  const common = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
  const rare = Array.from(
    "徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文",
  );
  const given = Array.from("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉");
  let seed = 1;
  const random = (n: number) => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed % n;
  };
  const cols: unknown[][] = Array.from({ length: 9 }, () => []);
  for (let i = 0; i < 20_000; i++) {
    const r = random(100);
    const surname = r < 40 ? common[Math.floor(r / 4)]! : r < 41 ? "欧阳" : rare[random(rare.length)]!;
    const name = surname + Array.from({ length: 1 + random(2) }, () => given[random(given.length)]).join("");
    const prefixes = key.namePrefixes(name);
    const row: unknown[] = [
      `case-${i}`,
      `MT2026-${String(i).padStart(8, "0")}`,
      1 + (i % agencies),
      1 + ((i + 1 + random(agencies - 1)) % agencies),
    ];
    row.push(key.idIndex(`35010219900307${String(i).padStart(4, "0")}`), ...prefixes);
    row.forEach((v, j) => cols[j]!.push(v));
  }
  await client.query(
    `INSERT INTO "Case" ("id", "caseNumber", "type", "machineVersion", "state", "snapshot", "version", "actingSide",
       "fromAgencyId", "toAgencyId", "insuredName", "insuredIdNumber", "insuredIdIndex",
       "insuredNamePrefix1", "insuredNamePrefix2", "insuredNamePrefix3", "insuredNamePrefix4",
       "nextDueOn", "openedOn", "lastOccurredOn", "updatedAt")
     SELECT t.id, t.number, 'medicalTransfer', 2, 'transferOut', '{}', 1, 'transferOut', t.from_id, t.to_id,
       'v1.(encrypted)', 'v1.(encrypted)', t.id_index, t.p1, t.p2, t.p3, t.p4,
       '2026-12-' || lpad((1 + t.n % 28)::text, 2, '0'), '2026-11-02', '2026-11-02', now()
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
       WITH ORDINALITY AS t(id, number, from_id, to_id, id_index, p1, p2, p3, p4, n)`,
    cols,
  );
  await client.query(`ANALYZE "Case"`);
}

const plan = async (sql: string, params: unknown[]) =>
  (await client.query(`EXPLAIN ${sql}`, params)).rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");

describe("the name and ID number indexes on PostgreSQL", () => {
  it("serve a name prefix of each indexed length, and an ID number, by equality on a blind index", async () => {
    // The planner may scan the table or use any index: it chooses the name index of that length.
    for (const [k, prefix] of [
      [1, "王"],
      [2, "王伟"],
      [3, "欧阳娜"],
      [4, "欧阳娜娜"],
    ] as const) {
      const p = await plan(`SELECT "id" FROM "Case" WHERE "insuredNamePrefix${k}" = $1 AND "fromAgencyId" = 1`, [
        key.namePrefixIndex(prefix),
      ]);
      expect(p).toContain(`Case_namePrefix${k}_idx`);
      expect(p).toMatch(new RegExp(`Index Cond: .*"insuredNamePrefix${k}" = `, "s"));
    }
    const p = await plan(`SELECT "id" FROM "Case" WHERE "insuredIdIndex" = $1`, [key.idIndex("350102199003070013")]);
    expect(p).toContain("Case_idIndex_idx");
    // No index on the ciphertext columns: a search on them would read the table.
    const indexes = (await client.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'Case'`)).rows.map(
      (r) => r.indexdef as string,
    );
    expect(indexes.filter((d) => /"insuredName"|"insuredIdNumber"/.test(d))).toEqual([]);
  });
});

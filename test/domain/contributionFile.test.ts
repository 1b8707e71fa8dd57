// A contributions file's rows on their own (src/domain/contributionFile.ts) and the file reader's
// CSV encodings (src/domain/importFile.ts): amounts in yuan parsed exactly to fen, months not after
// this month, the employer's code with its payer, opening-balance rows, GB18030 text.
import { describe, expect, it } from "vitest";
import { checkContributionRow, contributionFile } from "../../src/domain/contributionFile.ts";
import { readTable, sniffFormat } from "../../src/domain/importFile.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";

const id = makeTestIdNumber("350102", "19900307", "123");
const month = {
  idNumber: id,
  insurance: "medical",
  month: "2025-01",
  base: "5600.00",
  employer: "448.00",
  individual: "112.00",
  accountCredit: "168.00",
  status: "paid",
  payer: "employer",
  employerCreditCode: "91350100MA3K00002E",
};
const paths = (r: ReturnType<typeof checkContributionRow>) => (Array.isArray(r) ? r.map((e) => e.path) : []);

describe("a month row", () => {
  it("parses yuan exactly to integer fen (5,600.00 at 10 % is 560.00)", () => {
    const r = checkContributionRow({ ...month, base: "5,600.00", employer: "448", individual: "112.1" }, "2026-10");
    expect(r).toMatchObject({
      kind: "month",
      insurance: "medical",
      figures: {
        month: "2025-01",
        baseFen: 560_000,
        employerFen: 44_800,
        individualFen: 11_210,
        accountCreditFen: 16_800,
      },
    });
  });

  it("takes the words of an office file and a month as YYYYMM or an Excel date", () => {
    const r = checkContributionRow(
      { ...month, insurance: "基本养老保险", status: "补缴", payer: "单位", month: "202406" },
      "2026-10",
    );
    expect(r).toMatchObject({
      insurance: "pension",
      figures: { status: "backPaid", payer: "employer", month: "2024-06" },
    });
    expect(checkContributionRow({ ...month, month: "2024-06-01" }, "2026-10")).toMatchObject({
      figures: { month: "2024-06" },
    });
  });

  it("refuses bad cells by field, without repeating them", () => {
    const bad = checkContributionRow(
      {
        ...month,
        month: "2026-11",
        base: "-1",
        employer: "1.234",
        individual: "1e3",
        accountCredit: "10000000.01",
        status: "owed",
        insurance: "injury",
      },
      "2026-10",
    );
    expect(paths(bad)).toEqual(["insurance", "month", "base", "employer", "individual", "accountCredit", "status"]);
    expect(JSON.stringify(bad)).not.toMatch(/1\.234|1e3|owed|injury|2026-11/);
  });

  it("wants the employer's code when the employer pays, and none for a flexible worker", () => {
    expect(paths(checkContributionRow({ ...month, employerCreditCode: undefined }, "2026-10"))).toEqual([
      "employerCreditCode",
    ]);
    expect(paths(checkContributionRow({ ...month, employerCreditCode: "91350100MA3K00002F" }, "2026-10"))).toEqual([
      "employerCreditCode",
    ]);
    expect(paths(checkContributionRow({ ...month, payer: "flexible" }, "2026-10"))).toEqual(["employerCreditCode"]);
    expect(
      checkContributionRow({ ...month, payer: "flexible", employerCreditCode: undefined }, "2026-10"),
    ).toMatchObject({ figures: { payer: "flexible", employerCreditCode: null } });
  });

  it("keeps a reason as plain text of at most 500 characters", () => {
    expect(checkContributionRow({ ...month, reason: "基数有误" }, "2026-10")).toMatchObject({ reason: "基数有误" });
    expect(paths(checkContributionRow({ ...month, reason: "x".repeat(501) }, "2026-10"))).toEqual(["reason"]);
    expect(paths(checkContributionRow({ ...month, reason: "a\u202eb" }, "2026-10"))).toEqual(["reason"]);
  });
});

describe("an opening-balance row", () => {
  it("holds the balance at the end of a month, and no month figures", () => {
    const r = checkContributionRow(
      { idNumber: id, insurance: "medical", openingBalance: "1234.56", asOfMonth: "2020-12" },
      "2026-10",
    );
    expect(r).toMatchObject({ kind: "opening", balance: { asOfMonth: "2020-12", balanceBroughtForwardFen: 123_456 } });
    expect(
      paths(
        checkContributionRow({ ...month, month: undefined, openingBalance: "1.00", asOfMonth: "2020-12" }, "2026-10"),
      ),
    ).toEqual(["base", "employer", "individual", "accountCredit", "status", "payer", "employerCreditCode"]);
    expect(paths(checkContributionRow({ ...month, openingBalance: "1.00" }, "2026-10"))).toEqual(["openingBalance"]);
    expect(
      paths(checkContributionRow({ idNumber: id, insurance: "medical", openingBalance: "1.00" }, "2026-10")),
    ).toEqual(["asOfMonth"]);
  });
});

describe("the file", () => {
  it("reads a CSV in GB18030 (not UTF-8) with the Chinese headers; a binary file is neither", async () => {
    // 身份证号,险种,费款所属期 in GB18030
    const header = Buffer.from("c9edb7ddd6a4bac52ccfd5d6d62cb7d1bfeecbf9caf4c6da", "hex");
    expect(new TextDecoder("gb18030").decode(header)).toBe("身份证号,险种,费款所属期");
    const bytes = Buffer.concat([header, Buffer.from(`\n${id},medical,2025-01\n`)]);
    expect(sniffFormat(bytes)).toBeUndefined();
    expect(sniffFormat(bytes, { gb18030: true })).toBe("csv");
    const { rows } = await readTable(bytes, 10, contributionFile);
    expect(rows).toEqual([{ row: 2, cells: { idNumber: id, insurance: "medical", month: "2025-01" } }]);
    expect(sniffFormat(Buffer.from([0, 1, 2, 0xff]), { gb18030: true })).toBeUndefined();
  });

  it("says which columns are missing, and stops at too many rows", async () => {
    await expect(readTable(Buffer.from("a,b\n1,2\n"), 10, contributionFile)).rejects.toMatchObject({ status: 422 });
    const many = ["idNumber,insurance", ...Array.from({ length: 11 }, () => `${id},medical`)].join("\n");
    await expect(readTable(Buffer.from(many), 10, contributionFile)).rejects.toMatchObject({ status: 413 });
    expect((await readTable(Buffer.from(many), 11, contributionFile)).rows).toHaveLength(11);
  });
});

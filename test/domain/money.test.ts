import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  fenSchema,
  formatFen,
  formatFenZh,
  isFen,
  mulRate,
  parseYuan,
  sumFen,
  yuanStringSchema,
} from "../../src/domain/money.ts";
import { DomainError } from "../../src/domain/errors.ts";

describe("parseYuan / formatFen", () => {
  it("parses strict decimal strings", () => {
    expect(parseYuan("1234.56")).toBe(123456);
    expect(parseYuan("0")).toBe(0);
    expect(parseYuan("0.5")).toBe(50);
    expect(parseYuan("0.05")).toBe(5);
    expect(parseYuan("12")).toBe(1200);
    expect(parseYuan("90071992547409.91")).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("rejects anything that is not a plain amount", () => {
    for (const bad of [
      "1.234",
      "abc",
      "-1",
      "1e3",
      "",
      " 1",
      "1.",
      ".5",
      "01",
      "1,000.00",
      "+1",
      "1.5.0",
      "Infinity",
      "NaN",
      "０.1",
    ]) {
      expect(() => parseYuan(bad), bad).toThrow(DomainError);
    }
    expect(() => parseYuan("90071992547409.92")).toThrow(/safe integer/);
  });

  it("is exact where floats are not (0.1 + 0.2)", () => {
    expect(0.1 + 0.2).not.toBe(0.3); // the reason this module exists
    expect(sumFen(parseYuan("0.1"), parseYuan("0.2"))).toBe(parseYuan("0.3"));
    expect(formatFen(sumFen(parseYuan("0.1"), parseYuan("0.2")))).toBe("0.30");
    expect(parseYuan("1.15")).toBe(115); // 1.15 * 100 === 114.99999999999999 in floats
    expect(parseYuan("4.35")).toBe(435); // 4.35 * 100 === 434.99999999999994
  });

  it("formats fen", () => {
    expect(formatFen(123456)).toBe("1234.56");
    expect(formatFen(0)).toBe("0.00");
    expect(formatFen(5)).toBe("0.05");
    expect(formatFen(-150)).toBe("-1.50");
    expect(formatFenZh(123456)).toBe("¥1,234.56");
    expect(formatFenZh(123456789)).toBe("¥1,234,567.89");
    expect(formatFenZh(99)).toBe("¥0.99");
    expect(formatFenZh(-150)).toBe("-¥1.50");
    expect(() => formatFen(1.5)).toThrow(DomainError);
  });

  it("property: formatFen ∘ parseYuan round-trips", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(parseYuan(formatFen(fen))).toBe(fen);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^(0|[1-9]\d{0,12})\.\d\d$/), (s) => {
        expect(formatFen(parseYuan(s))).toBe(s);
      }),
    );
  });
});

describe("mulRate / sumFen / schemas", () => {
  it("rounds half up or down exactly", () => {
    expect(mulRate(1, 1, 2, "halfUp")).toBe(1);
    expect(mulRate(1, 1, 2, "down")).toBe(0);
    expect(mulRate(456789, 1000, 10_000, "halfUp")).toBe(45679); // 45678.9
    expect(mulRate(456789, 1000, 10_000, "down")).toBe(45678);
    expect(mulRate(45679, 500 * 74, 1_000_000, "halfUp")).toBe(1690); // 1690.123
    expect(mulRate(45679, 500 * 15, 1_000_000, "halfUp")).toBe(343); // 342.5925
    expect(mulRate(100, 1, 8, "halfUp")).toBe(13); // 12.5 -> 13
    // intermediate product above 2^53 stays exact
    expect(mulRate(Number.MAX_SAFE_INTEGER, 3, 3, "halfUp")).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("rejects bad arguments", () => {
    expect(() => mulRate(-1, 1, 1, "halfUp")).toThrow(DomainError);
    expect(() => mulRate(1.5, 1, 1, "halfUp")).toThrow(DomainError);
    expect(() => mulRate(1, 1, 0, "halfUp")).toThrow(DomainError);
    expect(() => mulRate(1, 0.5, 1, "halfUp")).toThrow(DomainError);
    expect(() => mulRate(Number.MAX_SAFE_INTEGER, 2, 1, "down")).toThrow(/safe integer/);
  });

  it("sums", () => {
    expect(sumFen()).toBe(0);
    expect(sumFen(1, 2, 3)).toBe(6);
    expect(() => sumFen(Number.MAX_SAFE_INTEGER, 1)).toThrow(DomainError);
    expect(() => sumFen(0.5)).toThrow(DomainError);
  });

  it("isFen and fenSchema agree", () => {
    for (const v of [0, 1, 123456, Number.MAX_SAFE_INTEGER]) {
      expect(isFen(v)).toBe(true);
      expect(fenSchema.safeParse(v).success).toBe(true);
    }
    for (const v of [-1, 0.5, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity]) {
      expect(isFen(v)).toBe(false);
      expect(fenSchema.safeParse(v).success).toBe(false);
    }
    expect(isFen("1")).toBe(false);
  });

  it("yuanStringSchema parses to fen", () => {
    expect(yuanStringSchema.parse("12.30")).toBe(1230);
    expect(yuanStringSchema.safeParse("12.345").success).toBe(false);
  });
});

// Unified social credit codes (GB 32100-2015) and GB/T 2260 region codes.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckCharacter,
  creditCodeSchema,
  isValidCreditCode,
  validateCreditCode,
} from "../../src/domain/creditCode.ts";
import { isValidRegionCode } from "../../src/domain/region.ts";

// Published codes of real organisations (business licences, public registries): the check
// character of each is what the algorithm computes.
const published = [
  "91350100M000100Y43", // the GB 32100-2015 example used in the domain brief
  "914403001922038216", // 华为技术有限公司
  "91110000802100433B", // 北京百度网讯科技有限公司
  "91110108551385082Q", // 小米科技有限责任公司
  "9144030071526726XG", // 腾讯科技（深圳）有限公司
  "91330100716105852F", // 阿里巴巴（中国）有限公司
  "91440300708461136T", // 深圳市腾讯计算机系统有限公司
];

describe("unified social credit code", () => {
  it.each(published)("accepts the published code %s", (code) => {
    expect(validateCreditCode(code)).toEqual({ ok: true, value: code });
    expect(creditCodeCheckCharacter(code.slice(0, 17))).toBe(code[17]);
  });

  it("normalises case and surrounding spaces", () => {
    expect(validateCreditCode(" 91350100m000100y43 ")).toEqual({ ok: true, value: "91350100M000100Y43" });
  });

  it("says why a code is refused", () => {
    expect(validateCreditCode("91350100M000100Y4")).toEqual({ ok: false, reason: "length" });
    expect(validateCreditCode("91350100M000100O43")).toEqual({ ok: false, reason: "format" }); // O is not used
    expect(validateCreditCode("91350100I000100Y43")).toEqual({ ok: false, reason: "format" }); // nor I
    expect(validateCreditCode("913501A0M000100Y43")).toEqual({ ok: false, reason: "region" });
    expect(validateCreditCode("91350100M000100Y44")).toEqual({ ok: false, reason: "checkCharacter" });
  });

  it("a check character of 31 is written 0", () => {
    // a weighted sum of 0 mod 31 gives 31 − 0 = 31, written 0
    expect(creditCodeCheckCharacter("00000000000000000")).toBe("0");
  });

  it("catches every single mistyped character of a valid code", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...published),
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 30 }),
        (code, at, shift) => {
          const i = CREDIT_CODE_ALPHABET.indexOf(code[at]!);
          const typo = code.slice(0, at) + CREDIT_CODE_ALPHABET[(i + shift) % 31] + code.slice(at + 1);
          return !isValidCreditCode(typo);
        },
      ),
    );
  });

  it("the zod schema gives a field error", () => {
    expect(creditCodeSchema.safeParse("91350100M000100Y43").success).toBe(true);
    const bad = creditCodeSchema.safeParse("91350100M000100Y44");
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toMatch(/check character/);
  });
});

describe("GB/T 2260 region codes", () => {
  it.each(["35", "44", "3501", "3590", "350100", "350000", "350582", "110101", "6590", "820000"])("accepts %s", (c) =>
    expect(isValidRegionCode(c)).toBe(true),
  );
  it.each(["", "3", "350", "35010", "3501000", "99", "990100", "3500", "350099", "3571", "35010a", "00"])(
    "refuses %s",
    (c) => expect(isValidRegionCode(c)).toBe(false),
  );
});

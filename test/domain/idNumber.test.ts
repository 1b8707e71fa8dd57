import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  birthDateOf,
  genderOf,
  idCheckCharacter,
  idNumberSchema,
  isValidIdNumber,
  makeTestIdNumber,
  maskIdNumber,
  maskName,
  maskPhone,
  validateIdNumber,
} from "../../src/domain/idNumber.ts";
import { DomainError } from "../../src/domain/errors.ts";

/**
 * Independent ISO 7064 MOD 11-2 from first principles: weight of position i
 * (1-based from the right, the check char being position 1) is 2^(i-1) mod 11,
 * and the check value c satisfies (Σ a_i·w_i + c) ≡ 1 (mod 11); 10 is "X".
 */
function referenceCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const weight = 2 ** (17 - i) % 11; // position from the right is 18 - i
    sum += Number(first17[i]) * weight;
  }
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? "X" : String(c);
}

function mod112Holds(id18: string): boolean {
  let sum = 0;
  for (let i = 0; i < 18; i++) {
    const v = id18[i] === "X" ? 10 : Number(id18[i]);
    sum += v * (2 ** (17 - i) % 11);
  }
  return sum % 11 === 1;
}

const PROVINCES = [
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82, 83,
].map(String);

describe("validateIdNumber", () => {
  it("accepts the published sample 11010519491231002X", () => {
    expect(validateIdNumber("11010519491231002X")).toEqual({ ok: true, value: "11010519491231002X" });
    expect(mod112Holds("11010519491231002X")).toBe(true);
  });

  it("accepts IDs built with the reference algorithm", () => {
    for (const first17 of ["35010219900307123", "44030420000229001", "11010119000101000", "81000019851111002"]) {
      const id = first17 + referenceCheck(first17);
      expect(idCheckCharacter(first17)).toBe(referenceCheck(first17));
      expect(validateIdNumber(id)).toEqual({ ok: true, value: id });
      expect(mod112Holds(id)).toBe(true);
    }
  });

  it("normalises a lower-case x and surrounding whitespace", () => {
    expect(validateIdNumber("  11010519491231002x\n")).toEqual({ ok: true, value: "11010519491231002X" });
    expect(isValidIdNumber("11010519491231002x")).toBe(true);
  });

  it("reports each failure reason", () => {
    expect(validateIdNumber("")).toEqual({ ok: false, reason: "length" });
    expect(validateIdNumber("11010519491231002")).toEqual({ ok: false, reason: "length" });
    expect(validateIdNumber("11010519491231002X1")).toEqual({ ok: false, reason: "length" });
    expect(validateIdNumber("1101051949123100XX")).toEqual({ ok: false, reason: "format" });
    expect(validateIdNumber("11010519491231002Y")).toEqual({ ok: false, reason: "format" });
    expect(validateIdNumber("１１010519491231002X")).toEqual({ ok: false, reason: "format" }); // full-width digits
    const r99 = "99010519491231002" + referenceCheck("99010519491231002");
    expect(validateIdNumber(r99)).toEqual({ ok: false, reason: "region" });
    const r10 = "10010519491231002" + referenceCheck("10010519491231002");
    expect(validateIdNumber(r10)).toEqual({ ok: false, reason: "region" });
    for (const bad of ["19490230", "18991231", "20230229", "19491301", "19490000"]) {
      const f17 = `110105${bad}002`;
      expect(validateIdNumber(f17 + referenceCheck(f17))).toEqual({ ok: false, reason: "birthDate" });
    }
    expect(validateIdNumber("110105194912310021")).toEqual({ ok: false, reason: "checkCharacter" });
  });

  it("accepts 29 Feb in leap years and 1900-01-01", () => {
    expect(isValidIdNumber(makeTestIdNumber("350102", "20000229", "123"))).toBe(true);
    expect(isValidIdNumber(makeTestIdNumber("350102", "19000101", "123"))).toBe(true);
  });

  it("property: computed check char validates, every other check char fails", () => {
    const arb = fc.record({
      province: fc.constantFrom(...PROVINCES),
      rest: fc.stringMatching(/^\d{4}$/),
      birth: fc.date({
        min: new Date(Date.UTC(1900, 0, 1)),
        max: new Date(Date.UTC(2099, 11, 31)),
        noInvalidDate: true,
      }),
      seq: fc.stringMatching(/^\d{3}$/),
    });
    fc.assert(
      fc.property(arb, ({ province, rest, birth, seq }) => {
        const ymd = birth.toISOString().slice(0, 10).replaceAll("-", "");
        const first17 = province + rest + ymd + seq;
        const check = referenceCheck(first17);
        expect(validateIdNumber(first17 + check)).toEqual({ ok: true, value: first17 + check });
        for (const other of "0123456789X") {
          if (other === check) continue;
          expect(validateIdNumber(first17 + other)).toEqual({ ok: false, reason: "checkCharacter" });
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("idCheckCharacter / makeTestIdNumber / birthDateOf / genderOf", () => {
  it("rejects non-17-digit input", () => {
    expect(() => idCheckCharacter("1234")).toThrow(DomainError);
    expect(() => idCheckCharacter("1101051949123100A")).toThrow(DomainError);
  });

  it("builds valid IDs and refuses impossible parts", () => {
    const id = makeTestIdNumber("350102", "19900307", "123");
    expect(id).toBe("35010219900307123" + referenceCheck("35010219900307123"));
    expect(() => makeTestIdNumber("990102", "19900307", "123")).toThrow(DomainError);
    expect(() => makeTestIdNumber("350102", "19900230", "123")).toThrow(DomainError);
    expect(() => makeTestIdNumber("35010", "19900307", "123")).toThrow(DomainError);
  });

  it("extracts birth date and gender", () => {
    expect(birthDateOf("11010519491231002X")).toBe("1949-12-31");
    expect(genderOf("11010519491231002X")).toBe("female"); // 17th digit 2
    expect(genderOf(makeTestIdNumber("350102", "19900307", "131"))).toBe("male");
    expect(() => birthDateOf("110105194912310021")).toThrow(DomainError);
  });
});

describe("idNumberSchema", () => {
  it("parses and normalises a valid ID", () => {
    expect(idNumberSchema.parse(" 11010519491231002x ")).toBe("11010519491231002X");
  });

  it("gives a distinct message and reason for each failure", () => {
    const cases: Array<[string, string, RegExp]> = [
      ["123", "length", /18 characters/],
      ["1101051949123100XX", "format", /17 digits/],
      ["99010519491231002" + referenceCheck("99010519491231002"), "region", /region/],
      ["11010519490230002" + referenceCheck("11010519490230002"), "birthDate", /birth date/],
      ["110105194912310021", "checkCharacter", /check character/],
    ];
    for (const [input, reason, msg] of cases) {
      const r = idNumberSchema.safeParse(input);
      expect(r.success).toBe(false);
      const issue = r.error!.issues[0]!;
      expect(issue.message).toMatch(msg);
      expect((issue as { params?: { reason?: string } }).params?.reason).toBe(reason);
    }
    expect(idNumberSchema.safeParse(42).success).toBe(false);
  });
});

describe("masking", () => {
  it("masks ID numbers: first 6 and last 4", () => {
    expect(maskIdNumber("11010519491231002X")).toBe("110105********002X");
    expect(maskIdNumber("11010519491231002x")).toBe("110105********002X");
    expect(maskIdNumber("110105194912310021")).toBe("110105********0021"); // invalid but well-shaped
  });

  it("masks malformed ID input safely", () => {
    expect(maskIdNumber("")).toBe("");
    expect(maskIdNumber("1234")).toBe("****");
    expect(maskIdNumber("110105491231002")).toBe("***************"); // old 15-digit form
    expect(maskIdNumber("11010519491231002X99")).toBe("110105**********2X99");
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const masked = maskIdNumber(s);
        const shown = Array.from(masked).filter((c) => c !== "*").length;
        expect(shown).toBeLessThanOrEqual(10);
      }),
    );
  });

  it("masks names", () => {
    expect(maskName("张三")).toBe("张*");
    expect(maskName("王小明")).toBe("王**");
    expect(maskName("欧阳娜娜")).toBe("欧***");
    expect(maskName("阿依古丽·买买提")).toBe("阿***·***");
    expect(maskName("John Smith")).toBe("J*** S****");
    expect(maskName("  Li Na ")).toBe("L* N*");
    expect(maskName("张")).toBe("*");
    expect(maskName("")).toBe("");
  });

  it("masks phone numbers", () => {
    expect(maskPhone("13812341234")).toBe("138****1234");
    expect(maskPhone("+86 138-1234-1234")).toBe("138****1234");
    expect(maskPhone("0591-87654321")).toBe("059*****4321");
    expect(maskPhone("87654321")).toBe("****4321");
    expect(maskPhone("12345")).toBe("*****");
  });
});

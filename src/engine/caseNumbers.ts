// Case numbers: the type's prefix (its declaration), the year opened, 8 random characters,
// e.g. MT2026-7K3Q9X2P.
import { randomInt } from "node:crypto";
import { caseTypeInfo, caseTypes, type CaseMachineModule, type CaseType } from "../../machines/index.ts";

// Every type's prefix (two capital letters each, checked by the registry: nothing to escape).
const caseNumberPattern = new RegExp(
  `^(${caseTypes.map((t) => caseTypeInfo(t).caseNumberPrefix).join("|")})\\d{4}-[0-9A-Z]{8}$`,
);

/** Whether `s` has the shape of a whole case number, e.g. MT2026-7K3Q9X2P (prefix, year, 8 characters). */
export function isCaseNumber(s: string): boolean {
  return caseNumberPattern.test(s);
}

/** A new case number for a case of `mod`'s type opened on `openedOn` (it may collide, rarely). */
export function randomCaseNumber(mod: Pick<CaseMachineModule, "type">, openedOn: string): string {
  const prefix = caseTypeInfo(mod.type as CaseType).caseNumberPrefix;
  // Crockford base32 without I, L, O, U: easy to read out over the phone.
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let suffix = "";
  for (let i = 0; i < 8; i++) suffix += alphabet[randomInt(alphabet.length)];
  return `${prefix}${openedOn.slice(0, 4)}-${suffix}`;
}

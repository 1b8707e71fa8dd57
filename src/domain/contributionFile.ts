// A contribution-records file (docs/contributions.md, "Importing"): its columns, the template's
// headers, and one row checked: a month of a person's record, or an opening balance of the personal
// account. Pure: the month that is "now" is given. Messages name the rule, never the cell's value
// (a row is named by its number: what it holds is personal data).
import { validateCreditCode } from "./creditCode.ts";
import {
  CONTRIBUTION_PAYERS,
  CONTRIBUTION_STATUSES,
  type ContributionPayer,
  type ContributionStatus,
  type MonthFigures,
  type OpeningBalance,
} from "./contributions.ts";
import { isIsoMonth, monthIndex } from "./dateMath.ts";
import { idNumberMessages, validateIdNumber } from "./idNumber.ts";
import type { TableShape } from "./importFile.ts";
import { parseYuan } from "./money.ts";
import { INSURANCES, type Insurance } from "./schemes.ts";
import { unsafeCharacter, unsafeTextMessage } from "./text.ts";

/** A rule a cell breaks: the column and what is wrong (as src/problems.ts's FieldError). */
export interface FieldError {
  path: string;
  message: string;
}

/** The columns, in the template's order: a month's, then an opening balance's, then the agency. */
export const CONTRIBUTION_COLUMNS = [
  "idNumber",
  "insurance",
  "month",
  "base",
  "employer",
  "individual",
  "accountCredit",
  "status",
  "payer",
  "employerCreditCode",
  "reason",
  "openingBalance",
  "asOfMonth",
  "agency",
] as const;
export type ContributionColumn = (typeof CONTRIBUTION_COLUMNS)[number];

/** The template's headers: the Chinese name an office file uses, with the column key in brackets. */
export const CONTRIBUTION_HEADERS: Record<ContributionColumn, string> = {
  idNumber: "公民身份号码(idNumber)",
  insurance: "险种(insurance)",
  month: "费款所属期(month)",
  base: "缴费基数(base)",
  employer: "单位缴费(employer)",
  individual: "个人缴费(individual)",
  accountCredit: "划入个人账户(accountCredit)",
  status: "缴费状态(status)",
  payer: "缴费类型(payer)",
  employerCreditCode: "统一社会信用代码(employerCreditCode)",
  reason: "更正原因(reason)",
  openingBalance: "个人账户结转余额(openingBalance)",
  asOfMonth: "结转年月(asOfMonth)",
  agency: "经办机构代码(agency)",
};

/** Headers written without the bracketed key are recognised by these names too. */
const HEADER_ALIASES: Record<string, ContributionColumn> = {
  公民身份号码: "idNumber",
  身份证号: "idNumber",
  身份证号码: "idNumber",
  险种: "insurance",
  费款所属期: "month",
  所属期: "month",
  缴费年月: "month",
  缴费基数: "base",
  单位缴费: "employer",
  单位缴费金额: "employer",
  个人缴费: "individual",
  个人缴费金额: "individual",
  划入个人账户: "accountCredit",
  划入个人账户金额: "accountCredit",
  缴费状态: "status",
  缴费类型: "payer",
  缴费方式: "payer",
  统一社会信用代码: "employerCreditCode",
  单位统一社会信用代码: "employerCreditCode",
  更正原因: "reason",
  个人账户结转余额: "openingBalance",
  结转余额: "openingBalance",
  结转年月: "asOfMonth",
  经办机构代码: "agency",
};

function columnOf(header: string): ContributionColumn | undefined {
  const h = header.replace(/^\uFEFF/, "").trim();
  const key = /[(（]\s*([A-Za-z]+)\s*[)）]/.exec(h)?.[1];
  const byKey = (k: string) => CONTRIBUTION_COLUMNS.find((c) => c.toLowerCase() === k.toLowerCase());
  if (key && byKey(key)) return byKey(key);
  return byKey(h) ?? HEADER_ALIASES[h.replace(/[*＊\s]/g, "")];
}

/** The shape the file reader (./importFile.ts) reads a contributions file with; CSV in UTF-8 or GB18030. */
export const contributionFile: TableShape<ContributionColumn> = {
  columnOf,
  required: ["idNumber", "insurance"],
  missing:
    "The first row must name the columns (download the template): idNumber, insurance, and month or openingBalance.",
  gb18030: true,
};

/** The largest amount a cell may hold: 10,000,000.00 yuan (the record's columns are 32-bit integers). */
export const MAX_AMOUNT_FEN = 1_000_000_000;
export const MAX_REASON = 500;

/** Words an office file uses, beside the keys. */
const INSURANCE_WORDS: Record<string, Insurance> = {
  医疗: "medical",
  医疗保险: "medical",
  基本医疗保险: "medical",
  职工医保: "medical",
  养老: "pension",
  养老保险: "pension",
  基本养老保险: "pension",
};
const STATUS_WORDS: Record<string, ContributionStatus> = {
  已缴: "paid",
  已缴费: "paid",
  正常: "paid",
  正常缴费: "paid",
  欠缴: "arrears",
  欠费: "arrears",
  补缴: "backPaid",
  视同缴费: "deemed",
  视同: "deemed",
};
const PAYER_WORDS: Record<string, ContributionPayer> = {
  单位: "employer",
  单位缴费: "employer",
  灵活就业: "flexible",
  灵活就业人员: "flexible",
  个人: "flexible",
};

/** A key (any case) or one of the words for it. */
function oneOf<T extends string>(cell: string, keys: readonly T[], words: Record<string, T>): T | undefined {
  const s = cell.trim();
  return keys.find((k) => k.toLowerCase() === s.toLowerCase()) ?? words[s.replace(/\s+/g, "")];
}

/** YYYY-MM, also as YYYYMM or as a date on the month's first day (an Excel month cell). */
function monthOf(cell: string): string | undefined {
  const m = /^(\d{4})-?(\d{2})(?:-01)?$/.exec(cell.trim());
  const month = m ? `${m[1]}-${m[2]}` : undefined;
  return month && isIsoMonth(month) ? month : undefined;
}

const AMOUNT_MESSAGE = "must be an amount in yuan with at most 2 decimals, not negative (e.g. 560.00)";

/** One row of the file, checked: a month of a record, or an opening balance. */
export type ContributionRow = {
  idNumber: string;
  insurance: Insurance;
  /** the agency code the row names, if it names one */
  agency: string | null;
  reason: string | null;
} & ({ kind: "month"; figures: MonthFigures } | { kind: "opening"; balance: OpeningBalance });

type Cells = Partial<Record<ContributionColumn, string>>;

/** Collects a row's field errors while its cells are read. */
class RowReader {
  readonly errors: FieldError[] = [];
  constructor(
    private readonly cells: Cells,
    private readonly nowMonth: string,
  ) {}

  fail(path: ContributionColumn, message: string): undefined {
    this.errors.push({ path, message });
    return undefined;
  }

  has(c: ContributionColumn): boolean {
    return this.cells[c] !== undefined;
  }

  required(c: ContributionColumn): string | undefined {
    const v = this.cells[c];
    return v === undefined ? this.fail(c, "is required") : v;
  }

  amount(c: ContributionColumn): number | undefined {
    const v = this.required(c);
    if (v === undefined) return undefined;
    let fen: number;
    try {
      // thousands separators as an office file may print them: 5,600.00
      fen = parseYuan(v.replace(/[,，\s]/g, "").replace(/^¥|^￥/, ""));
    } catch {
      return this.fail(c, AMOUNT_MESSAGE);
    }
    return fen > MAX_AMOUNT_FEN ? this.fail(c, "must be at most 10000000.00 yuan") : fen;
  }

  month(c: ContributionColumn): string | undefined {
    const v = this.required(c);
    if (v === undefined) return undefined;
    const month = monthOf(v);
    if (!month) return this.fail(c, "must be a month as YYYY-MM (or YYYYMM)");
    if (monthIndex(month) > monthIndex(this.nowMonth)) return this.fail(c, "must not be after this month");
    return month;
  }

  idNumber(): string | undefined {
    const v = this.required("idNumber");
    if (v === undefined) return undefined;
    // an ID number copied with spaces (or a full-width X) is forgiven
    const r = validateIdNumber(v.replace(/[\s\u3000]+/g, "").replace(/Ｘ|ｘ/g, "X"));
    return r.ok ? r.value : this.fail("idNumber", idNumberMessages[r.reason]);
  }

  choice<T extends string>(c: ContributionColumn, keys: readonly T[], words: Record<string, T>): T | undefined {
    const v = this.required(c);
    if (v === undefined) return undefined;
    return oneOf(v, keys, words) ?? this.fail(c, `must be one of ${keys.join(", ")}`);
  }

  reason(): string | null {
    const v = this.cells.reason;
    if (v === undefined) return null;
    if (v.length > MAX_REASON) return this.fail("reason", `must be at most ${MAX_REASON} characters`) ?? null;
    const bad = unsafeCharacter(v);
    return bad ? (this.fail("reason", unsafeTextMessage(bad)) ?? null) : v;
  }

  creditCode(payer: ContributionPayer | undefined): string | null {
    const v = this.cells.employerCreditCode?.replace(/\s+/g, "");
    if (payer === "flexible" && v !== undefined)
      return this.fail("employerCreditCode", "a flexible worker's month names no employer") ?? null;
    if (payer !== "employer") return null;
    if (v === undefined) return this.fail("employerCreditCode", "is required when the employer pays") ?? null;
    const r = validateCreditCode(v);
    return r.ok ? r.value : (this.fail("employerCreditCode", `not a valid unified social credit code`) ?? null);
  }
}

const MONTH_ONLY: ContributionColumn[] = [
  "base",
  "employer",
  "individual",
  "accountCredit",
  "status",
  "payer",
  "employerCreditCode",
];

/**
 * One row's cells checked on their own (the person, the insurance, the month not after `nowMonth`,
 * amounts in yuan to integer fen, status, payer and the employer's code, the reason): the row, or
 * its field errors.
 */
export function checkContributionRow(cells: Cells, nowMonth: string): ContributionRow | FieldError[] {
  const r = new RowReader(cells, nowMonth);
  const idNumber = r.idNumber();
  const insurance = r.choice("insurance", INSURANCES, INSURANCE_WORDS);
  const reason = r.reason();
  const agency = cells.agency ?? null;
  const common = { idNumber: idNumber!, insurance: insurance!, agency, reason };
  if (r.has("month") && r.has("openingBalance")) {
    r.fail("openingBalance", "a row holds either a month or an opening balance, not both");
    return r.errors;
  }
  if (r.has("openingBalance")) {
    for (const c of MONTH_ONLY) if (r.has(c)) r.fail(c, "an opening-balance row holds no month figures");
    const balance = { asOfMonth: r.month("asOfMonth")!, balanceBroughtForwardFen: r.amount("openingBalance")! };
    return r.errors.length ? r.errors : { ...common, kind: "opening", balance };
  }
  if (r.has("asOfMonth")) r.fail("asOfMonth", "belongs to an opening-balance row (with openingBalance)");
  const month = r.month("month");
  const [baseFen, employerFen, individualFen, accountCreditFen] = (
    ["base", "employer", "individual", "accountCredit"] as const
  ).map((c) => r.amount(c));
  const status = r.choice("status", CONTRIBUTION_STATUSES, STATUS_WORDS);
  const payer = r.choice("payer", CONTRIBUTION_PAYERS, PAYER_WORDS);
  const employerCreditCode = r.creditCode(payer);
  if (r.errors.length) return r.errors;
  const figures: MonthFigures = {
    month: month!,
    baseFen: baseFen!,
    employerFen: employerFen!,
    individualFen: individualFen!,
    accountCreditFen: accountCreditFen!,
    status: status!,
    payer: payer!,
    employerCreditCode,
  };
  return { ...common, kind: "month", figures };
}

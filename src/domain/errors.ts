/**
 * Errors raised by the pure domain-value modules.
 *
 * A single class with a machine-readable `code` lets the API layer map domain
 * failures to 400 responses without string-matching messages, and keeps the
 * modules free of any HTTP or framework dependency.
 */
export type DomainErrorCode =
  | "invalid_id_number"
  | "invalid_amount"
  | "amount_overflow"
  | "invalid_date"
  | "invalid_month"
  | "invalid_month_range"
  | "paid_before_gap"
  | "invalid_policy"
  | "ambiguous_policy"
  | "invalid_argument";

export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly code: DomainErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: DomainErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

// Errors that reach a client, as RFC 9457 problem details. The engine throws these; the API
// layer only serialises them, so every refusal has one wording wherever it happens.

export interface FieldError {
  path: string;
  message: string;
}

/**
 * The field errors of a failed zod parse: the one mapping from zod's issues to what a 422 lists.
 * `prefix` goes before every path (a query's or a form's name); `whole` names an issue of the whole
 * input (no path). zod's messages name the problem, never the value (no personal data in answers).
 */
export function fieldErrorsOf(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  opts: { prefix?: string; whole?: string } = {},
): FieldError[] {
  return issues.map((i) => ({
    path: [opts.prefix, ...i.path.map(String)].filter(Boolean).join(".") || (opts.whole ?? "(body)"),
    message: i.message,
  }));
}

export class Problem extends Error {
  constructor(
    public readonly status: number,
    public readonly slug: string,
    public readonly title: string,
    public readonly detail?: string,
    public readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }

  toJSON(instance?: string) {
    return {
      type: `/problems/${this.slug}`,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

export const problems = {
  badRequest: (detail: string) => new Problem(400, "bad-request", "Bad request", detail),
  invalid: (errors: FieldError[], detail = "The request has invalid fields.") =>
    new Problem(422, "validation-failed", "Validation failed", detail, { errors }),
  unauthorized: (detail = "A valid bearer token is required.") =>
    new Problem(401, "unauthorized", "Unauthorized", detail),
  forbidden: (detail: string) => new Problem(403, "forbidden", "Forbidden", detail),
  notFound: (what: string) => new Problem(404, "not-found", "Not found", `${what} was not found.`),
  conflict: (detail: string, extensions: Record<string, unknown> = {}) =>
    new Problem(409, "conflict", "Conflict", detail, extensions),
  notAllowedNow: (detail: string, allowedEvents: string[], state: string) =>
    new Problem(409, "event-not-allowed", "Event not allowed now", detail, { state, allowedEvents }),
  preconditionFailed: (current: number) =>
    new Problem(
      412,
      "precondition-failed",
      "Precondition failed",
      `The case has changed: its current version is ${current}.`,
      {
        currentVersion: current,
      },
    ),
  tooMany: (detail: string) => new Problem(429, "too-many-requests", "Too many requests", detail),
};

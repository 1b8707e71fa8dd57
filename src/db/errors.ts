// Database errors the callers act on, the same on SQLite and PostgreSQL (Prisma's codes).

/** Prisma's unique-constraint error (P2002): a row with the same unique key was written first. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}

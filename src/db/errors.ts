// Database errors the callers act on, the same on SQLite and PostgreSQL (Prisma's codes).

/**
 * A unique-constraint error: a row with the same unique key was written first. Prisma's P2002 from
 * the ORM's calls; from a raw statement (P2010) the driver adapter's own kind.
 */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const { code, meta } = e as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return (
    code === "P2002" || (code === "P2010" && meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation")
  );
}

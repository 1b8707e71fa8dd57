// The bench scripts' numeric command-line options (bench/run.ts, bench/compare.ts): a bad one
// stops the script with exit code 2 and says which, before anything is seeded or started.

/** Writes the message (and the usage line, if any) to stderr and exits with code 2. */
export function failWith(usage?: string): (message: string) => never {
  return (message) => {
    process.stderr.write(`${message}\n${usage ? `${usage}\n` : ""}`);
    process.exit(2);
  };
}

/** Each option as a number, which must be a whole number of at least 1. */
export function positiveWholeNumbers<K extends string>(
  values: Record<K, string | undefined>,
  fail: (message: string) => never,
): Record<K, number> {
  const numbers = {} as Record<K, number>;
  for (const k of Object.keys(values) as K[]) {
    const v = Number(values[k]);
    if (!Number.isInteger(v) || v < 1) fail(`--${k} must be a positive whole number`);
    numbers[k] = v;
  }
  return numbers;
}

/** Each option as a number, which must be a whole number of at least 0. */
export function wholeNumbers<K extends string>(
  values: Record<K, string | undefined>,
  fail: (message: string) => never,
): Record<K, number> {
  const numbers = {} as Record<K, number>;
  for (const k of Object.keys(values) as K[]) {
    const v = Number(values[k]);
    if (!Number.isInteger(v) || v < 0) fail(`--${k} must be a whole number (0 or more)`);
    numbers[k] = v;
  }
  return numbers;
}

/** --warmup: whole seconds of load before each measurement, 0 for none. */
export function warmupSeconds(value: string | undefined, fail: (message: string) => never): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < 0) fail("--warmup must be a whole number of seconds (0 for none)");
  return v;
}

/** The options as node:util's parseArgs reads them; an unknown or malformed one stops the script like a bad number. */
export function parsedOr<T>(parse: () => T, fail: (message: string) => never): T {
  try {
    return parse();
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}

// Small helpers shared by the calendar tests: every date of a range, as plain strings, with
// integer arithmetic (never the process time zone).
export function* eachDate(from: string, to: string): Generator<string> {
  let [y, m, d] = from.split("-").map(Number);
  const end = to;
  for (;;) {
    const s = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    if (s > end) return;
    yield s;
    const dim = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
      m - 1
    ];
    d++;
    if (d > dim) {
      d = 1;
      m++;
      if (m > 12) {
        m = 1;
        y++;
      }
    }
  }
}

/** Day of week by Zeller-free integer maths (Sakamoto), independent of the code under test. */
export function dow(date: string): number {
  const t = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
  let [y, m, d] = date.split("-").map(Number);
  if (m < 3) y -= 1;
  return (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) + t[m - 1] + d) % 7;
}

/** Runs `fn` with process.env.TZ set to each zone in turn (Node honours run-time assignments). */
export function inEachZone(zones: readonly string[], fn: (zone: string) => void): void {
  const saved = process.env.TZ;
  try {
    for (const zone of zones) {
      process.env.TZ = zone;
      fn(zone);
    }
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

export const ZONES = [
  "UTC",
  "Asia/Shanghai",
  "America/Los_Angeles",
  "Pacific/Kiritimati",
  "Pacific/Pago_Pago",
] as const;

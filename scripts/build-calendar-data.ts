// Regenerates src/calendar/data/cn-official.json from the raw data file of `chinese-days`.
//
//   node --import tsx scripts/build-calendar-data.ts          write the file
//   node --import tsx scripts/build-calendar-data.ts --check  exit 1 if the file is out of date
//
// Why the raw JSON (chinese-days/dist/chinese-days.json) and not the package's functions: the
// package builds its in-memory holiday maps at import time with a home-made Dayjs that parses
// "2026-1-4" as UTC midnight and then formats it with *local* getters, so in any zone west of UTC
// (e.g. America/Los_Angeles) every holiday and make-up day is shifted one day earlier, and
// `isWorkday("2026-01-05")` answers false. The raw JSON was produced at the package's build time
// and is plain strings.
//
// Known errors of chinese-days are fixed by CORRECTIONS below (each citing the notice).
//
// The output `version` is bumped whenever the years' content changes, so stored deadlines can
// record which data version they were computed with.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { validateYearSchedule, type YearSchedule } from "../src/calendar/schedule.ts";

const require = createRequire(import.meta.url);
const OUT = fileURLToPath(new URL("../src/calendar/data/cn-official.json", import.meta.url));
const FIRST_YEAR = 2004;
const LAST_YEAR = 2026;

/**
 * Errata: days where chinese-days disagrees with the State Council notice itself. Each entry
 * cites the notice; the data test (test/calendar/official-data.test.ts) allows exactly these
 * differences from chinese-days and no others.
 */
interface Correction {
  date: string;
  /** what the day really is */
  set: "workday" | "holiday" | "ordinary";
  reason: string;
}
const CORRECTIONS: Correction[] = [
  {
    date: "2005-12-31",
    set: "workday",
    reason:
      "国办发明电〔2005〕35号 (2006 schedule), 元旦: 12月31日(星期六)上班. chinese-days 1.5.7 omits this make-up Saturday because it lies in the previous year.",
  },
];

const pkg = JSON.parse(readFileSync(require.resolve("chinese-days/package.json"), "utf8")) as { version: string };
const raw = JSON.parse(readFileSync(require.resolve("chinese-days/dist/chinese-days.json"), "utf8")) as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};

const byYear = new Map<number, { holidays: string[]; workdays: string[] }>();
for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) byYear.set(y, { holidays: [], workdays: [] });
for (const [kind, map] of [
  ["holidays", raw.holidays],
  ["workdays", raw.workdays],
] as const) {
  for (const date of Object.keys(map)) {
    const entry = byYear.get(Number(date.slice(0, 4)));
    if (!entry) throw new Error(`chinese-days has ${kind} date ${date} outside ${FIRST_YEAR}–${LAST_YEAR}`);
    entry[kind].push(date);
  }
}

for (const c of CORRECTIONS) {
  const entry = byYear.get(Number(c.date.slice(0, 4)));
  if (!entry) throw new Error(`correction ${c.date} is outside ${FIRST_YEAR}–${LAST_YEAR}`);
  entry.holidays = entry.holidays.filter((d) => d !== c.date);
  entry.workdays = entry.workdays.filter((d) => d !== c.date);
  if (c.set === "workday") entry.workdays.push(c.date);
  if (c.set === "holiday") entry.holidays.push(c.date);
}

const years: YearSchedule[] = [];
for (const [year, entry] of byYear) {
  if (entry.holidays.length === 0) throw new Error(`chinese-days has no holidays for ${year}`);
  // Same validation as publishing at run time (real dates, inside the year, no duplicates,
  // make-up days on weekends only, never both holiday and workday).
  years.push(validateYearSchedule({ year, ...entry }));
}

interface DataFile {
  version: number;
  source: string;
  generatedFrom: string;
  representation: string;
  corrections: Correction[];
  years: Record<string, { holidays: string[]; workdays: string[] }>;
}

const yearsObj: DataFile["years"] = {};
for (const s of years) yearsObj[String(s.year)] = { holidays: s.holidays, workdays: s.workdays };

const previous: DataFile | undefined = existsSync(OUT)
  ? (JSON.parse(readFileSync(OUT, "utf8")) as DataFile)
  : undefined;
// Only the calendar content decides the version; wording changes of the notes do not.
const same = previous !== undefined && JSON.stringify(previous.years) === JSON.stringify(yearsObj);
const data: DataFile = {
  version: previous ? (same ? previous.version : previous.version + 1) : 1,
  source:
    "国务院办公厅关于部分节假日安排的通知 (State Council General Office holiday notices) 2004–2026, as transcribed by chinese-days (MIT, https://github.com/vsme/chinese-days)",
  generatedFrom: `chinese-days@${pkg.version}`,
  representation:
    "holidays: every date off because of an official public-holiday period, Saturdays/Sundays inside the period included; workdays: Saturdays/Sundays that are working days (调休). Other dates: Monday–Friday working, Saturday/Sunday off.",
  corrections: CORRECTIONS,
  years: yearsObj,
};

// One line per list keeps the file reviewable in diffs (one year = two lines).
function render(d: DataFile): string {
  const lines = Object.entries(d.years).map(
    ([y, s]) =>
      `    "${y}": {\n      "holidays": ${JSON.stringify(s.holidays)},\n      "workdays": ${JSON.stringify(s.workdays)}\n    }`,
  );
  return (
    `{\n  "version": ${d.version},\n  "source": ${JSON.stringify(d.source)},\n  "generatedFrom": ${JSON.stringify(d.generatedFrom)},\n` +
    `  "representation": ${JSON.stringify(d.representation)},\n` +
    `  "corrections": [\n${d.corrections.map((c) => `    ${JSON.stringify(c)}`).join(",\n")}\n  ],\n` +
    `  "years": {\n${lines.join(",\n")}\n  }\n}\n`
  );
}

const text = render(data);
const current = existsSync(OUT) ? readFileSync(OUT, "utf8") : "";
if (process.argv.includes("--check")) {
  if (current !== text) {
    console.error(`${OUT} is out of date; run node --import tsx scripts/build-calendar-data.ts`);
    process.exit(1);
  }
  console.log(`${OUT} is up to date (version ${data.version}).`);
} else {
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}: version ${data.version}, years ${FIRST_YEAR}–${LAST_YEAR}, from ${data.generatedFrom}`);
}

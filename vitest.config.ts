import { configDefaults, defineConfig } from "vitest/config";

// The calendar tests run three times, under three process time zones, to prove that results
// do not depend on the server's zone. TZ must be set before the worker starts, hence forks.
const calendarZones = ["UTC", "Asia/Shanghai", "America/Los_Angeles"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // Everything that needs neither PostgreSQL nor Chromium (`npm run test:unit` runs it with the
      // calendar projects).
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/calendar/**", "test/postgres/**", "test/browser/**"],
        },
      },
      // The web interface in Debian's Chromium (playwright-core), against the real service.
      { extends: true, test: { name: "browser", include: ["test/browser/**/*.test.ts"] } },
      // The engine and API tests again on PostgreSQL (a fresh database per service started; the
      // local server must be running: .ci/run starts it), plus the PostgreSQL-only tests.
      {
        extends: true,
        test: {
          name: "postgresql",
          include: [
            "test/http/cases.test.ts",
            "test/http/admin.test.ts",
            "test/http/documents.test.ts",
            "test/http/import.test.ts",
            "test/http/clerk-tools.test.ts",
            "test/http/api-clients.test.ts",
            "test/http/parties.test.ts",
            "test/db/direct-sql.test.ts",
            "test/db/case-list.test.ts",
            "test/db/status-read.test.ts",
            "test/deadlines-acting/**/*.test.ts",
            "test/postgres/**/*.test.ts",
          ],
          env: { TEST_DATABASE: "postgresql" },
          globalSetup: ["test/support/pg-global.ts"],
        },
      },
      ...calendarZones.map((tz) => ({
        extends: true as const,
        test: {
          name: `calendar ${tz}`,
          include: ["test/calendar/**/*.test.ts"],
          pool: "forks" as const,
          env: { TZ: tz, CALENDAR_TEST_TZ: tz },
        },
      })),
    ],
  },
});

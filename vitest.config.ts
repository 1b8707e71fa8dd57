import { configDefaults, defineConfig } from "vitest/config";

// The calendar tests run three times, under three process time zones, to prove that results
// do not depend on the server's zone. TZ must be set before the worker starts, hence forks.
const calendarZones = ["UTC", "Asia/Shanghai", "America/Los_Angeles"];

// The test files that start the service: every one in test/http and test/reliability, and all of
// test/deadlines-acting but units.test.ts (webhook signatures, the retry schedule, SLA helpers,
// configuration). They call test/support/server.ts startService (or fixtures.ts startWithAgencies),
// src/server.ts startServer, test/support/inprocess.ts startTracedService, or listen with
// createApp. Every other test file is a unit test; one that starts a service anyway is stopped by
// startService and startTracedService (TEST_PROJECT=unit).
const serviceTests = [
  "test/http/**/*.test.ts",
  "test/reliability/**/*.test.ts",
  "test/deadlines-acting/!(units).test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // The tests that start no service (no child process of it, no Express app listening): the
      // machines, the domain rules, the engine in-process (test/engine, on test/support/engine.ts),
      // the database layer, documents. `npm run test:unit` runs them with the calendar projects.
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [
            ...configDefaults.exclude,
            ...serviceTests,
            "test/calendar/**",
            "test/postgres/**",
            "test/browser/**",
          ],
          env: { TEST_PROJECT: "unit" },
        },
      },
      // The tests that start the service (as a child process, or its app listening in the test
      // process) and talk to it over HTTP: `npm run test:service`.
      {
        extends: true,
        test: { name: "service", include: serviceTests },
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
            "test/http/contribution-import.test.ts",
            "test/http/clerk-tools.test.ts",
            "test/http/api-clients.test.ts",
            "test/http/api-client-scopes.test.ts",
            "test/http/parties.test.ts",
            "test/http/insurances.test.ts",
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

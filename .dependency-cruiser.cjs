// Layer rules as code (npm run lint runs `depcruise`). See docs/development.md.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "machines-are-pure",
      comment: "machines/ holds the pure case machines: it imports nothing of src/ (no I/O, no clock, no database).",
      severity: "error",
      from: { path: "^machines/" },
      to: { path: "^src/" },
    },
    {
      name: "api-only-from-server",
      comment: "src/api/ is the HTTP layer: only src/server.ts (and tests and the benchmark) may import it.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/api/", "^src/server\\.ts$"] },
      to: { path: "^src/api/" },
    },
    {
      name: "api-not-to-database",
      comment:
        "src/api/ is the HTTP layer: routes parse, call the engine and answer. The database (src/db/) and the generated Prisma client (src/generated/, its types too) are the engine's: src/engine/ exports the types the routes need.",
      severity: "error",
      from: { path: "^src/api/" },
      to: { path: ["^src/db/", "^src/generated/"] },
    },
    // The layers of docs/architecture.md, top to bottom: the entry points (src/main.ts,
    // src/server.ts, src/cli/); the HTTP layer (src/api/); what runs beside the requests or renders
    // from the log (src/jobs/, src/reports/, src/documents/); the engine (src/engine/); what the
    // engine writes through (src/notifications/ outbox and delivery, src/privacy/, src/db/); the
    // rules (src/calendar/, src/domain/, src/deadlines/); the machines. Each imports only below it.
    {
      name: "entry-points-only-from-entry-points",
      comment:
        "src/server.ts, src/main.ts and src/cli/ assemble the service and the commands: nothing below them imports them.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/main\\.ts$", "^src/server\\.ts$", "^src/cli/"] },
      to: { path: ["^src/main\\.ts$", "^src/server\\.ts$", "^src/cli/"] },
    },
    {
      name: "beside-requests-not-to-api",
      comment:
        "src/jobs/, src/reports/ and src/documents/ are used by the HTTP layer and the entry points, never the reverse.",
      severity: "error",
      from: { path: ["^src/jobs/", "^src/reports/", "^src/documents/"] },
      to: { path: ["^src/api/"] },
    },
    {
      name: "engine-below-its-users",
      comment:
        "src/engine/ is used by the HTTP layer, the jobs, the reports, the documents and the commands: it imports none of them.",
      severity: "error",
      from: { path: "^src/engine/" },
      to: { path: ["^src/api/", "^src/jobs/", "^src/reports/", "^src/documents/"] },
    },
    {
      name: "storage-below-engine",
      comment:
        "src/notifications/ (the outbox and its delivery), src/privacy/ (personal data at rest) and src/db/ are what the engine writes through: they import no engine and nothing above it.",
      severity: "error",
      from: { path: ["^src/notifications/", "^src/privacy/", "^src/db/"] },
      to: { path: ["^src/engine/", "^src/api/", "^src/jobs/", "^src/reports/", "^src/documents/"] },
    },
    {
      name: "rules-are-pure",
      comment:
        "src/calendar/, src/domain/ and src/deadlines/ are the rules (working days, ID numbers, money, policies, due dates): plain computations on values, with no database, no engine and nothing above.",
      severity: "error",
      from: { path: ["^src/calendar/", "^src/domain/", "^src/deadlines/"] },
      to: {
        path: [
          "^src/db/",
          "^src/generated/",
          "^src/privacy/",
          "^src/notifications/",
          "^src/engine/",
          "^src/api/",
          "^src/jobs/",
          "^src/reports/",
          "^src/documents/",
          "^src/auth/",
          "^src/runtime/",
          "^src/config\\.ts$",
        ],
      },
    },
    {
      name: "no-circular",
      comment: "No import cycles: a module's dependencies can be understood without the module itself.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "Every import resolves to a file or an installed package.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // The generated Prisma client is a leaf: its own imports are not cruised, but imports of it are
    // seen (api-not-to-database needs them; excluding it would hide them).
    doNotFollow: { path: ["node_modules", "^src/generated/"] },
    exclude: { path: ["^node_modules/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".cjs", ".mjs", ".json"],
    },
  },
};

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

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
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^src/generated/", "^node_modules/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".cjs", ".mjs", ".json"],
    },
  },
};

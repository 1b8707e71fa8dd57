// ESLint (flat config) with typescript-eslint's type-aware rules. Formatting is Prettier's job
// (eslint-config-prettier, last, turns off every rule that would fight it); the layer rules live
// in .dependency-cruiser.cjs. What is turned off, and why: docs/development.md.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["node_modules/", "src/generated/", "artifacts/", "coverage/", "bench/results/", "prisma/postgresql/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        // Each file is checked with the tsconfig.json that includes it; these few plain
        // JavaScript files belong to no project and get a default one.
        projectService: {
          allowDefaultProject: [
            "eslint.config.js",
            ".dependency-cruiser.cjs",
            "src/db/checkpoint-worker.js",
            "test/browser/a11y-check.js",
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // The three the project asks for, as errors.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // A `default:` branch counts as handling the rest: it is written on purpose.
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      // Values that cross a JSON boundary (JSON.parse, req.body, answers read by the tests and the
      // web pages) are `any` in TypeScript's own types: these five rules reported ~1,360 of them.
      // They stay on for machines/ (below), where nothing should be untyped.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // An async function that satisfies a Promise-returning interface (a route handler, Prisma's
      // adapter factory, a test double) need not await anything.
      "@typescript-eslint/require-await": "off",
      // The code writes `!` on indexed access on purpose, so that it stays right if
      // noUncheckedIndexedAccess is turned on; this rule would take them out (34 reports).
      "@typescript-eslint/no-unnecessary-type-assertion": "off",
      // `let [y, m, d] = ...` where only some are reassigned is fine.
      "prefer-const": ["error", { destructuring: "all" }],
      // Leading underscore = deliberately unused (Express's four-argument error handler, a field
      // dropped by destructuring).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // A function a newcomer can read at once (issue #27): every line counts, blank and comment too.
    files: ["src/**/*.ts", "src/**/*.js", "machines/**/*.ts"],
    rules: { "max-lines-per-function": ["error", { max: 80, IIFEs: true }] },
  },
  {
    files: ["machines/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "error",
      "@typescript-eslint/no-unsafe-member-access": "error",
      "@typescript-eslint/no-unsafe-argument": "error",
      "@typescript-eslint/no-unsafe-call": "error",
      "@typescript-eslint/no-unsafe-return": "error",
    },
  },
  {
    // Tests build deliberately malformed requests, read JSON answers (`any`) and put them into
    // assertion messages as they come.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/restrict-template-expressions": "off",
      "@typescript-eslint/no-base-to-string": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    // The browser code: plain ES modules type-checked from JSDoc (tsconfig.web.json).
    files: ["src/web/public/assets/**/*.js", "test/browser/a11y-check.js"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["src/web/public/assets/**/*.js"],
    languageOptions: { parserOptions: { projectService: false, project: ["./tsconfig.web.json"] } },
  },
  prettier,
);

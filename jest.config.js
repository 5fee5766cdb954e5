/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Type checking is `npm run typecheck`; tests only transpile (tsconfig sets isolatedModules).
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/.state/"],
  modulePathIgnorePatterns: ["<rootDir>/.state/"],
  // Offline evaluations are shared between test files through a directory that lives for one run.
  globalSetup: "<rootDir>/harness/jest-setup.ts",
  globalTeardown: "<rootDir>/harness/jest-teardown.ts",
  // Whole-repository offline plans take minutes on a loaded 2-core machine.
  testTimeout: 600000,
  // Offline evaluations run in child processes; two cores, so keep jest workers to two.
  maxWorkers: 2,
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Type checking is `npm run typecheck`; tests only transpile (tsconfig sets isolatedModules).
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/.state/"],
  modulePathIgnorePatterns: ["<rootDir>/.state/"],
  testTimeout: 120000,
  // Offline evaluations run in child processes; two cores, so keep jest workers to two.
  maxWorkers: 2,
};

/**
 * The command as `npm run deploy` starts it (tsx over `main.ts`, a fresh process), on a PATH that
 * holds node but no Pulumi CLI: the answers a user gets in the first seconds.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "../../harness/projects";

const TSX = path.join(REPO_ROOT, "node_modules", ".bin", "tsx");

function run(...argv: string[]) {
  const started = Date.now();
  const r = spawnSync(TSX, [path.join(__dirname, "main.ts"), ...argv], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { HOME: process.env.HOME, PATH: path.dirname(process.execPath) },
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout, seconds: (Date.now() - started) / 1000 };
}

it("says the Pulumi CLI is missing and exits 2 within seconds, before evaluating any program", () => {
  const r = run("deploy", "--env", "dev", "--preview");
  expect(r.stderr).toMatch(/Cannot start; fix these first:\n {2}- Pulumi CLI not found: install it/);
  expect(r.code).toBe(2);
  // Evaluating the plan takes a minute or more; start-up plus the checks take about one second
  // (0.5-0.9 s measured). The bound leaves room for a busy machine.
  expect(r.seconds).toBeLessThan(10);
  expect(r.stdout).toBe("");
});

it.each([
  [["deploy", "--env", "dev", "--preview", "--bogus"], /unknown option --bogus/],
  [["deploy", "--env"], /--env needs a value/],
  [
    ["deploy", "--env", "dev", "--project", "nope", "--preview"],
    /--project nope: no such project \(known: api, /,
  ],
  [["deploy", "--env", "staging", "--preview"], /--env must be dev or prod \(got staging\)/],
  [["destroy", "--env", "prod", "--yes"], /refusing to destroy prod/],
])("answers %j with usage and exit 2, no stack trace", (argv, message) => {
  const r = run(...argv);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/usage:\n {2}npm run deploy -- --env <dev\|prod>/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code).toBe(2);
});

/**
 * Every command as its npm script starts it (the script's own `tsx ...` line from package.json, in
 * a fresh process), given a mistake a user makes: exit 2, a message that says what is wrong, no
 * stack trace — and the plan evaluator (or the bench's emulators) never even loaded, which a
 * preloaded guard turns into exit 99. The time bound is only a guard for a shared, busy machine.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../harness/projects";

const TSX = path.join(REPO_ROOT, "node_modules", ".bin", "tsx");
const SCRIPTS = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

/** Modules a mistake must never load: the offline evaluation and the emulators. */
const GUARDED = [
  path.join(REPO_ROOT, "harness", "evaluate.ts"),
  path.join(REPO_ROOT, "runtime", "testing", "emulators.ts"),
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-mistakes-"));
const GUARD = path.join(tmp, "guard.js");
fs.writeFileSync(
  GUARD,
  `const Module = require("module");
const guarded = ${JSON.stringify(GUARDED)};
const load = Module._load;
Module._load = function (request, parent, isMain) {
  let file;
  try { file = Module._resolveFilename(request, parent, isMain); } catch { file = undefined; }
  if (file && guarded.includes(file)) {
    process.stderr.write("GUARD: " + file + " loaded\\n");
    process.exit(99);
  }
  return load.apply(this, arguments);
};
`,
);

/** Runs `npm run <script> -- ...argv` the way npm does: the script's command line, then the arguments. */
function npmRun(script: string, ...argv: string[]) {
  const [bin, ...scriptArgs] = SCRIPTS[script].split(" ");
  expect(bin).toBe("tsx");
  const started = Date.now();
  const r = spawnSync(TSX, [...scriptArgs, ...argv], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: {
      HOME: process.env.HOME,
      PATH: process.env.PATH,
      NODE_OPTIONS: `--require ${GUARD}`,
      PLATFORM_LOCAL_STATE_DIR: path.join(tmp, "state"),
    },
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout, seconds: (Date.now() - started) / 1000 };
}

const dir = path.join(tmp, "a-directory");
fs.mkdirSync(dir);
const records = path.join(tmp, "records.ndjson");
fs.writeFileSync(records, '{"a":1}\n');
const missing = path.join(tmp, "no-such-dir");

/** A project folder whose local stack file does not parse (the indentation on line 3). */
const broken = path.join(tmp, "broken");
fs.mkdirSync(broken);
fs.writeFileSync(path.join(broken, "Pulumi.yaml"), "name: broken\nruntime: nodejs\n");
fs.writeFileSync(path.join(broken, "Pulumi.local.yaml"), "config:\n  broken:owner: me\n broken:team: x\n");

const CASES: [string, string[], RegExp][] = [
  // The README's "When something goes wrong" table.
  [
    "plan",
    ["--env", "nope"],
    /--env must be a stack of the platform project: one of (?:[a-z-]+, )*prod \(got nope/,
  ],
  ["deploy", ["--env", "dev", "--project", "nope", "--preview"], /--project nope: no such project \(known: /],
  ["changed", ["--base", "no-such-ref"], /--base no-such-ref: no such commit, branch or tag in this clone/],
  ["start", ["--bogus"], /unknown option --bogus\nusage: npm start -- /],
  ["local", ["--domain", "orders", "--file", dir], /--file .*a-directory: is a directory; give a file/],
  ["cost", ["--env", "dev", "--plan-dir", missing], /--plan-dir .*no-such-dir: no such directory/],
  ["bench:api", ["--seconds", "abc"], /--seconds "abc": an integer from 1 to 3600 \(default 10\)/],
  ["start", ["--project-dir", broken], /broken\/Pulumi\.local\.yaml:3:2: bad indentation of a mapping entry/],
  // And the rest of each command's options.
  ["plan", ["--env"], /--env needs a value\nusage:/],
  ["start", ["--count", "0"], /--count "0": an integer from 1 to 1000000/],
  ["start", ["--port-base", "70000"], /--port-base 70000: 0 \(any free port\) or 1-65530/],
  ["start", ["--project-dir", dir], /--project-dir .*a-directory: no Pulumi\.yaml there/],
  [
    "local",
    ["--domain", "orders", "--file", path.join(tmp, "nope.ndjson")],
    /--file .*nope\.ndjson: no such file/,
  ],
  ["local", ["--domain", "nope", "--file", records], /--domain "nope": no such domain \(known: .*orders/],
  ["local", ["--file", records], /--domain <d> is required/],
  ["sample", ["--domain", "nope", "--count", "1"], /--domain "nope": no such domain/],
  ["sample", ["--bogus"], /unknown option --bogus\nusage: npm run sample/],
  ["replay", ["--domain", "orders"], /--from <ISO time \| TRIM_HORIZON> is required/],
  ["replay", ["--domain", "orders", "--from", "yesterday"], /--from yesterday: an ISO time/],
  [
    "replay",
    ["--env", "dev", "--from", "TRIM_HORIZON", "--batch-size", "0"],
    /--batch-size 0: an integer ≥ 1/,
  ],
  [
    "replay",
    ["--env", "dev", "--from", "TRIM_HORIZON", "--outputs", dir],
    /--outputs .*a-directory: is a directory; give a file/,
  ],
  ["graph", ["--env", "nope"], /--env must be one of local, dev, prod \(got nope\)/],
  ["capacity", ["--records-per-second", "x"], /--records-per-second x: a number ≥ 0/],
  ["cost", ["--env", "dev", "--plan-dir", records], /--plan-dir .*records\.ndjson: not a directory/],
  ["check", ["--bogus"], /unknown option --bogus\nusage: npm run check/],
  ["bench:api", ["--connections"], /--connections needs a value\nusage: npm run bench:api/],
  ["stateful:update", ["--env", "dev"], /unknown option --env\nusage: npm run stateful:update/],
  ["deployments:projects", ["x"], /unexpected argument x/],
];

describe("a user's mistake on the command line", () => {
  it.each(CASES)(
    "npm run %s -- %j: exit 2 with the message, no stack trace, nothing evaluated",
    (script, argv, message) => {
      const r = npmRun(script, ...argv);
      expect(r.stderr).not.toMatch(/GUARD:/);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(2);
      expect(r.seconds).toBeLessThan(10);
    },
  );

  it("warns about a stack file key under a misspelt namespace before evaluating anything", () => {
    const typo = path.join(tmp, "typo");
    fs.mkdirSync(typo);
    fs.writeFileSync(path.join(typo, "Pulumi.yaml"), "name: typo\nruntime: nodejs\n");
    fs.writeFileSync(
      path.join(typo, "Pulumi.local.yaml"),
      "config:\n  typo:owner: me\n  aws:region: us-east-1\n  data-platfrom:owner: me\n",
    );
    const r = npmRun("start", "--project-dir", typo, "--port-base", "0");
    expect(r.stderr).toMatch(
      /warning: .*typo\/Pulumi\.local\.yaml:4: data-platfrom:owner: unknown namespace "data-platfrom" — did you mean "data-platform:owner"\?/,
    );
    expect(r.stderr.match(/warning:/g)).toHaveLength(1);
    // The warning comes first; then the command goes on to evaluate (the guard stops it there).
    expect(r.stderr).toMatch(/GUARD: .*harness\/evaluate\.ts loaded/);
  });

  it("keeps the stack trace for developers with DEBUG=1", () => {
    const r = spawnSync(TSX, ["cli/platform.ts", "plan", "--env", "nope"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { HOME: process.env.HOME, PATH: process.env.PATH, DEBUG: "1" },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/UsageError: --env must be a stack[^]*\n\s+at /);
  });
});

/**
 * The local run's session lock and state folder, exercised by separate processes as two terminals
 * running `npm start` would: the lock is taken before any emulator starts, exactly one of two runs
 * started at the same instant proceeds, a crashed run's lock is recovered, function logs are the
 * current run's only.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../harness/projects";

const TSX = path.join(REPO_ROOT, "node_modules", ".bin", "tsx");
const EMULATORS = path.join(__dirname, "emulators.ts");

/**
 * A run's start-up as `startPlatform` does it: wait for the common instant `at`, take the state
 * (the lock), then start the emulators on free ports, hold them a moment, stop and release.
 */
const RUN = `
const { prepareState, startEmulators, clearSession } = require(${JSON.stringify(EMULATORS)});
const at = Number(process.env.START_AT);
(async () => {
  while (Date.now() < at) await new Promise((r) => setImmediate(r));
  try {
    prepareState(true, (m) => process.stdout.write("say: " + m + "\\n"));
  } catch (e) {
    process.stdout.write("refused: " + e.name + ": " + e.message + "\\n");
    process.exit(2);
  }
  const emu = await startEmulators(0);
  process.stdout.write("won " + emu.endpoints.kinesis + "\\n");
  await new Promise((r) => setTimeout(r, 1500));
  await emu.stop();
  clearSession();
})();
`;

function startRun(stateDir: string, at: number) {
  const child = spawn(TSX, ["-e", RUN], {
    cwd: REPO_ROOT,
    env: { ...process.env, PLATFORM_LOCAL_STATE_DIR: stateDir, START_AT: String(at) },
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, out })),
  );
}

describe("the local session lock", () => {
  it("lets exactly one of two runs started at the same instant through", async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "session-race-"));
    // Both processes load first (a few seconds on a busy machine), then go at the same instant.
    const at = Date.now() + 8000;
    const results = await Promise.all([startRun(state, at), startRun(state, at)]);
    const won = results.filter((r) => /^won http:\/\/127\.0\.0\.1:\d+$/m.test(r.out));
    const refused = results.filter((r) =>
      /refused: SessionBusyError: a local platform is already running/.test(r.out),
    );
    expect({ won: won.length, refused: refused.length }).toEqual({ won: 1, refused: 1 });
    expect(refused[0].code).toBe(2);
    expect(refused[0].out).not.toMatch(/npm run replay/);
    // The winner released the lock when it stopped.
    expect(fs.existsSync(path.join(state, "session.json"))).toBe(false);
  }, 120_000);

  it("recovers a crashed run's lock and starts with fresh data and no old function logs", () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "session-crash-"));
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    fs.writeFileSync(
      path.join(state, "session.json"),
      JSON.stringify({ pid: dead, startedAt: "2026-01-01T00:00:00Z" }),
    );
    fs.mkdirSync(path.join(state, "logs"), { recursive: true });
    fs.writeFileSync(path.join(state, "logs", "orders-processor.log"), "the previous run's output\n");
    fs.mkdirSync(path.join(state, "data", "kinesis"), { recursive: true });
    const r = spawnSync(TSX, ["-e", RUN], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, PLATFORM_LOCAL_STATE_DIR: state, START_AT: "0" },
    });
    expect(r.stdout).toMatch(/say: a previous local run did not shut down cleanly; removing its state/);
    expect(r.stdout).toMatch(/^won /m);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(state, "logs", "orders-processor.log"))).toBe(false);
  }, 120_000);

  it("refuses `npm start` at once while a live run holds the lock, saying how to stop or use it", () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "session-busy-"));
    fs.writeFileSync(
      path.join(state, "session.json"),
      JSON.stringify({ pid: process.pid, startedAt: "2026-01-01T00:00:00Z" }),
    );
    const r = spawnSync(TSX, ["cli/platform.ts", "start"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { HOME: process.env.HOME, PATH: process.env.PATH, PLATFORM_LOCAL_STATE_DIR: state },
      timeout: 60_000,
    });
    expect(r.stderr).toMatch(
      new RegExp(
        `a local platform is already running \\(pid ${process.pid}, since 2026-01-01T00:00:00Z; still starting\\)`,
      ),
    );
    expect(r.stderr).toMatch(
      /Stop it with Ctrl-C in its terminal .* or, if it was started with --keep, use it/,
    );
    expect(r.stderr).not.toMatch(/npm run replay|evaluating/);
    expect(r.status).toBe(2);
  });
});

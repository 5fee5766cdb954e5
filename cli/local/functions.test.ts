import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalFunction } from "./functions";

/*
 * The local Lambda containers around Ctrl-C. The terminal's SIGINT reaches the whole process group:
 * a container must not die from it (the local run stops its pollers first, whose final window
 * invokes still need the containers), and an invocation of a container that died anyway fails as a
 * crashed runtime instead of crashing the local run with an unhandled EPIPE (which left the session
 * lock behind after `npm start -- --keep` and Ctrl-C).
 */

let work: string;
let fn: LocalFunction;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "local-fn-"));
  fs.writeFileSync(
    path.join(work, "index.js"),
    "exports.handler = async (event) => ({ pid: process.pid, echo: event });\n",
  );
  fn = new LocalFunction(
    {
      project: "test",
      projectDir: work,
      urn: "urn:test",
      name: "echo",
      handler: "index.handler",
      timeoutSeconds: 10,
      memoryMb: 128,
      environment: {},
      code: {},
    },
    work,
    {},
    1,
    path.join(work, "echo.log"),
  );
});

afterEach(async () => {
  await fn.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

it("keeps a container through SIGINT: the next invocation runs in the same warm container", async () => {
  const first = await fn.invoke({ n: 1 });
  expect(first.ok).toBe(true);
  const pid = (first as { payload: { pid: number } }).payload.pid;
  process.kill(pid, "SIGINT");
  await new Promise((r) => setTimeout(r, 300));
  const second = await fn.invoke({ n: 2 });
  expect(second).toEqual({ ok: true, payload: { pid, echo: { n: 2 } } });
  expect(fn.stats.coldStarts).toBe(1);
});

it("fails the invocation of a container that died, and the next one gets a new container", async () => {
  let live = await fn.invoke({ n: 0 });
  // Killed, and invoked at once: the write may fail (EPIPE) or the exit come first; either way the
  // invocation fails as a crashed runtime, never an unhandled error. Several rounds: the race varies.
  for (let round = 1; round <= 6; round++) {
    const pid = (live as { payload: { pid: number } }).payload.pid;
    process.kill(pid, "SIGKILL");
    const dead = await fn.invoke({ round });
    expect(dead.ok).toBe(false);
    expect((dead as { error: string }).error).toMatch(/^Runtime\.ExitError/);
    live = await fn.invoke({ round });
    expect(live.ok).toBe(true);
    expect((live as { payload: { pid: number } }).payload.pid).not.toBe(pid);
  }
});

import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { REPO_ROOT } from "../../harness/projects";
import { UsageError } from "./errors";

/*
 * The embedded AWS emulators on loopback, in this process: kinesalite (Kinesis), dynalite
 * (DynamoDB), s3rver (S3). Data lives under `.state/local/data` (gitignored) so `npm run replay` can
 * reprocess a previous run's stream. A lock file records the running session (pid, then endpoints):
 * it is created atomically before any emulator starts, so of two runs started together exactly one
 * proceeds and the other stops with a clear message; a lock left by a crashed run is detected (its
 * pid is gone) and its state removed before starting clean.
 */

export const STATE_DIR = process.env.PLATFORM_LOCAL_STATE_DIR
  ? path.resolve(process.env.PLATFORM_LOCAL_STATE_DIR)
  : path.join(REPO_ROOT, ".state", "local");
export const REGION = "us-east-1";
/** s3rver checks signatures against its own fixed key pair; kinesalite and dynalite accept any. */
export const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** Default ports (override with --port-base); LocalStack's 4566 is left alone. */
export const DEFAULT_PORT_BASE = 4580;

export interface Endpoints {
  readonly kinesis: string;
  readonly dynamodb: string;
  readonly s3: string;
  readonly firehose: string;
}

export interface Session {
  readonly pid: number;
  readonly startedAt: string;
  /** Set once the emulators listen; absent while the session is starting. */
  readonly endpoints?: Endpoints;
}

const LOCK = () => path.join(STATE_DIR, "session.json");
export const DATA_DIR = () => path.join(STATE_DIR, "data");
/** The function logs of the current (or last) run, one file per function. */
export const LOGS_DIR = () => path.join(STATE_DIR, "logs");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The running session, if a live process holds the lock. */
export function runningSession(): Session | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(LOCK(), "utf8")) as Session;
    return alive(s.pid) && s.pid !== process.pid ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Another local run holds the lock: stop it, or use it while it runs (exit 2). */
export class SessionBusyError extends UsageError {
  constructor(s: Session) {
    super(
      `a local platform is already running (pid ${s.pid}, since ${s.startedAt}${s.endpoints ? `; Kinesis ${s.endpoints.kinesis}` : "; still starting"}).\n` +
        `Stop it with Ctrl-C in its terminal (or \`kill ${s.pid}\`) and run again; or, if it was started with --keep, ` +
        `use it: its terminal prints the endpoints and exports (also in ${path.relative(process.cwd(), LOCK()) || LOCK()}).`,
    );
    this.name = "SessionBusyError";
  }
}

function readSession(file: string): Session | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Session;
  } catch {
    return undefined;
  }
}

/**
 * Takes the session lock for this process, atomically: the lock is written to a private file and
 * hard-linked into place (`link` fails if the lock exists, and a reader never sees a half-written
 * lock). A lock whose process is gone is moved aside (one `rename` wins) and the link retried.
 * Returns whether a crashed run's lock was found; throws `SessionBusyError` when a live one holds it.
 */
export function acquireSession(): { crashed: boolean } {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  const mine = path.join(STATE_DIR, `session.${process.pid}.tmp`);
  const s: Session = { pid: process.pid, startedAt: new Date().toISOString() };
  fs.writeFileSync(mine, JSON.stringify(s, null, 2) + "\n");
  let crashed = false;
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        fs.linkSync(mine, LOCK());
        return { crashed };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const held = readSession(LOCK());
      if (held && held.pid !== process.pid && alive(held.pid)) throw new SessionBusyError(held);
      // A crashed run's lock (or an unreadable one): move it aside; if another process moved it
      // first, the rename fails and the next attempt links or finds that process's lock.
      const aside = path.join(STATE_DIR, `session.stale.${process.pid}`);
      try {
        fs.renameSync(LOCK(), aside);
        const moved = readSession(aside);
        if (moved && moved.pid !== process.pid && alive(moved.pid)) {
          // Between the check and the rename a live process took the lock: put it back.
          fs.renameSync(aside, LOCK());
          throw new SessionBusyError(moved);
        }
        fs.rmSync(aside, { force: true });
        crashed = true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    }
    throw new Error(`could not take the session lock ${LOCK()}: it keeps changing; try again`);
  } finally {
    fs.rmSync(mine, { force: true });
  }
}

/**
 * Prepares the state folder. `fresh`: remove the previous run's data (a new `npm start`);
 * otherwise keep it (replay). A lock from a dead process is a crash: reported and cleared.
 */
export function prepareState(fresh: boolean, say: (m: string) => void): void {
  const { crashed } = acquireSession();
  if (crashed) {
    say(
      `a previous local run did not shut down cleanly; ${fresh ? "removing its state" : "reusing its data"}`,
    );
  }
  if (fresh) fs.rmSync(DATA_DIR(), { recursive: true, force: true });
  fs.mkdirSync(path.join(DATA_DIR(), "s3"), { recursive: true });
  // Function logs are per run: the previous run's are removed (see LOGS_DIR).
  fs.rmSync(LOGS_DIR(), { recursive: true, force: true });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

export class PortInUseError extends Error {
  constructor(port: number, what: string) {
    super(
      `port ${port} (${what}) is in use on 127.0.0.1: stop what listens there (\`lsof -i :${port}\`), ` +
        "or pick other ports with --port-base <n>, or --port-base 0 for free ports chosen by the system",
    );
    this.name = "PortInUseError";
  }
}

interface Listening {
  listen(port: number, host: string, cb: () => void): unknown;
  once(event: "error", cb: (err: Error) => void): unknown;
  address(): unknown;
  close(cb?: () => void): unknown;
}

function listen(server: Listening, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "EADDRINUSE" ? new PortInUseError(port, what) : err),
    );
    server.listen(port, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
  });
}

export interface RunningEmulators {
  readonly endpoints: Omit<Endpoints, "firehose">;
  readonly firehosePort: number;
  stop(): Promise<void>;
}

/**
 * Starts the three emulators. `portBase` 0 lets the system pick free ports; otherwise Kinesis,
 * DynamoDB, S3 and Firehose take portBase..portBase+3, and a port in use fails with what to do.
 */
export async function startEmulators(portBase: number): Promise<RunningEmulators> {
  const ports = portBase === 0 ? [0, 0, 0, 0] : [portBase, portBase + 1, portBase + 2, portBase + 3];
  const names = ["Kinesis", "DynamoDB", "S3", "Firehose"];
  if (portBase !== 0) {
    for (let i = 0; i < 4; i++) if (!(await portFree(ports[i]))) throw new PortInUseError(ports[i], names[i]);
  }
  const kinesalite = require("kinesalite");
  const dynalite = require("dynalite");
  const S3rver = require("s3rver");
  const data = DATA_DIR();
  const kServer = kinesalite({
    path: path.join(data, "kinesis"),
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 200,
  }) as Listening;
  const dServer = dynalite({
    path: path.join(data, "dynamodb"),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  }) as Listening;
  const kPort = await listen(kServer, ports[0], "Kinesis");
  const dPort = await listen(dServer, ports[1], "DynamoDB");
  const s3 = new S3rver({
    address: "127.0.0.1",
    port: ports[2],
    silent: true,
    directory: path.join(data, "s3"),
  });
  let s3Port: number;
  try {
    s3Port = ((await s3.run()) as net.AddressInfo).port;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") throw new PortInUseError(ports[2], "S3");
    throw err;
  }
  const close = (s: Listening) => new Promise<void>((r) => s.close(() => r()));
  return {
    endpoints: {
      kinesis: `http://127.0.0.1:${kPort}`,
      dynamodb: `http://127.0.0.1:${dPort}`,
      s3: `http://127.0.0.1:${s3Port}`,
    },
    // The Firehose emulation (not an npm emulator) listens on the fourth port, or any free one.
    firehosePort: ports[3],
    stop: async () => {
      await Promise.all([close(kServer), close(dServer), s3.close()]);
    },
  };
}

/** Adds the endpoints to this process's lock (written aside and renamed: readers see whole files). */
export function writeSession(endpoints: Endpoints): void {
  const held = readSession(LOCK());
  if (held?.pid !== process.pid) throw new Error(`the session lock ${LOCK()} is not this process's`);
  const s: Session = { ...held, endpoints };
  const next = path.join(STATE_DIR, `session.${process.pid}.next`);
  fs.writeFileSync(next, JSON.stringify(s, null, 2) + "\n");
  fs.renameSync(next, LOCK());
}

export function clearSession(): void {
  try {
    const s = JSON.parse(fs.readFileSync(LOCK(), "utf8")) as Session;
    if (s.pid === process.pid) fs.rmSync(LOCK(), { force: true });
  } catch {
    // no lock
  }
}

/**
 * Environment a shell needs to reach the emulators with the AWS CLI v2 or the JavaScript SDK v3:
 * both read `AWS_ENDPOINT_URL_<SERVICE>` themselves. No environment variable makes SDK v3 address
 * S3 by path; its clients take `forcePathStyle: true` in code (`keepRunning` says so).
 */
export function shellEnvironment(e: Endpoints): Record<string, string> {
  const { S3_FORCE_PATH_STYLE: _functionsOnly, ...shell } = clientEnvironment(e);
  return shell;
}

/**
 * Environment the local functions get: the shell's plus `S3_FORCE_PATH_STYLE`, which the
 * platform's own runtime reads (runtime/lambda/env.ts) to build its S3 client with `forcePathStyle`.
 */
export function clientEnvironment(e: Endpoints): Record<string, string> {
  return {
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_KINESIS: e.kinesis,
    AWS_ENDPOINT_URL_DYNAMODB: e.dynamodb,
    AWS_ENDPOINT_URL_S3: e.s3,
    AWS_ENDPOINT_URL_FIREHOSE: e.firehose,
    S3_FORCE_PATH_STYLE: "true",
  };
}

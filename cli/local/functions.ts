import { type ChildProcess, fork } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as esbuild from "esbuild";
import { linkProvidedSdk, writePackage } from "../../runtime/testing/deployed";
import type { FunctionSpec } from "./model";
import type { Invoker, InvokeResult } from "./poller";

/*
 * Local Lambda: each inline function's package written from the plan's `code` archive
 * (`__index.js` = the serialized closure Pulumi would upload; `.lambda/runtime.js` = the runtime
 * bundle it requires), run in fresh child processes (one per concurrent invocation, reused between
 * invocations like warm containers), with the function's environment plus the emulator endpoints.
 */

const HOST = path.join(__dirname, "lambda-host.ts");

/**
 * The container host compiled to plain JavaScript (esbuild, once per content), so that a container
 * is plain Node as in the Lambda runtime: no TypeScript loader hooks the package's `require`.
 */
function compiledHost(): string {
  const { outputFiles } = esbuild.buildSync({
    entryPoints: [HOST],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    write: false,
    logLevel: "silent",
  });
  const js = Buffer.from(outputFiles[0].contents);
  const file = path.join(
    os.tmpdir(),
    `lambda-host-${createHash("sha256").update(js).digest("hex").slice(0, 12)}.js`,
  );
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, js);
    fs.renameSync(tmp, file);
  }
  return file;
}
let host: string | undefined;

/** The SDK packages the Lambda Node.js runtime provides (resolved through NODE_PATH). */
const PROVIDED = [
  "@aws-sdk/client-dynamodb",
  "@aws-sdk/client-firehose",
  "@aws-sdk/client-s3",
  "@aws-sdk/client-kinesis",
  "@aws-sdk/client-sqs",
];

/** Writes every function's package under `<dir>/functions/<name>/` and the provided SDK under `<dir>/runtime`. */
export function writePackages(fns: readonly FunctionSpec[], dir: string): { runtimeModules: string } {
  const runtimeDir = path.join(dir, "runtime");
  if (!fs.existsSync(path.join(runtimeDir, "node_modules", "@aws-sdk")))
    linkProvidedSdk(runtimeDir, PROVIDED);
  // The archive as the plan records it (`__index.js` text, the runtime bundle by its path relative
  // to the project), written by the same function that writes the package for tests and benchmark.
  for (const f of fns) writePackage(f.code, f.projectDir, path.join(dir, "functions", f.name), f.urn);
  return { runtimeModules: path.join(runtimeDir, "node_modules") };
}

interface Container {
  readonly child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  pending?: { id: number; resolve: (r: InvokeResult) => void };
}

export interface FunctionStats {
  invocations: number;
  errors: number;
  coldStarts: number;
  durationMs: number;
}

/** Invokes one function in up to `concurrency` containers. */
export class LocalFunction implements Invoker {
  readonly stats: FunctionStats = { invocations: 0, errors: 0, coldStarts: 0, durationMs: 0 };
  /** The last initialization error: the package cannot even load (the run stops and shows it). */
  initError?: string;
  private readonly containers: Container[] = [];
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private closed = false;
  private readonly log: number;

  constructor(
    readonly spec: FunctionSpec,
    private readonly root: string,
    private readonly env: Record<string, string>,
    private readonly concurrency: number,
    logFile: string,
  ) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    this.log = fs.openSync(logFile, "a");
  }

  private spawn(): Container {
    this.stats.coldStarts++;
    const child = fork((host ??= compiledHost()), [], {
      execArgv: [],
      cwd: this.root,
      env: {
        PATH: process.env.PATH ?? "",
        ...this.env,
        ...this.spec.environment,
        LAMBDA_TASK_ROOT: this.root,
        _HANDLER: this.spec.handler,
        AWS_LAMBDA_FUNCTION_NAME: this.spec.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.spec.memoryMb),
        AWS_EXECUTION_ENV: `AWS_Lambda_${this.spec.runtime ?? "nodejs"}`,
        LOCAL_FUNCTION_ARN: `arn:aws:lambda:us-east-1:123456789012:function:${this.spec.name}`,
      },
      stdio: ["ignore", this.log, this.log, "ipc"],
    });
    const c: Container = { child, busy: false, ready: Promise.resolve() };
    c.ready = new Promise<void>((resolve, reject) => {
      child.once("message", (m: { type: string; error?: string }) =>
        m.type === "ready" ? resolve() : reject(new Error(m.error ?? "init failed")),
      );
      child.once("exit", (code) => reject(new Error(`Runtime exited during init with code ${code}`)));
    });
    c.ready.catch(() => undefined);
    child.on(
      "message",
      (m: { type: string; id?: number; ok?: boolean; payload?: unknown; error?: string }) => {
        const p = c.pending;
        if (m.type === "result" && p && p.id === m.id) {
          c.pending = undefined;
          p.resolve(m.ok ? { ok: true, payload: m.payload } : { ok: false, error: m.error ?? "error" });
        }
      },
    );
    child.on("exit", (code, signal) => {
      const i = this.containers.indexOf(c);
      if (i >= 0) this.containers.splice(i, 1);
      if (c.pending) {
        const p = c.pending;
        c.pending = undefined;
        p.resolve({ ok: false, error: `Runtime.ExitError: exited with ${signal ?? `code ${code}`}` });
      }
      this.waiting.shift()?.();
    });
    this.containers.push(c);
    return c;
  }

  private async acquire(): Promise<Container> {
    for (;;) {
      if (this.closed) throw new Error("function stopped");
      const idle = this.containers.find((c) => !c.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.containers.length < this.concurrency) {
        const c = this.spawn();
        c.busy = true;
        return c;
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  async invoke(event: unknown): Promise<InvokeResult> {
    const c = await this.acquire();
    const started = Date.now();
    this.stats.invocations++;
    try {
      try {
        await c.ready;
      } catch (err) {
        c.child.kill();
        this.initError = (err as Error).message;
        return { ok: false, error: `Runtime.InitError: ${(err as Error).message}` };
      }
      const timeoutMs = this.spec.timeoutSeconds * 1000;
      const id = this.nextId++;
      const result = await new Promise<InvokeResult>((resolve) => {
        const timer = setTimeout(() => {
          c.pending = undefined;
          c.child.kill("SIGKILL");
          resolve({
            ok: false,
            error: `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
          });
        }, timeoutMs + 250);
        c.pending = {
          id,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        // A container that died before its exit was seen (EPIPE, channel closed): the invocation
        // fails as Lambda reports a crashed runtime, instead of an unhandled 'error' event.
        // The container is dropped at once, so the next invocation starts a new one.
        c.child.send({ id, event, deadline: Date.now() + timeoutMs }, (err) => {
          if (!err) return;
          const i = this.containers.indexOf(c);
          if (i >= 0) this.containers.splice(i, 1);
          c.child.kill("SIGKILL");
          if (c.pending?.id === id) {
            c.pending.resolve({ ok: false, error: `Runtime.ExitError: ${err.message}` });
            c.pending = undefined;
          }
        });
      });
      if (!result.ok) this.stats.errors++;
      return result;
    } finally {
      this.stats.durationMs += Date.now() - started;
      c.busy = false;
      this.waiting.shift()?.();
    }
  }

  async stop(): Promise<void> {
    this.closed = true;
    const exits = this.containers.map(
      (c) => new Promise<void>((r) => (c.child.exitCode !== null ? r() : c.child.once("exit", () => r()))),
    );
    for (const c of this.containers) c.child.kill();
    for (const w of this.waiting.splice(0)) w();
    await Promise.all(exits);
    fs.closeSync(this.log);
  }
}

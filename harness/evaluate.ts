import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compiledWorker, languageHostEnv, splitNodeArgs } from "./loader";
import { planDocument, type PlanDocument } from "./plan";
import {
  discoverProjects,
  loaderOptions,
  type ProjectInfo,
  type RuntimeOptions,
  stackConfig,
} from "./projects";
import type { EvaluateRequest, EvaluateResult } from "./protocol";

/** The evaluated plan of one project for one stack. */
export interface ProjectPlan {
  readonly project: ProjectInfo;
  readonly stack: string;
  readonly document: PlanDocument;
  readonly outputs: Record<string, unknown>;
  /**
   * The earlier URNs each resource answers to through `aliases` (resolved as the engine does, parent
   * aliases inherited by children). Not part of the preview document: a real preview shows an
   * aliased resource under its new URN only.
   */
  readonly aliases?: Record<string, string[]>;
  /** Projects whose outputs this one read through StackReferences (`project/stack`). */
  readonly references: string[];
  readonly durationMs: number;
  /** CPU time and peak memory of the evaluation's last worker process (see EvaluateResult). */
  readonly cpuMs?: number;
  readonly maxRssMb?: number;
}

/** An evaluation that failed: configuration errors, program errors, or a reference cycle. */
export class EvaluationError extends Error {
  constructor(
    readonly project: string,
    readonly stack: string,
    readonly errors: string[],
  ) {
    super(
      `project ${project} (stack ${stack}) failed to evaluate:\n${errors.map((e) => `  ${e}`).join("\n")}`,
    );
    this.name = "EvaluationError";
  }
}

export interface EvaluateOptions {
  readonly stack: string;
  /** Projects to evaluate; default: every project of the repository. */
  readonly projects?: ProjectInfo[];
  /** Pulumi organization used for the StackReference names. Default `organization`. */
  readonly organization?: string;
  /** Replace parts of a project's config (tests use it to inject bad values). */
  readonly configOverrides?: Record<string, Record<string, string>>;
  /** Replace outputs of producing stacks before consumers read them (tests use it to rename outputs). */
  readonly outputTransform?: (key: string, outputs: Record<string, unknown>) => Record<string, unknown>;
  /** Concurrent worker processes of this call. Default: one limit shared by all calls (CPU count, at most 4). */
  readonly concurrency?: number;
  /**
   * How ts-node compiles each program. `"cli-default"`: as `pulumi preview` does with no
   * `PULUMI_NODEJS_TRANSPILE_ONLY` set, i.e. type-checked under the project's tsconfig unless it says
   * `noCheck` (a compile error fails the evaluation, as it fails the preview). `"transpile-only"`:
   * `PULUMI_NODEJS_TRANSPILE_ONLY=true`, no type check (the emitted JavaScript is the same; with a
   * cold ts-node cache the platform took 12 s CPU and 0.9 GB type-checked, 4 s and 0.3 GB without).
   * Default: `DATAPLATFORM_PLAN_LOADER` if set (the test run sets `transpile-only`, see
   * harness/jest-setup.ts), else `"cli-default"`.
   */
  readonly loader?: LoaderMode;
}

/**
 * Evaluates one project in a fresh Node process started as the language host starts `cmd/run`
 * (node arguments from `runtime.options.nodeargs`, its environment, the program directory as working
 * directory) and returns its result.
 */
export function runWorker(
  request: EvaluateRequest,
  project: { readonly runtime: RuntimeOptions },
  transpileOnly?: boolean,
): Promise<EvaluateResult> {
  return new Promise((resolve, reject) => {
    const env = languageHostEnv({
      project: request.project,
      stack: request.stack,
      organization: request.organization,
      config: request.config,
      runtime: project.runtime,
      transpileOnly,
    });
    const child = fork(compiledWorker(), [], {
      execArgv: splitNodeArgs(project.runtime.nodeargs),
      env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      cwd: request.projectDir,
    });
    let stderr = "";
    let settled = false;
    child.stderr?.on("data", (d) => (stderr += d));
    child.stdout?.on("data", () => undefined);
    child.once("message", (m) => {
      settled = true;
      resolve(m as EvaluateResult);
    });
    child.once("exit", (code) => {
      if (!settled) {
        reject(
          new Error(
            `evaluation of ${request.project} exited with code ${code}: ${stderr.trim().slice(-2000)}`,
          ),
        );
      }
    });
    child.send(request);
  });
}

export type LoaderMode = "cli-default" | "transpile-only";

/** Environment variable choosing the default `loader` of evaluations (`cli-default` or `transpile-only`). */
export const LOADER_ENV = "DATAPLATFORM_PLAN_LOADER";

function loaderMode(mode: LoaderMode | undefined): LoaderMode {
  const chosen = mode ?? process.env[LOADER_ENV] ?? "cli-default";
  if (chosen !== "cli-default" && chosen !== "transpile-only") {
    throw new Error(`${LOADER_ENV} = ${JSON.stringify(chosen)}: one of cli-default, transpile-only`);
  }
  return chosen;
}

/** Environment variable naming a directory where evaluations are shared between processes (jest's globalSetup sets it). */
export const PLAN_CACHE_ENV = "DATAPLATFORM_PLAN_CACHE";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `runWorker`, shared through the directory named by `DATAPLATFORM_PLAN_CACHE` when it is set: an
 * identical request (project, stack, config, the producers' outputs, loader options) is evaluated once
 * per test run and its result read by every other test file. The directory lives for one jest run
 * (created by harness/jest-setup.ts, removed by harness/jest-teardown.ts), so sources cannot change
 * underneath it. The first process to claim a request's lock evaluates it; the others wait.
 */
export async function sharedWorker(
  request: EvaluateRequest,
  project: { readonly runtime: RuntimeOptions },
  transpileOnly?: boolean,
): Promise<EvaluateResult> {
  const dir = process.env[PLAN_CACHE_ENV];
  if (!dir) return runWorker(request, project, transpileOnly);
  const file = (t: boolean | undefined, ext: string) =>
    path.join(
      dir,
      createHash("sha256")
        .update(JSON.stringify({ request, runtime: project.runtime, transpileOnly: t ?? null }))
        .digest("hex") + ext,
    );
  const result = file(transpileOnly, ".json");
  // A program that compiled under the type check emits the same JavaScript without it.
  const checked = file(undefined, ".json");
  const lock = file(transpileOnly, ".lock");
  for (;;) {
    if (fs.existsSync(result)) return readResult(result);
    if (transpileOnly && fs.existsSync(checked)) {
      const value = readResult(checked);
      if (!value.errors?.length) return value;
    }
    if (!claim(lock)) {
      await sleep(250);
      continue;
    }
    try {
      const slot = await acquireSlot(dir);
      let value: EvaluateResult;
      try {
        value = await runWorker(request, project, transpileOnly);
      } finally {
        fs.rmSync(slot, { force: true });
      }
      const tmp = `${result}.${process.pid}`;
      fs.writeFileSync(tmp, JSON.stringify(value));
      fs.renameSync(tmp, result);
      return value;
    } finally {
      // A failed run releases the lock so a waiting process evaluates it itself.
      fs.rmSync(lock, { force: true });
    }
  }
}

const readResult = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as EvaluateResult;

/** Creates `lock` with this process id unless it exists (or its process died): true when this process got it. */
function claim(lock: string): boolean {
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
    return true;
  } catch {
    try {
      process.kill(Number(fs.readFileSync(lock, "utf8")), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ESRCH") fs.rmSync(lock, { force: true });
    }
    return false;
  }
}

/**
 * One of CPU-count slots shared by every process of the test run: jest runs test files in several
 * workers, each starting evaluations; a type-checking evaluation with a cold cache holds ~0.9 GB.
 */
async function acquireSlot(dir: string): Promise<string> {
  const slots = Math.max(1, os.cpus().length);
  for (;;) {
    for (let i = 0; i < slots; i++) {
      const slot = path.join(dir, `slot-${i}.lock`);
      if (claim(slot)) return slot;
    }
    await sleep(250);
  }
}

function limiter(n: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/**
 * Worker processes of every evaluation in this process (CPU count, at most 4): tests start several
 * evaluations at once, and more processes than cores only add memory.
 */
const sharedLimit = limiter(Math.min(4, Math.max(1, os.cpus().length)));

/**
 * Evaluates projects offline in dependency order. A project that reads a stack not yet evaluated
 * is re-run after that stack; its StackReference is answered with the producer's evaluated outputs.
 * Independent projects run in parallel. Returns the plans in the order they completed, producers
 * before consumers.
 */
export async function evaluateProjects(opts: EvaluateOptions): Promise<ProjectPlan[]> {
  const projects = opts.projects ?? discoverProjects();
  const byName = new Map(projects.map((p) => [p.name, p]));
  const done = new Map<string, Promise<ProjectPlan>>();
  const completed: ProjectPlan[] = [];
  const run = opts.concurrency ? limiter(opts.concurrency) : sharedLimit;
  const transpileOnly = loaderMode(opts.loader) === "transpile-only" ? true : undefined;
  // Once one project fails the call rejects: evaluations still queued behind the shared limit are
  // dropped rather than run for nobody.
  let failed = false;

  const evaluateOne = (project: ProjectInfo, stack: string, chain: string[]): Promise<ProjectPlan> => {
    const key = `${project.name}/${stack}`;
    if (chain.includes(key)) {
      return Promise.reject(
        new EvaluationError(project.name, stack, [`stack reference cycle: ${[...chain, key].join(" -> ")}`]),
      );
    }
    const existing = done.get(key);
    if (existing) return existing;
    const promise = (async () => {
      const config = { ...stackConfig(project, stack), ...(opts.configOverrides?.[project.name] ?? {}) };
      const provided: Record<string, Record<string, unknown>> = {};
      const loader = loaderOptions(project);
      for (;;) {
        const result = await run(() =>
          failed
            ? Promise.reject(
                new EvaluationError(project.name, stack, ["not evaluated: another project failed"]),
              )
            : sharedWorker(
                {
                  projectDir: project.dir,
                  project: project.name,
                  stack,
                  organization: opts.organization ?? "organization",
                  entryPoint: loader.entryPoint,
                  config,
                  stackOutputs: provided,
                },
                loader,
                transpileOnly,
              ),
        );
        if (result.needs?.length) {
          for (const need of result.needs) {
            const [depName, depStack] = need.split("/");
            const dep = byName.get(depName);
            if (!dep) {
              throw new EvaluationError(project.name, stack, [
                `reads stack "${need}" but no project named "${depName}" exists (known: ${[...byName.keys()].join(", ")})`,
              ]);
            }
            const plan = await evaluateOne(dep, depStack, [...chain, key]);
            provided[need] = opts.outputTransform ? opts.outputTransform(need, plan.outputs) : plan.outputs;
          }
          continue;
        }
        if (!result.steps || result.errors?.length) {
          throw new EvaluationError(project.name, stack, result.errors ?? ["no result"]);
        }
        const plan: ProjectPlan = {
          project,
          stack,
          document: planDocument(result.steps, config, result.durationMs / 1000),
          outputs: result.outputs,
          aliases: result.aliases ?? {},
          references: Object.keys(provided),
          durationMs: result.durationMs,
          cpuMs: result.cpuMs,
          maxRssMb: result.maxRssMb,
        };
        completed.push(plan);
        return plan;
      }
    })();
    done.set(key, promise);
    return promise;
  };

  try {
    await Promise.all(projects.map((p) => evaluateOne(p, opts.stack, [])));
  } catch (e) {
    failed = true;
    throw e;
  }
  return completed;
}

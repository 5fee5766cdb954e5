import { fork } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { planDocument, type PlanDocument } from "./plan";
import { discoverProjects, type ProjectInfo, stackConfig } from "./projects";
import type { EvaluateRequest, EvaluateResult } from "./protocol";

/** The evaluated plan of one project for one stack. */
export interface ProjectPlan {
  readonly project: ProjectInfo;
  readonly stack: string;
  readonly document: PlanDocument;
  readonly outputs: Record<string, unknown>;
  /** Projects whose outputs this one read through StackReferences (`project/stack`). */
  readonly references: string[];
  readonly durationMs: number;
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
  /** Concurrent worker processes. Default: CPU count, at most 4. */
  readonly concurrency?: number;
}

const WORKER = path.join(__dirname, "worker.ts");

/** Evaluates one project in a fresh Node process (tsx loader) and returns its result. */
export function runWorker(request: EvaluateRequest): Promise<EvaluateResult> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], {
      execArgv: ["--import", "tsx"],
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
  const run = limiter(opts.concurrency ?? Math.min(4, Math.max(1, os.cpus().length)));

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
      for (;;) {
        const result = await run(() =>
          runWorker({
            projectDir: project.dir,
            project: project.name,
            stack,
            organization: opts.organization ?? "organization",
            main: project.main,
            config,
            stackOutputs: provided,
          }),
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
          references: Object.keys(provided),
          durationMs: result.durationMs,
        };
        completed.push(plan);
        return plan;
      }
    })();
    done.set(key, promise);
    return promise;
  };

  await Promise.all(projects.map((p) => evaluateOne(p, opts.stack, [])));
  return completed;
}

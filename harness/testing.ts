import * as path from "node:path";
import { evaluateProjects, type EvaluateOptions, type ProjectPlan } from "./evaluate";
import { discoverProjects, type ProjectInfo, readProject } from "./projects";

/** The small domain project the harness tests use besides the repository's own projects. */
export const SAMPLE_DOMAIN_DIR = path.join(__dirname, "fixtures", "sample-domain");

/** Every project of the repository plus the sample domain fixture. */
export function projectsWithFixture(): ProjectInfo[] {
  return [...discoverProjects(), readProject(SAMPLE_DOMAIN_DIR)];
}

const cache = new Map<string, Promise<ProjectPlan[]>>();

/** Evaluates every repository project for `stack` once per test file (the plans are read-only). */
export function planFor(stack: string, opts: Omit<EvaluateOptions, "stack"> = {}): Promise<ProjectPlan[]> {
  const key = `${stack}:${(opts.projects ?? []).map((p) => p.name).join(",")}`;
  if (!cache.has(key) || opts.configOverrides || opts.outputTransform) {
    const run = evaluateProjects({ stack, ...opts });
    if (opts.configOverrides || opts.outputTransform) return run;
    cache.set(key, run);
  }
  return cache.get(key)!;
}

/** The plan of one project, by name. */
export function planOf(plans: ProjectPlan[], project: string): ProjectPlan {
  const plan = plans.find((p) => p.project.name === project);
  if (!plan)
    throw new Error(`no plan for project ${project} (have ${plans.map((p) => p.project.name).join(", ")})`);
  return plan;
}

/** Custom resources of one type in a plan, with their inputs. */
export function resourcesOf(plan: ProjectPlan, type: string) {
  return plan.document.steps.filter((s) => s.newState.type === type).map((s) => s.newState);
}

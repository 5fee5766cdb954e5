import * as path from "node:path";
import { PLATFORM_PROJECT } from "../contracts/platform";
import { evaluateProjects, type EvaluateOptions, type ProjectPlan } from "./evaluate";
import { discoverProjects, type ProjectInfo, readProject } from "./projects";

/** The small domain project the harness tests use besides the repository's own projects. */
export const SAMPLE_DOMAIN_DIR = path.join(__dirname, "fixtures", "sample-domain");

/** Every project of the repository plus the sample domain fixture. */
export function projectsWithFixture(): ProjectInfo[] {
  return [...discoverProjects(), readProject(SAMPLE_DOMAIN_DIR)];
}

const cache = new Map<string, Promise<ProjectPlan[]>>();

/**
 * Evaluates every repository project for `stack` (read-only plans, shared by the test files of a run).
 * Without overrides the programs load through cmd/run's default path, type-checked as `pulumi
 * preview` loads them (harness/load.test.ts asserts it for every project and stack); with config
 * overrides or an output transform they are the same sources, so they skip the type check.
 */
export function planFor(stack: string, opts: Omit<EvaluateOptions, "stack"> = {}): Promise<ProjectPlan[]> {
  const key = `${stack}:${(opts.projects ?? []).map((p) => p.name).join(",")}`;
  if (opts.configOverrides || opts.outputTransform) {
    return evaluateProjects({ stack, loader: "transpile-only", ...opts });
  }
  if (!cache.has(key)) cache.set(key, evaluateProjects({ stack, loader: "cli-default", ...opts }));
  return cache.get(key)!;
}

/** The plan of one project, by name. */
export function planOf(plans: ProjectPlan[], project: string): ProjectPlan {
  const plan = plans.find((p) => p.project.name === project);
  if (!plan)
    throw new Error(`no plan for project ${project} (have ${plans.map((p) => p.project.name).join(", ")})`);
  return plan;
}

/** The repository's projects of these names (a plan of a few projects is quicker than of all). */
export function projectsNamed(names: readonly string[]): ProjectInfo[] {
  return discoverProjects().filter((p) => names.includes(p.name));
}

/** The one resource of `type` in a plan named `name` (the last URN segment); throws unless exactly one. */
export function theResource(plan: ProjectPlan, type: string, name: string) {
  const found = resourcesOf(plan, type).filter((r) => r.urn.endsWith(`::${name}`));
  if (found.length !== 1) {
    throw new Error(
      `${found.length} resources of type ${type} named ${name} in ${plan.project.name}, not one`,
    );
  }
  return found[0];
}

/** Custom resources of one type in a plan, with their inputs. */
export function resourcesOf(plan: ProjectPlan, type: string) {
  return plan.document.steps.filter((s) => s.newState.type === type).map((s) => s.newState);
}

/** The platform project alone (no domains), for tests of the platform's own resources. */
export async function platformPlan(
  stack: string,
  opts: Omit<EvaluateOptions, "stack" | "projects"> = {},
): Promise<ProjectPlan> {
  const root = discoverProjects().filter((p) => p.name === PLATFORM_PROJECT);
  return planOf(await planFor(stack, { ...opts, projects: root }), PLATFORM_PROJECT);
}

/** Resources of one type keyed by their id (EC2 ids, key ids...), to follow references between them. */
export function byId(plan: ProjectPlan, type: string) {
  return new Map(resourcesOf(plan, type).map((r) => [String(r.id), r]));
}

/** A policy-valued input (a JSON string in the plan), parsed. */
export function policyOf(input: unknown): { Statement: Record<string, unknown>[] } {
  return JSON.parse(String(input));
}

/**
 * The resource of `type` that `resource`'s input `property` was computed from, found through the
 * recorded property dependencies (as a policy pack matches them), or undefined.
 */
export function referencedBy(
  plan: ProjectPlan,
  resource: { propertyDependencies: Record<string, string[]> },
  property: string,
  type: string,
) {
  const urns = new Set(resource.propertyDependencies[property] ?? []);
  return resourcesOf(plan, type).find((r) => urns.has(r.urn));
}

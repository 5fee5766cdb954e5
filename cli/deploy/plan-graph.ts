import { evaluateProjects, type ProjectPlan } from "../../harness/evaluate";
import type { ProjectInfo } from "../../harness/projects";
import type { PlannedProject } from "./deploy";

/** Each project with the other projects whose stacks it read (`project/stack` references). */
export function plannedFrom(plans: readonly ProjectPlan[]): PlannedProject[] {
  return plans.map((p) => ({
    project: p.project,
    dependsOn: [...new Set(p.references.map((r) => r.split("/")[0]).filter((n) => n !== p.project.name))],
  }));
}

/**
 * The StackReference graph of an environment, from the offline plan: one source for the order of
 * `npm run plan`, `npm run deploy`, `npm run destroy` and Pulumi Deployments' webhooks.
 */
export async function plannedProjects(env: string, projects?: ProjectInfo[]): Promise<PlannedProject[]> {
  return plannedFrom(await evaluateProjects({ stack: env, projects }));
}

import { evaluateProjects } from "../../harness/evaluate";
import type { ProjectInfo } from "../../harness/projects";
import type { PlannedProject } from "./deploy";

/**
 * The StackReference graph of an environment, from the offline plan: one source for the order of
 * `npm run plan`, `npm run deploy` and `npm run destroy`.
 */
export async function plannedProjects(env: string, projects?: ProjectInfo[]): Promise<PlannedProject[]> {
  const plans = await evaluateProjects({ stack: env, projects });
  return plans.map((p) => ({
    project: p.project,
    dependsOn: [...new Set(p.references.map((r) => r.split("/")[0]).filter((n) => n !== p.project.name))],
  }));
}

/**
 * `npm run deployments:projects`: writes `stacks/deployments/projects.json`, the list of projects
 * Pulumi Deployments manages (directory, path filters, dependencies), so that the deployments
 * program reads a committed file instead of importing development tooling (the TypeScript compiler
 * API for the import closure, the offline plan for the StackReference graph). A test fails when the
 * committed file is stale; run this command after adding a project, an import or a reference.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../harness/projects";
import { parseCommandLine, runCommand } from "../args";

const USAGE =
  "usage: npm run deployments:projects   rewrites stacks/deployments/projects.json from the dev offline plan (no options)";
import type { PlannedProject } from "./deploy";
import { deploymentLevels } from "./order";
import { pathFilters } from "./paths";

/** Where the deployments program reads the projects from. */
export const DEPLOYMENT_PROJECTS_FILE = path.join(REPO_ROOT, "stacks", "deployments", "projects.json");

/** One project as `stacks/deployments/projects.json` describes it. */
export interface DeploymentProject {
  readonly name: string;
  /** Directory of its `Pulumi.yaml` relative to the repository root (`.` for the platform). */
  readonly repoDir: string;
  /** Every repository path whose change can change what the project deploys. */
  readonly paths: string[];
  /** Projects whose stacks it reads (StackReferences of the offline plan), in deployment order. */
  readonly dependsOn: string[];
}

/** The projects in deployment order (levels of the StackReference graph, names sorted inside a level). */
export function deploymentProjects(
  planned: readonly PlannedProject[],
  root = REPO_ROOT,
): DeploymentProject[] {
  const levels = deploymentLevels(planned.map((p) => ({ name: p.project.name, dependsOn: p.dependsOn })));
  const order = levels.flat();
  const byName = new Map(planned.map((p) => [p.project.name, p]));
  return order.map((name) => {
    const p = byName.get(name)!;
    return {
      name,
      repoDir: path.relative(root, p.project.dir) || ".",
      paths: pathFilters(p.project, root),
      dependsOn: [...p.dependsOn].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    };
  });
}

/** The file's text: JSON formatted as the repository's prettier configuration wants it. */
export async function formatDeploymentProjects(projects: readonly DeploymentProject[]): Promise<string> {
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(DEPLOYMENT_PROJECTS_FILE)) ?? {};
  return prettier.format(JSON.stringify(projects), { ...options, filepath: DEPLOYMENT_PROJECTS_FILE });
}

if (require.main === module) {
  runCommand(async () => {
    // No options: anything given is a mistake, reported before the plan is evaluated.
    const { values } = parseCommandLine({ options: { help: { type: "boolean" } } }, USAGE);
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const { plannedProjects } = await import("./plan-graph");
    const projects = deploymentProjects(await plannedProjects("dev"));
    fs.writeFileSync(DEPLOYMENT_PROJECTS_FILE, await formatDeploymentProjects(projects));
    console.log(`wrote ${path.relative(REPO_ROOT, DEPLOYMENT_PROJECTS_FILE)} (${projects.length} projects)`);
    return 0;
  });
}

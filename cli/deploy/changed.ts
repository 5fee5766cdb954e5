/**
 * `npm run changed -- [--base <git ref>]`: prints, as JSON (`[{project, dir}]`), the projects a change touches (by the
 * same path filters Pulumi Deployments uses), for the pull-request workflow's preview matrix.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parseCommandLine, runCommand, UsageError } from "../args";
import { discoverProjects, REPO_ROOT } from "../../harness/projects";
import { changedProjects } from "./paths";

const USAGE = `usage: npm run changed -- [--base <git ref>]   (default origin/main)
    prints [{project, dir}] of the projects whose files differ between the merge base of <ref> and HEAD`;

/** The commit `ref` names, or a `UsageError` saying it does not exist here. */
export function resolveRef(ref: string, cwd = REPO_ROOT): string {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    throw new UsageError(
      `--base ${ref}: no such commit, branch or tag in this clone (fetch it first, e.g. git fetch origin main)\n${USAGE}`,
    );
  }
}

async function main(): Promise<number> {
  const { values } = parseCommandLine(
    { options: { base: { type: "string", default: "origin/main" }, help: { type: "boolean" } } },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  resolveRef(values.base);
  const diff = execFileSync("git", ["diff", "--name-only", `${values.base}...HEAD`, "--"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  const files = diff.split("\n").filter(Boolean);
  const projects = discoverProjects();
  const changed = changedProjects(projects, files).map((name) => {
    const dir = path.relative(REPO_ROOT, projects.find((p) => p.name === name)!.dir) || ".";
    return { project: name, dir };
  });
  console.log(JSON.stringify(changed));
  return 0;
}

if (require.main === module) runCommand(main);

/**
 * `npm run changed -- [--base <git ref>]`: prints, as JSON (`[{project, dir}]`), the projects a change touches (by the
 * same path filters Pulumi Deployments uses), for the pull-request workflow's preview matrix.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import * as path from "node:path";
import { discoverProjects, REPO_ROOT } from "../../harness/projects";
import { changedProjects } from "./paths";

const { values } = parseArgs({ options: { base: { type: "string", default: "origin/main" } } });
const diff = execFileSync("git", ["diff", "--name-only", `${values.base}...HEAD`], {
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

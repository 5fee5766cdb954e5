import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { REPO_ROOT, type ProjectInfo } from "../../harness/projects";

/** Files every project's deployment depends on besides its own sources. */
const ALWAYS = ["package.json", "package-lock.json", "tsconfig.json"];

function resolveLocal(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, path.join(base, "index.ts"), `${base}.json`]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Every repository file a program loads, following relative `import`s and `require()` calls (the
 * inline Lambda factories `require()` runtime modules) from the entry point. Packages are left out:
 * they change only through `package-lock.json`.
 */
export function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.[jt]s$/.test(file)) continue;
    const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith(".")) continue;
      const resolved = resolveLocal(file, ref.fileName);
      if (resolved) queue.push(resolved);
    }
  }
  return [...seen].sort();
}

/**
 * Path filters for a project's deployment trigger: its own directory (or, for the platform at the
 * root, its own root files), the directories of every shared file it loads, and the lock file. A
 * change to one domain therefore triggers only that domain; a change to a shared component
 * triggers every project that loads it.
 */
export function pathFilters(project: ProjectInfo, root = REPO_ROOT): string[] {
  const filters = new Set<string>(ALWAYS);
  const projectDir = path.relative(root, project.dir);
  if (projectDir) {
    filters.add(`${projectDir}/**`);
  } else {
    for (const f of fs.readdirSync(root)) if (/^Pulumi(\.[\w-]+)?\.yaml$/.test(f)) filters.add(f);
  }
  for (const file of importClosure(project.main)) {
    const rel = path.relative(root, file);
    if (projectDir && rel.startsWith(`${projectDir}/`)) continue;
    const dir = path.dirname(rel);
    filters.add(dir === "." ? rel : `${dir}/**`);
  }
  return [...filters].sort();
}

/** Whether `file` (repository-relative) matches one of the filters `pathFilters` produces. */
export function matchesFilter(file: string, filters: readonly string[]): boolean {
  return filters.some((f) => (f.endsWith("/**") ? file.startsWith(f.slice(0, -2)) : file === f));
}

/** The projects whose filters match any of the changed files (what a push would deploy). */
export function changedProjects(
  projects: readonly ProjectInfo[],
  changedFiles: readonly string[],
  root = REPO_ROOT,
): string[] {
  return projects
    .filter((p) => changedFiles.some((f) => matchesFilter(f, pathFilters(p, root))))
    .map((p) => p.name);
}

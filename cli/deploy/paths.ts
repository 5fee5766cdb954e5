import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { REPO_ROOT, type ProjectInfo } from "../../harness/projects";
import { discoverDomains } from "../../runtime/schemas/discovery";

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
 * `closure` plus, when it loads domain discovery (`runtime/schemas/discovery.ts`), every domain's
 * `schema.ts` and what it imports: the registry `require`s them by a computed path, the Lambda
 * bundle compiles all of them in (a change to any domain's schema changes every streaming
 * function's package), and the platform's LF-tag values and the API's routes list them.
 */
export function withDomainSchemas(closure: readonly string[], root = REPO_ROOT): string[] {
  const discovery = path.join(root, "runtime", "schemas", "discovery.ts");
  if (!closure.includes(discovery)) return [...closure];
  const all = new Set(closure);
  for (const domain of discoverDomains(root)) for (const f of importClosure(domain.schemaFile)) all.add(f);
  return [...all].sort();
}

/**
 * Repository paths a program reads at run time rather than imports: `path.join(__dirname, "..",
 * "sql")`-style expressions (`join` or `resolve` from `__dirname` with string literals) in `file`.
 * Only the leading literal segments count, so `path.join(__dirname, "policies", \`${env}.json\`)`
 * yields the `policies` folder. Returns absolute paths that exist.
 */
export function runtimeReads(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const found = new Set<string>();
  for (const m of text.matchAll(/path\.(?:join|resolve)\(\s*__dirname((?:\s*,\s*"[^"]*")+)/g)) {
    const segments = [...m[1].matchAll(/"([^"]*)"/g)].map((s) => s[1]);
    const target = path.resolve(path.dirname(file), ...segments);
    if (fs.existsSync(target)) found.add(target);
  }
  return [...found].sort();
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
  const closure = withDomainSchemas(importClosure(project.main), root);
  for (const file of closure) {
    const rel = path.relative(root, file);
    if (projectDir && rel.startsWith(`${projectDir}/`)) continue;
    // Another domain's schema is one file of its folder, not the folder (see withDomainSchemas).
    if (rel.startsWith("stacks/")) {
      filters.add(rel);
      continue;
    }
    const dir = path.dirname(rel);
    filters.add(dir === "." ? rel : `${dir}/**`);
  }
  // Files read at run time (SQL templates, job scripts, the Docker context, policy configuration).
  for (const target of closure.filter((f) => /\.ts$/.test(f)).flatMap(runtimeReads)) {
    const rel = path.relative(root, target);
    if (rel.startsWith("..") || (projectDir && rel.startsWith(`${projectDir}/`))) continue;
    if (rel === "") continue; // the repository root itself (a Docker context): its files are listed above
    filters.add(fs.statSync(target).isDirectory() ? `${rel}/**` : rel);
  }
  // Drop filters another `dir/**` filter already covers.
  return [...filters]
    .filter(
      (f) =>
        ![...filters].some(
          (g) => g !== f && g.endsWith("/**") && matchesFilter(f.replace(/\/\*\*$/, "/x"), [g]),
        ),
    )
    .sort();
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

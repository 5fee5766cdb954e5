/**
 * The stack files (`Pulumi.<stack>.yaml`) of every project, read before a command evaluates anything:
 * a YAML error names the file and line (thrown by `readYaml`), and what Pulumi would pass on
 * silently — an empty file, a key under a namespace no project or provider reads
 * (`data-platfrom:owner`) — comes back as warnings naming the file, the line and the key.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  namespaceWarnings,
  PLATFORM_NAMESPACE,
  PROGRAM_NAMESPACES,
  PROVIDER_NAMESPACES,
} from "../config/load";
import { discoverProjects, displayPath, type ProjectInfo, readProject, readYaml } from "../harness/projects";

/** Namespaces the repository's programs and providers read: every project's name and the providers'. */
export function knownNamespaces(projects: readonly ProjectInfo[]): string[] {
  return [
    ...new Set([
      PLATFORM_NAMESPACE,
      ...projects.map((p) => p.name),
      ...PROVIDER_NAMESPACES,
      ...PROGRAM_NAMESPACES,
    ]),
  ];
}

/** The 1-based line of `key:` in a stack file's text, if it can be found. */
function lineOf(text: string, key: string): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`^\\s*["']?${escaped}["']?\\s*:`);
  const i = text.split("\n").findIndex((l) => re.test(l));
  return i < 0 ? undefined : i + 1;
}

/** Warnings for one stack file (throws on a YAML error, naming the file and the line). */
export function stackFileWarnings(file: string, known: readonly string[]): string[] {
  const rel = displayPath(file);
  const doc = readYaml(file);
  if (doc === undefined || doc === null)
    return [`${rel} is empty: the stack gets no configuration from it (Pulumi accepts it; was that meant?)`];
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new Error(`${rel}: a stack file is a mapping with a \`config:\` key`);
  const config = (doc as { config?: unknown }).config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config))
    throw new Error(`${rel}: \`config:\` must be a mapping of keys to values`);
  const text = fs.readFileSync(file, "utf8");
  const keys = Object.keys(config);
  return namespaceWarnings(keys, known).map((w, i) => {
    const key = keys.filter((k) => k.includes(":") && !known.includes(k.slice(0, k.indexOf(":"))))[i];
    const line = key ? lineOf(text, key) : undefined;
    return `${rel}${line ? `:${line}` : ""}: ${w}`;
  });
}

/**
 * Stacks `npm run plan -- --env <stack>` accepts: every `Pulumi.<stack>.yaml` of the platform project
 * (the first of `projects`).
 */
export function knownStacks(projects: readonly ProjectInfo[] = discoverProjects()): string[] {
  return fs
    .readdirSync(projects[0].dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Warnings for the `Pulumi.<stack>.yaml` of every project that has one. */
export function checkStackFiles(
  stack: string,
  projects: readonly ProjectInfo[] = discoverProjects(),
): string[] {
  const known = knownNamespaces(projects);
  return projects.flatMap((p) => {
    const file = path.join(p.dir, `Pulumi.${stack}.yaml`);
    return fs.existsSync(file) ? stackFileWarnings(file, known) : [];
  });
}

/**
 * The projects of the local run: every project of the repository, or — for tests and trying a
 * fixture — the project directories listed in `PLATFORM_LOCAL_PROJECTS` (separated by the path
 * delimiter) or given with `--project-dir`. Reads only the `Pulumi.yaml` files.
 */
export function localProjects(dirs: readonly string[] = []): ProjectInfo[] {
  const fromEnv = (process.env.PLATFORM_LOCAL_PROJECTS ?? "").split(path.delimiter).filter(Boolean);
  const all = [...dirs, ...fromEnv];
  return all.length ? all.map((d) => readProject(path.resolve(d))) : discoverProjects();
}

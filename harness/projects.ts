import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";

/** Repository root: the platform project's directory. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** One Pulumi project of the repository (the platform at the root, or a domain under `stacks/`). */
export interface ProjectInfo {
  readonly name: string;
  readonly dir: string;
  /** Absolute path of the program entry point. */
  readonly main: string;
  readonly file: string;
}

interface ProjectFile {
  name: string;
  runtime: unknown;
  main?: string;
  config?: Record<string, unknown>;
}

function readYaml(file: string): unknown {
  return yaml.load(fs.readFileSync(file, "utf8"));
}

export function readProject(projectDir: string): ProjectInfo {
  // Workers change into the project directory, so every path handed on is absolute.
  const dir = path.resolve(projectDir);
  const file = path.join(dir, "Pulumi.yaml");
  const doc = readYaml(file) as ProjectFile;
  if (!doc || typeof doc.name !== "string") throw new Error(`${file}: no project name`);
  const main = path.resolve(dir, doc.main ?? "index.ts");
  const entry = fs.existsSync(main) && fs.statSync(main).isDirectory() ? path.join(main, "index.ts") : main;
  return { name: doc.name, dir, main: entry, file };
}

/** The platform project at the root plus every `stacks/<domain>/Pulumi.yaml`, platform first. */
export function discoverProjects(root = REPO_ROOT, extraDirs: string[] = []): ProjectInfo[] {
  const dirs = [root];
  const stacksDir = path.join(root, "stacks");
  if (fs.existsSync(stacksDir)) {
    for (const d of fs.readdirSync(stacksDir).sort()) {
      if (fs.existsSync(path.join(stacksDir, d, "Pulumi.yaml"))) dirs.push(path.join(stacksDir, d));
    }
  }
  return [...dirs, ...extraDirs].map(readProject);
}

function encode(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * The flat configuration Pulumi hands a program for `stack`: project-level defaults from
 * `Pulumi.yaml`, then `Pulumi.<stack>.yaml`. Keys without a namespace get the project's.
 * Secure values cannot be decrypted offline and become the placeholder `[secret]`.
 */
export function stackConfig(project: ProjectInfo, stack: string): Record<string, string> {
  const out: Record<string, string> = {};
  const qualify = (k: string) => (k.includes(":") ? k : `${project.name}:${k}`);
  const doc = readYaml(project.file) as ProjectFile;
  for (const [k, v] of Object.entries(doc.config ?? {})) {
    const value =
      v !== null && typeof v === "object" && "default" in v ? (v as { default: unknown }).default : v;
    if (value !== null && typeof value === "object" && "type" in (value as object)) continue;
    if (value !== undefined) out[qualify(k)] = encode(value);
  }
  const stackFile = path.join(project.dir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile)) {
    throw new Error(
      `project ${project.name} has no stack "${stack}" (missing ${path.relative(REPO_ROOT, stackFile)})`,
    );
  }
  const stackDoc = (readYaml(stackFile) ?? {}) as { config?: Record<string, unknown> };
  for (const [k, v] of Object.entries(stackDoc.config ?? {})) {
    const secure = v !== null && typeof v === "object" && "secure" in (v as object);
    out[qualify(k)] = secure ? "[secret]" : encode(v);
  }
  return out;
}

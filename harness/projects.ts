import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { ConfigFileError } from "../config/errors";

/** Repository root: the platform project's directory. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/**
 * The `runtime.options` of a Node.js project that decide how the language host starts the program
 * (pulumi-language-nodejs `parseOptions`): `typescript` (default true: `cmd/run` registers ts-node),
 * `tsconfig` (passed as `PULUMI_NODEJS_TSCONFIG_PATH`, relative to the program directory; default: a
 * `tsconfig.json` in that directory if there is one, else ts-node's defaults) and `nodeargs` (extra
 * arguments of the `node` process).
 */
export interface RuntimeOptions {
  readonly typescript: boolean;
  readonly tsconfig?: string;
  readonly nodeargs?: string;
}

/** One Pulumi project of the repository (the platform at the root, or a domain under `stacks/`). */
export interface ProjectInfo {
  readonly name: string;
  readonly dir: string;
  /** Absolute path of the program entry point. */
  readonly main: string;
  /**
   * The entry point as the engine passes it to `cmd/run`: `main` as written, or `.` when absent.
   * Set by `readProject`; see `loaderOptions` for hand-made values without it.
   */
  readonly entryPoint?: string;
  /** `runtime.options` of Pulumi.yaml. Set by `readProject`; see `loaderOptions`. */
  readonly runtime?: RuntimeOptions;
  readonly file: string;
}

interface ProjectFile {
  name: string;
  runtime: unknown;
  main?: string;
  config?: Record<string, unknown>;
}

/** The runtime options of a `Pulumi.yaml` `runtime` entry (a string or `{ name, options }`). */
export function runtimeOptions(file: string, runtime: unknown): RuntimeOptions {
  const options =
    runtime !== null && typeof runtime === "object" && "options" in runtime
      ? ((runtime as { options?: Record<string, unknown> }).options ?? {})
      : {};
  const { typescript = true, tsconfig, nodeargs } = options;
  const wrong = (key: string, value: unknown, allowed: string) =>
    new Error(`${file}: runtime.options.${key} = ${JSON.stringify(value)}: ${allowed}`);
  if (typeof typescript !== "boolean") throw wrong("typescript", typescript, "true or false");
  if (tsconfig !== undefined && typeof tsconfig !== "string")
    throw wrong("tsconfig", tsconfig, "a path relative to the project folder");
  if (nodeargs !== undefined && typeof nodeargs !== "string")
    throw wrong("nodeargs", nodeargs, "a string of node arguments");
  return { typescript, ...(tsconfig ? { tsconfig } : {}), ...(nodeargs ? { nodeargs } : {}) };
}

/** A path as messages show it: relative to the working directory when inside it, else absolute. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/**
 * A YAML file's document; undefined when it holds none (empty, or comments only: Pulumi reads such a
 * stack file as no configuration). A syntax error names the file and the line:
 * `stacks/orders/Pulumi.dev.yaml:3:2: bad indentation of a mapping entry` and the lines around it.
 */
export function readYaml(file: string): unknown {
  const text = fs.readFileSync(file, "utf8");
  try {
    return yaml.load(text, { filename: file });
  } catch (e) {
    if (!(e instanceof yaml.YAMLException)) throw e;
    if (/the input is empty/.test(e.reason ?? "")) return undefined;
    const where = e.mark ? `:${e.mark.line + 1}:${e.mark.column + 1}` : "";
    const snippet = e.mark?.snippet ? `\n${e.mark.snippet}` : "";
    throw new ConfigFileError(file, `${displayPath(file)}${where}: ${e.reason}${snippet}`, { cause: e });
  }
}

export function readProject(projectDir: string): ProjectInfo {
  // Workers change into the project directory, so every path handed on is absolute.
  const dir = path.resolve(projectDir);
  const file = path.join(dir, "Pulumi.yaml");
  const doc = readYaml(file) as ProjectFile;
  if (!doc || typeof doc.name !== "string") throw new Error(`${file}: no project name`);
  const main = path.resolve(dir, doc.main ?? "index.ts");
  const entry = fs.existsSync(main) && fs.statSync(main).isDirectory() ? path.join(main, "index.ts") : main;
  return {
    name: doc.name,
    dir,
    main: entry,
    entryPoint: doc.main ?? ".",
    runtime: runtimeOptions(file, doc.runtime),
    file,
  };
}

/**
 * How cmd/run loads a project: its entry point and runtime options, read from its Pulumi.yaml when
 * the ProjectInfo was built by hand without them.
 */
export function loaderOptions(project: ProjectInfo): { entryPoint: string; runtime: RuntimeOptions } {
  if (project.entryPoint !== undefined && project.runtime) {
    return { entryPoint: project.entryPoint, runtime: project.runtime };
  }
  const read = fs.existsSync(project.file) ? readProject(project.dir) : undefined;
  return {
    entryPoint: project.entryPoint ?? read?.entryPoint ?? path.relative(project.dir, project.main),
    runtime: project.runtime ?? read?.runtime ?? { typescript: true },
  };
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

/**
 * How the Pulumi CLI starts a Node.js program, replayed for the offline plan.
 *
 * The Node.js language host (pulumi-language-nodejs `Run`) spawns
 * `node <nodeargs> @pulumi/pulumi/cmd/run --project … --stack … --pwd <program dir> [--dry-run] <entry>`
 * with `PULUMI_CONFIG` (keys as `<namespace>:config:<name>`), `PULUMI_CONFIG_SECRET_KEYS`,
 * `PULUMI_NODEJS_TYPESCRIPT=true` unless `runtime.options.typescript` is false, and
 * `PULUMI_NODEJS_TSCONFIG_PATH` when `runtime.options.tsconfig` is set. `cmd/run/run.js` then registers
 * its ts-node with that tsconfig (or none: `skipProject` when the file is absent) and loads the entry.
 *
 * The worker process built here gets the same node arguments, environment and working directory, and
 * calls the SDK's own `cmd/run/run.js` `run()`; only the resource monitor is the harness's mock.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import type { RuntimeOptions } from "./projects";

/** Where the harness's compiled worker lives: inside node_modules so its packages resolve as the program's. */
const CACHE_ROOT = path.resolve(__dirname, "..", "node_modules", ".cache", "dataplatform-harness");

/**
 * Splits `runtime.options.nodeargs` the way the language host does (`shlex.Split`): whitespace
 * separates words, single quotes keep everything, double quotes and backslashes escape.
 */
export function splitNodeArgs(line: string | undefined): string[] {
  const words: string[] = [];
  if (!line) return words;
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (c === "\\" && i + 1 < line.length && (quote === undefined || /["\\$`]/.test(line[i + 1]))) {
      word = (word ?? "") + line[++i];
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) throw new Error(`nodeargs ${JSON.stringify(line)}: unclosed ${quote} quote`);
  if (word !== undefined) words.push(word);
  return words;
}

/** `namespace:key` → `namespace:config:key`, the form the language host writes into `PULUMI_CONFIG`. */
export function languageHostConfig(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const i = key.indexOf(":");
    out[i > 0 ? `${key.slice(0, i)}:config:${key.slice(i + 1)}` : key] = value;
  }
  return out;
}

export interface HostEnvOptions {
  readonly project: string;
  readonly stack: string;
  readonly organization: string;
  readonly config: Record<string, string>;
  /** Config keys Pulumi would decrypt (`secure:` values); their values arrive as secrets. */
  readonly secretKeys?: string[];
  readonly runtime: RuntimeOptions;
  /**
   * `PULUMI_NODEJS_TRANSPILE_ONLY`: true skips ts-node's type check, false forces it; undefined leaves
   * the CLI's default (type-check unless the tsconfig sets `noCheck`).
   */
  readonly transpileOnly?: boolean;
}

/** The environment the language host gives `cmd/run` for a preview (`pulumi preview`). */
export function languageHostEnv(
  opts: HostEnvOptions,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // Never inherit the choices a surrounding shell or test runner may have made.
  for (const key of Object.keys(env)) {
    if (key.startsWith("PULUMI_NODEJS_") || key === "PULUMI_CONFIG" || key === "PULUMI_CONFIG_SECRET_KEYS")
      delete env[key];
    if (key.startsWith("TS_NODE_")) delete env[key];
  }
  // jest's transform and tsx hooks must not reach the program: the CLI runs plain `node`.
  delete env.NODE_OPTIONS;
  Object.assign(env, {
    PULUMI_CONFIG: JSON.stringify(languageHostConfig(opts.config)),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(opts.secretKeys ?? []),
    // What cmd/run/index.js copies from its flags before calling run().
    PULUMI_NODEJS_ORGANIZATION: opts.organization,
    PULUMI_NODEJS_PROJECT: opts.project,
    PULUMI_NODEJS_STACK: opts.stack,
    PULUMI_NODEJS_DRY_RUN: "true",
  });
  if (opts.runtime.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (opts.runtime.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = opts.runtime.tsconfig;
  if (opts.transpileOnly !== undefined) env.PULUMI_NODEJS_TRANSPILE_ONLY = String(opts.transpileOnly);
  return env;
}

/** The harness modules a file imports by relative path (the worker's closure). */
function relativeImports(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith("."))
    .map((name) => {
      const base = path.resolve(path.dirname(file), name);
      const found = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
      if (!found) throw new Error(`${file}: cannot resolve ${name}`);
      return found;
    });
}

const compiled = new Map<string, string>();

/**
 * The worker as plain CommonJS, so its process starts with no TypeScript loader at all and the only
 * one registered is the ts-node that `cmd/run` sets up for the program. Compiled with TypeScript's
 * `transpileModule` under the root tsconfig's options into node_modules/.cache (keyed by content), and
 * written atomically: parallel test workers may compile at once.
 */
export function compiledWorker(entry = path.join(__dirname, "worker.ts")): string {
  const known = compiled.get(entry);
  if (known && fs.existsSync(known)) return known;
  const root = path.resolve(__dirname, "..");
  const files: string[] = [];
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    queue.push(...relativeImports(file));
  }
  files.sort();
  const hash = createHash("sha256");
  for (const f of files) hash.update(f).update(fs.readFileSync(f));
  const dir = path.join(CACHE_ROOT, hash.digest("hex").slice(0, 16));
  const out = (f: string) => path.join(dir, path.relative(root, f)).replace(/\.ts$/, ".js");
  if (!fs.existsSync(out(entry))) {
    const tmp = `${dir}.${process.pid}.${Date.now()}`;
    const compilerOptions: ts.CompilerOptions = {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
    };
    for (const f of files) {
      const target = path.join(tmp, path.relative(root, f)).replace(/\.ts$/, ".js");
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const js = ts.transpileModule(fs.readFileSync(f, "utf8"), { compilerOptions, fileName: f }).outputText;
      fs.writeFileSync(target, js);
    }
    try {
      fs.renameSync(tmp, dir);
    } catch {
      // Another process won the race: its copy is identical.
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  compiled.set(entry, out(entry));
  return out(entry);
}

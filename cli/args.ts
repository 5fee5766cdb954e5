/**
 * What every command of the repository does with its command line before any real work: parse the
 * options (`node:util.parseArgs`), check each value (numbers, paths, names) and stop a user's mistake
 * with a message, the usage and exit code 2 — never a stack trace, and never after evaluating a plan
 * (a minute or more). `runCommand` is the one place that turns errors into exit codes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./local/errors";

export { UsageError };

/** The parse result `node:util.parseArgs` types for `config`. */
export type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** The readable part of Node's `ERR_PARSE_ARGS_*` messages. */
function parseArgsMessage(e: Error & { code?: string }): string {
  const unknown = /^Unknown option '([^']+)'/.exec(e.message);
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown) return `unknown option ${unknown[1]}`;
  const missing = /^Option '([^']+?)(?: <value>)?' argument missing/.exec(e.message);
  if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && missing) return `${missing[1]} needs a value`;
  const positional = /^Unexpected argument '([^']+)'/.exec(e.message);
  if (e.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && positional)
    return `unexpected argument ${positional[1]} (this command takes options only)`;
  return e.message;
}

/**
 * `parseArgs` (strict) whose errors — an unknown option, a missing value, an unexpected argument —
 * are a `UsageError` with `usage` appended (exit 2).
 *
 * @example
 * const { values } = parseCommandLine({ args: argv, options: { env: { type: "string" } } }, USAGE);
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, usage: string): Parsed<T> {
  try {
    return parseArgs(config);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (typeof err.code === "string" && err.code.startsWith("ERR_PARSE_ARGS_")) {
      throw new UsageError(`${parseArgsMessage(err)}\n${usage}`);
    }
    throw e;
  }
}

/** An integer option within `[min, max]`, `fallback` when not given. */
export function integerOption(
  flag: string,
  value: string | undefined,
  range: { readonly min: number; readonly max?: number },
  fallback: number,
): number;
export function integerOption(
  flag: string,
  value: string | undefined,
  range: { readonly min: number; readonly max?: number },
): number | undefined;
export function integerOption(
  flag: string,
  value: string | undefined,
  range: { readonly min: number; readonly max?: number },
  fallback?: number,
): number | undefined {
  if (value === undefined) return fallback;
  const n = /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(n) || n < range.min || n > max) {
    const allowed =
      range.max === undefined ? `an integer ≥ ${range.min}` : `an integer from ${range.min} to ${range.max}`;
    throw new UsageError(
      `--${flag} ${JSON.stringify(value)}: ${allowed}${fallback === undefined ? "" : ` (default ${fallback})`}`,
    );
  }
  return n;
}

/** One of `allowed`. */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${flag} ${JSON.stringify(value)}: one of ${allowed.join(", ")}`);
  return value as T;
}

/** An existing, readable regular file (not a directory). Returns the absolute path. */
export function existingFile(flag: string, value: string): string {
  const file = path.resolve(value);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UsageError(`--${flag} ${value}: no such file`);
  }
  if (stat.isDirectory()) throw new UsageError(`--${flag} ${value}: is a directory; give a file`);
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    throw new UsageError(`--${flag} ${value}: not readable`);
  }
  return file;
}

/** An existing directory. Returns the absolute path. */
export function existingDirectory(flag: string, value: string): string {
  const dir = path.resolve(value);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new UsageError(`--${flag} ${value}: no such directory`);
  }
  if (!stat.isDirectory()) throw new UsageError(`--${flag} ${value}: not a directory`);
  return dir;
}

/** Directories given with `--project-dir`: each must hold a `Pulumi.yaml`. */
export function projectDirectories(flag: string, values: readonly string[] | undefined): string[] {
  return (values ?? []).map((v) => {
    const dir = existingDirectory(flag, v);
    if (!fs.existsSync(path.join(dir, "Pulumi.yaml")))
      throw new UsageError(`--${flag} ${v}: no Pulumi.yaml there (a Pulumi project directory is expected)`);
    return dir;
  });
}

/** An output path (file or directory to create): its parent must not be a file. */
export function outputDirectory(flag: string, value: string): string {
  const dir = path.resolve(value);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
    throw new UsageError(`--${flag} ${value}: is a file; give a directory`);
  return dir;
}

/**
 * The data-product domains the local commands accept (`runtime/schemas`, cheap: nothing is
 * evaluated). `--domain` must be one of them.
 */
export function knownDomain(flag: string, value: string, domains: readonly string[]): string {
  if (!domains.includes(value))
    throw new UsageError(
      `--${flag} ${JSON.stringify(value)}: no such domain (known: ${domains.join(", ")}; a domain is a stacks/<name>/ folder with a schema.ts, npm run new-domain scaffolds one)`,
    );
  return value;
}

/**
 * A mistake a user can fix (exit 2), the message being the whole answer: a command line
 * (`UsageError`), a missing tool (`PrerequisiteError`), a `Pulumi*.yaml` that does not parse
 * (`ConfigFileError`, naming the file and line).
 */
export function isUserMistake(e: unknown): e is Error {
  return (
    e instanceof UsageError ||
    (e instanceof Error && (e.name === "PrerequisiteError" || e.name === "ConfigFileError"))
  );
}

/**
 * Runs a command's `main` and exits: its exit code, or 2 with the message for a user's mistake
 * (`UsageError`), or 1 with the message of any other error. The stack only with `DEBUG=1`.
 */
export function runCommand(
  main: () => Promise<number | void>,
  opts: { readonly plainErrors?: (e: Error) => boolean } = {},
): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (e: unknown) => {
      const debug = Boolean(process.env.DEBUG);
      if (isUserMistake(e)) {
        process.stderr.write(`${debug ? (e.stack ?? e.message) : e.message}\n`);
        process.exit(2);
      }
      if (e instanceof Error && !debug) {
        const hint = opts.plainErrors?.(e) ? "" : "\n(DEBUG=1 shows where it was raised)";
        process.stderr.write(`${e.message}${hint}\n`);
      } else {
        process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      }
      process.exit(1);
    },
  );
}

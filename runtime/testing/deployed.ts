import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import {
  buildRuntimeBundle,
  functionArchive,
  INLINE_FUNCTIONS,
  type ArchiveEntry,
  type InlineFunctionKind,
} from "../lambda/packaging";
import { listFiles, writeZip } from "./zip";

/*
 * The deployment package of an inline function as files: what `aws.lambda.CallbackFunction`
 * uploads (`functionArchive`, the same archive the plan records in `code`), written to a folder
 * and zipped, for the tests, the benchmark, `npm run package-size` and `npm run local`.
 */

export type FactoryName = InlineFunctionKind;
export const FACTORIES = INLINE_FUNCTIONS;

export interface BuiltPackage {
  readonly factory: FactoryName;
  readonly dir: string;
  readonly zipFile: string;
  /** Archive paths, sorted. */
  readonly entries: string[];
  readonly serializedBytes: number;
  readonly bundleBytes: number;
  readonly bundledPackages: string[];
  readonly files: number;
  readonly unzippedBytes: number;
  readonly zipBytes: number;
}

/**
 * Writes archive entries into `dir`: text entries as files, path entries copied from `fromDir`
 * (the program's working directory, which the paths are relative to). Throws on a path that would
 * leave `dir` or that does not exist.
 */
export function writePackage(
  entries: Record<string, ArchiveEntry>,
  fromDir: string,
  dir: string,
  label = dir,
): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [entry, content] of Object.entries(entries)) {
    const target = path.resolve(dir, entry);
    if (!target.startsWith(path.resolve(dir) + path.sep))
      throw new Error(`${label}: archive entry ${entry} escapes the package`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if ("text" in content) fs.writeFileSync(target, content.text);
    else {
      const source = path.resolve(fromDir, content.path);
      if (!fs.existsSync(source)) throw new Error(`${label}: packaged path ${content.path} does not exist`);
      fs.cpSync(source, target, { recursive: true, dereference: true });
    }
  }
}

/**
 * Builds the package of `kind` exactly as `CallbackFunction` uploads it, writes it to `dir` and
 * `dir`.zip, and measures it. The working directory is the program's (the bundle goes to
 * `<cwd>/.lambda/runtime.js`).
 */
export async function buildFunctionPackage(kind: FactoryName, dir: string): Promise<BuiltPackage> {
  const bundle = buildRuntimeBundle();
  const entries = await functionArchive(kind);
  writePackage(entries, process.cwd(), dir, kind);
  const files = listFiles(dir);
  const unzippedBytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  const zipFile = `${dir}.zip`;
  const zipBytes = writeZip(dir, files, zipFile);
  const index = entries["__index.js"];
  return {
    factory: kind,
    dir,
    zipFile,
    entries: Object.keys(entries).sort(),
    serializedBytes: "text" in index ? Buffer.byteLength(index.text) : 0,
    bundleBytes: bundle.bytes,
    bundledPackages: bundle.bundledPackages,
    files: files.length,
    unzippedBytes,
    zipBytes,
  };
}

/**
 * The packages the Lambda Node.js runtime provides (AWS SDK v3 and its dependencies), resolved
 * from this repository and linked into `<dir>/node_modules`, for `NODE_PATH` in a fresh process:
 * the same place `/var/runtime/node_modules` has in Lambda. Nothing else is linked, so a package
 * missing from the deployment package fails to load.
 */
export function linkProvidedSdk(dir: string, roots: readonly string[]): string[] {
  const nm = path.join(dir, "node_modules");
  fs.mkdirSync(nm, { recursive: true });
  const seen = new Set<string>();
  const visit = (name: string, from: string) => {
    let pkgJson: string;
    try {
      pkgJson = require.resolve(`${name}/package.json`, { paths: [from] });
    } catch {
      return; // optional or platform-specific dependency that is not installed
    }
    const pkgDir = path.dirname(pkgJson);
    if (seen.has(pkgDir)) return;
    seen.add(pkgDir);
    const target = path.join(nm, name);
    if (!fs.existsSync(target)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.symlinkSync(pkgDir, target, "dir");
    }
    const meta = JSON.parse(fs.readFileSync(pkgJson, "utf8")) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(meta.dependencies ?? {})) visit(dep, pkgDir);
  };
  for (const r of roots) visit(r, path.resolve(__dirname, "..", ".."));
  return [...seen];
}

/** The SDK clients the runtime's factories create: what `linkProvidedSdk` must provide. */
export const RUNTIME_SDK_CLIENTS = [
  "@aws-sdk/client-dynamodb",
  "@aws-sdk/client-firehose",
  "@aws-sdk/client-s3",
  "@aws-sdk/client-sagemaker-featurestore-runtime",
] as const;

/** What one fresh process that loaded a package did: its cold start, each invocation, its output. */
export interface PackageRun {
  /** The cold-start error (`name: message`) when loading `__index.js` threw. */
  readonly initError?: string;
  readonly results: ({ ok: true; value: unknown } | { ok: false; error: string })[];
  /** Lines of standard output that are JSON objects (logs, EMF metrics). */
  readonly lines: Record<string, unknown>[];
  /** Lines of standard error that are JSON objects (Powertools writes `ERROR` logs there; Lambda keeps both). */
  readonly stderrLines: Record<string, unknown>[];
  /** Wall-clock milliseconds of each invocation (from the handler call until it settled). */
  readonly durationsMs: number[];
}

/* Plain Node, no loader: `require` the package's `__index.js` the way the Lambda runtime does. */
const INVOKE_SCRIPT = `
const fs = require("fs");
const [file, eventsFile, resultsFile, settingsFile] = process.argv.slice(2);
const { remainingMs } = JSON.parse(fs.readFileSync(settingsFile, "utf8"));
const out = (m) => fs.appendFileSync(resultsFile, JSON.stringify(m) + "\\n");
let handler;
try {
  handler = require(file).handler;
} catch (e) {
  out({ initError: (e && e.name) + ": " + (e && e.message) });
  process.exit(0);
}
(async () => {
  for (const event of JSON.parse(fs.readFileSync(eventsFile, "utf8"))) {
    const started = Date.now();
    const deadline = started + remainingMs;
    const context = { awsRequestId: "req-deployed", getRemainingTimeInMillis: () => deadline - Date.now() };
    try {
      const value = await handler(event, context);
      out({ ok: true, value, ms: Date.now() - started });
    } catch (e) {
      out({ ok: false, error: (e && e.name) + ": " + (e && e.message), ms: Date.now() - started });
    }
  }
})();
`;

/** How `invokePackage` invokes: the time each invocation gets, like the function's timeout. */
export interface InvokeOptions {
  /** What `context.getRemainingTimeInMillis()` returns at the start of each invocation. Default 60 s. */
  readonly remainingMs?: number;
  /** The whole process is killed after this long (a hung package fails the test). Default 120 s. */
  readonly processTimeoutMs?: number;
}

const execFileAsync = promisify(execFile);

/**
 * Loads the package in `dir` in a fresh Node process outside the repository — nothing resolves but
 * the package and `providedModules` (NODE_PATH, where Lambda has its SDK) — and invokes its
 * `handler` with each event in turn (one warm container). `env` is the function's environment.
 */
export async function invokePackage(
  dir: string,
  events: readonly unknown[],
  env: Record<string, string>,
  providedModules: string,
  options: InvokeOptions = {},
): Promise<PackageRun> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "invoke-"));
  try {
    const script = path.join(work, "invoke.js");
    const eventsFile = path.join(work, "events.json");
    const resultsFile = path.join(work, "results.ndjson");
    const settingsFile = path.join(work, "settings.json");
    fs.writeFileSync(script, INVOKE_SCRIPT);
    fs.writeFileSync(settingsFile, JSON.stringify({ remainingMs: options.remainingMs ?? 60_000 }));
    fs.writeFileSync(eventsFile, JSON.stringify(events));
    fs.writeFileSync(resultsFile, "");
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      [script, path.join(dir, "__index.js"), eventsFile, resultsFile, settingsFile],
      {
        timeout: options.processTimeoutMs ?? 120_000,
        cwd: work,
        env: { PATH: process.env.PATH ?? "", NODE_PATH: providedModules, AWS_REGION: "us-east-1", ...env },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const replies = fs
      .readFileSync(resultsFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as { initError?: string; ok?: boolean; value?: unknown; error?: string; ms?: number },
      );
    const jsonLines = (text: string) =>
      text
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const init = replies.find((r) => r.initError !== undefined);
    return {
      ...(init ? { initError: init.initError } : {}),
      results: replies
        .filter((r) => r.initError === undefined)
        .map((r) => (r.ok ? { ok: true, value: r.value } : { ok: false, error: String(r.error) })),
      lines: jsonLines(stdout),
      stderrLines: jsonLines(stderr),
      durationsMs: replies.filter((r) => r.initError === undefined).map((r) => r.ms ?? NaN),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === "build") {
    const [factory, dir] = args as [FactoryName, string];
    const built = await buildFunctionPackage(factory, dir);
    // `--link-sdk <dir>`: also link the SDK the Lambda runtime provides into <dir>/node_modules.
    const link = args.indexOf("--link-sdk");
    if (link >= 0) linkProvidedSdk(args[link + 1], RUNTIME_SDK_CLIENTS);
    process.stdout.write(JSON.stringify(built) + "\n");
    return;
  }
  if (cmd === "sizes") {
    const out = args.find((a) => !a.startsWith("--")) ?? path.join("out", "lambda-packages");
    const rows: BuiltPackage[] = [];
    for (const f of Object.keys(FACTORIES) as FactoryName[])
      rows.push(await buildFunctionPackage(f, path.join(out, f)));
    if (args.includes("--json")) {
      process.stdout.write(JSON.stringify(rows) + "\n");
      return;
    }
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    process.stdout.write(
      "function          __index.js   bundle      bundled packages   files  unzipped    zip\n",
    );
    for (const r of rows) {
      process.stdout.write(
        `${r.factory.padEnd(17)} ${kib(r.serializedBytes).padStart(10)} ${kib(r.bundleBytes).padStart(11)}  ${r.bundledPackages.join(", ").padEnd(18)} ${String(r.files).padStart(5)} ${kib(r.unzippedBytes).padStart(10)} ${kib(r.zipBytes).padStart(10)}\n`,
      );
    }
    process.stdout.write(
      `(archive entries: ${rows[0].entries.join(", ")}; AWS SDK v3 external: the Lambda Node.js runtime provides it; packages written to ${out})\n`,
    );
    const limit = 500_000; // 0.5 MB
    const over = rows.filter((r) => r.zipBytes > limit);
    if (over.length > 0) {
      process.stderr.write(
        `package over 0.5 MB zipped: ${over.map((r) => `${r.factory} ${kib(r.zipBytes)}`).join(", ")}\n`,
      );
      process.exitCode = 1;
    }
    return;
  }
  throw new Error(
    "usage: deployed.ts build <streamProcessor|windowAggregator> <dir> [--link-sdk <dir>] | sizes [outDir] [--json]",
  );
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}

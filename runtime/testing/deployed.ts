import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { streamProcessorFactory, windowAggregatorFactory } from "../lambda/factories";
import { lambdaCodePathOptions } from "../lambda/packaging";
import { listFiles, writeZip } from "./zip";

/*
 * Builds what `aws.lambda.CallbackFunction` would upload, without the Pulumi CLI: the factory
 * serialized with `pulumi.runtime.serializeFunction(f, { isFactoryFunction: true })` as
 * `__index.js` (handler `__index.handler`), plus the npm packages `pulumi.runtime.computeCodePaths`
 * selects with the runtime's `codePathOptions`. Run with the tsx loader (as the offline harness
 * evaluates programs) and the repository root as the working directory.
 */

/** The runtime's factories by the name a Pipeline component would pass. */
export const FACTORIES = {
  streamProcessor: streamProcessorFactory,
  windowAggregator: windowAggregatorFactory,
} as const;

export type FactoryName = keyof typeof FACTORIES;

export interface BuiltPackage {
  readonly factory: FactoryName;
  readonly dir: string;
  readonly serializedBytes: number;
  readonly packages: string[];
  readonly files: number;
  readonly unzippedBytes: number;
  readonly zipBytes: number;
}

/** Writes the deployment package of `factory` into `dir` (and `dir`.zip) and measures it. */
export async function buildPackage(factory: FactoryName, dir: string): Promise<BuiltPackage> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const closure = await pulumi.runtime.serializeFunction(
    FACTORIES[factory] as (...args: unknown[]) => unknown,
    {
      isFactoryFunction: true,
      exportName: "handler",
      allowSecrets: false,
    },
  );
  fs.writeFileSync(path.join(dir, "__index.js"), closure.text);
  const codePaths = await pulumi.runtime.computeCodePaths(lambdaCodePathOptions());
  const packages: string[] = [];
  for (const rel of codePaths.keys()) {
    packages.push(rel.replace(/^node_modules\//, ""));
    fs.cpSync(path.resolve(rel), path.join(dir, rel), { recursive: true, dereference: true });
  }
  const files = listFiles(dir);
  const unzippedBytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  const zipBytes = writeZip(dir, files, `${dir}.zip`);
  return {
    factory,
    dir,
    serializedBytes: Buffer.byteLength(closure.text),
    packages: packages.sort(),
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
  for (const r of roots) visit(r, process.cwd());
  return [...seen];
}

async function main(): Promise<void> {
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === "build") {
    const [factory, dir] = args as [FactoryName, string];
    process.stdout.write(JSON.stringify(await buildPackage(factory, dir)) + "\n");
    return;
  }
  if (cmd === "sizes") {
    const out = args[0] ?? path.join("out", "lambda-packages");
    const rows: BuiltPackage[] = [];
    for (const f of Object.keys(FACTORIES) as FactoryName[])
      rows.push(await buildPackage(f, path.join(out, f)));
    if (args.includes("--json")) {
      process.stdout.write(JSON.stringify(rows) + "\n");
      return;
    }
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    process.stdout.write("function          serialized  packaged modules        files  unzipped     zip\n");
    for (const r of rows) {
      process.stdout.write(
        `${r.factory.padEnd(17)} ${kib(r.serializedBytes).padStart(10)}  ${r.packages.join(", ").padEnd(22)} ${String(r.files).padStart(5)}  ${kib(r.unzippedBytes).padStart(10)} ${kib(r.zipBytes).padStart(10)}\n`,
      );
    }
    process.stdout.write(
      `(AWS SDK v3 excluded: the Lambda Node.js runtime provides it; packages written to ${out})\n`,
    );
    return;
  }
  throw new Error(
    "usage: deployed.ts build <streamProcessor|windowAggregator> <dir> | sizes [outDir] [--json]",
  );
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}

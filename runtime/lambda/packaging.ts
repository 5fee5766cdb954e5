import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import type { WindowResponse, WindowState } from "../aggregator/aggregator";
import { discoverDomains } from "../schemas/discovery";
import type { BatchResponse, InvocationContext, KinesisStreamEvent, KinesisWindowEvent } from "../types";

/*
 * The package every inline Lambda uploads, built in one place (see runtime/README.md, "The
 * deployment package"):
 *
 *   __index.js          the serialized closure: a thin factory that requires the bundle
 *   .lambda/runtime.js  an esbuild bundle of entry.ts (runtime code, zod), AWS SDK external
 *
 * `aws.lambda.CallbackFunction` always builds its archive itself (`code` is overwritten): the
 * serialized `__index.js` plus `pulumi.runtime.computeCodePaths(codePathOptions)`. So the bundle
 * goes in through `codePathOptions.extraIncludePaths`, a path relative to the program's working
 * directory that becomes the archive path unchanged; `require("./.lambda/runtime.js")` in the
 * closure resolves next to `__index.js` (`require` is never captured by the serializer).
 */

/** Where the bundle is written (relative to the program's working directory) and sits in the archive. */
export const RUNTIME_ARCHIVE_PATH = ".lambda/runtime.js";

const ROOT = path.resolve(__dirname, "..", "..");
const ENTRY = path.join(__dirname, "entry.ts");

/**
 * The bundle's entry: `entry.ts` plus the registration of every domain's data product, imported
 * statically from `stacks/<domain>/schema.ts` so esbuild compiles each schema in (inside Lambda
 * there is no `stacks/` folder to discover). Sorted by name, relative paths: deterministic.
 */
export function bundleEntrySource(root: string = ROOT): string {
  const domains = discoverDomains(root);
  const rel = (file: string) => path.relative(path.dirname(ENTRY), file).split(path.sep).join("/");
  return [
    `export * from "./${path.basename(ENTRY, ".ts")}";`,
    `import { registerDataProducts } from "../schemas";`,
    ...domains.map(
      (d, i) => `import { defineDataProduct as d${i} } from "${rel(d.schemaFile).replace(/\.ts$/, "")}";`,
    ),
    `registerDataProducts({ ${domains.map((d, i) => `${JSON.stringify(d.name)}: d${i}`).join(", ")} });`,
    "",
  ].join("\n");
}

/** What the Lambda Node.js 22 runtime provides: the AWS SDK v3 (never bundled, never packaged). */
export const PROVIDED_BY_LAMBDA = ["@aws-sdk/*"] as const;

export interface RuntimeBundle {
  /** Absolute path of the written bundle. */
  readonly file: string;
  /** Path of the bundle in the archive (= relative to the working directory). */
  readonly archivePath: string;
  readonly bytes: number;
  readonly sha256: string;
  /** npm packages compiled into the bundle. */
  readonly bundledPackages: string[];
}

const built = new Map<string, RuntimeBundle>();

/**
 * Bundles `runtime/lambda/entry.ts` and every domain's schema (`bundleEntrySource`) with esbuild (node22, CommonJS, AWS SDK external, zod and
 * everything else inlined) and writes it to `<cwd>/.lambda/runtime.js`. Once per process and
 * working directory; deterministic: the same sources give the same bytes (paths in the output are
 * relative to the repository), so `pulumi preview` shows no change to `code` when nothing changed,
 * and the file is only rewritten when its bytes differ.
 */
export function buildRuntimeBundle(cwd: string = process.cwd()): RuntimeBundle {
  const file = path.join(cwd, RUNTIME_ARCHIVE_PATH);
  const cached = built.get(file);
  if (cached) return cached;
  const result = esbuild.buildSync({
    stdin: {
      contents: bundleEntrySource(),
      resolveDir: path.dirname(ENTRY),
      sourcefile: path.relative(ROOT, path.join(path.dirname(ENTRY), "bundle-entry.ts")),
      loader: "ts",
    },
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: [...PROVIDED_BY_LAMBDA],
    // The factories and Powertools read no tsconfig paths; pin what could differ between hosts.
    tsconfig: path.join(ROOT, "tsconfig.json"),
    // Class names stay as written (`RuntimeError` sets `this.name = new.target.name`).
    keepNames: true,
    legalComments: "none",
    sourcemap: false,
    minify: false,
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const contents = Buffer.from(result.outputFiles[0].contents);
  const existing = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  if (!existing?.equals(contents)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, contents);
    fs.renameSync(tmp, file);
  }
  const bundledPackages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) bundledPackages.add(m[1]);
  }
  const bundle: RuntimeBundle = {
    file,
    archivePath: RUNTIME_ARCHIVE_PATH,
    bytes: contents.length,
    sha256: createHash("sha256").update(contents).digest("hex"),
    bundledPackages: [...bundledPackages].sort(),
  };
  built.set(file, bundle);
  return bundle;
}

/**
 * `codePathOptions` for every `CallbackFunction` built on the runtime: the bundle (built on first
 * use) as the one extra path, and every production dependency of `package.json` excluded — the
 * bundle already holds what the runtime needs, and the rest is deploy-time code.
 *
 * @example
 * new aws.lambda.CallbackFunction(name, { ...inlineFunction("streamProcessor"), role: role.arn });
 */
export function lambdaCodePathOptions(
  packageJsonPath = path.join(ROOT, "package.json"),
): pulumi.runtime.CodePathOptions {
  const bundle = buildRuntimeBundle();
  const pkg = JSON.parse(fs.readFileSync(packageJsonPath, "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return {
    extraIncludePaths: [bundle.archivePath],
    extraExcludePackages: Object.keys(pkg.dependencies ?? {}),
  };
}

type ProcessorHandler = (event: KinesisStreamEvent, context: InvocationContext) => Promise<BatchResponse>;
type AggregatorHandler = (
  event: KinesisWindowEvent<WindowState>,
  context: InvocationContext,
) => Promise<WindowResponse>;

/**
 * A closure for `CallbackFunction` that, at cold start, loads the bundle shipped beside
 * `__index.js` and calls one of its factories. Built with `new Function` so that its source text
 * — which the serializer copies into `__index.js` — is the same whichever loader compiled this
 * file: tsx, ts-node (`pulumi up`) and ts-jest print a TypeScript function differently, and a
 * different `__index.js` would be a `code` change in every preview. `require` is never captured
 * by the serializer; in Lambda it is `__index.js`'s own.
 */
function thinClosure<H>(factory: "streamProcessorFactory" | "windowAggregatorFactory"): () => H {
  return new Function(`return require("./${RUNTIME_ARCHIVE_PATH}").${factory}();`) as () => H;
}

/** The stream processor's closure: `require("./.lambda/runtime.js").streamProcessorFactory()`. */
export const streamProcessorClosure = thinClosure<ProcessorHandler>("streamProcessorFactory");

/** The window aggregator's closure: `require("./.lambda/runtime.js").windowAggregatorFactory()`. */
export const windowAggregatorClosure = thinClosure<AggregatorHandler>("windowAggregatorFactory");

/** The inline functions the components create, by role. */
export const INLINE_FUNCTIONS = {
  streamProcessor: streamProcessorClosure,
  windowAggregator: windowAggregatorClosure,
} as const;

export type InlineFunctionKind = keyof typeof INLINE_FUNCTIONS;

/**
 * The `CallbackFunction` arguments that decide the package: spread them into the args of every
 * inline function the components create.
 *
 * @example
 * new aws.lambda.CallbackFunction(`${name}-processor`, {
 *   ...inlineFunction("streamProcessor"),
 *   role: role.arn,
 *   environment: { variables: { DATA_PRODUCT: "orders", TABLE_NAME: table.name, DEAD_LETTER_BUCKET: dlq.bucket } },
 * }, { parent: this });
 */
export function inlineFunction(kind: InlineFunctionKind): {
  callbackFactory: never;
  codePathOptions: pulumi.runtime.CodePathOptions;
} {
  return { callbackFactory: INLINE_FUNCTIONS[kind] as never, codePathOptions: lambdaCodePathOptions() };
}

/** One archive entry: inline text, or a file or folder relative to the working directory. */
export type ArchiveEntry = { readonly text: string } | { readonly path: string };

/**
 * The archive `CallbackFunction` uploads for `kind`, computed the way `@pulumi/aws`'s
 * `lambda/lambdaMixins.js` computes it (serialize the factory with `serialize: () => true`,
 * `exportName: "handler"`, `isFactoryFunction`, `allowSecrets`; then `computeCodePaths` with the
 * same options plus `aws-sdk` excluded). `components/streaming/pipeline.test.ts` checks that the
 * `code` a Pipeline records in the plan is exactly this.
 */
export async function functionArchive(kind: InlineFunctionKind): Promise<Record<string, ArchiveEntry>> {
  const closure = await pulumi.runtime.serializeFunction(
    INLINE_FUNCTIONS[kind] as (...a: unknown[]) => unknown,
    {
      serialize: () => true,
      exportName: "handler",
      isFactoryFunction: true,
      allowSecrets: true,
    },
  );
  const options = lambdaCodePathOptions();
  const codePaths = await pulumi.runtime.computeCodePaths({
    ...options,
    extraExcludePackages: [...(options.extraExcludePackages ?? []), "aws-sdk"],
  });
  const out: Record<string, ArchiveEntry> = { "__index.js": { text: closure.text } };
  for (const key of codePaths.keys()) out[key] = { path: key };
  return out;
}

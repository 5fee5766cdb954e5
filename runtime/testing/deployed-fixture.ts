import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import type { Item } from "../schemas/types";
import type { DeadLetterDocument } from "../sinks/deadletter";
import {
  invokePackage,
  linkProvidedSdk,
  RUNTIME_SDK_CLIENTS,
  type BuiltPackage,
  type FactoryName,
  type InvokeOptions,
  type PackageRun,
} from "./deployed";
import { createTable, readObjects, scanTable, startEmulators, type Emulators } from "./emulators";
import { startFeatureStoreServer } from "./featurestore-server";
import { startFirehoseServer } from "./firehose-server";
import { startRecordingProxy, type RecordingProxy } from "./recording-proxy";

/*
 * One fixture for every test that runs the deployment package: builds the packages the way the
 * program does, links the SDK the Lambda runtime provides, starts the emulators (dynalite behind a
 * recording proxy that can refuse requests, kinesalite, s3rver, the Firehose and Feature Store
 * loopback servers), and invokes a package in a fresh Node process wired to them.
 */

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");

/** The dead-letter bucket every package invocation writes to (its prefix differs per test). */
export const DEAD_LETTER_BUCKET = "dead-letters";

export interface DeployedFixture {
  readonly emu: Emulators;
  /** DynamoDB as the packages see it: a recording proxy in front of dynalite. */
  readonly dynamo: RecordingProxy;
  readonly firehose: Awaited<ReturnType<typeof startFirehoseServer>>;
  readonly featureStore: Awaited<ReturnType<typeof startFeatureStoreServer>>;
  readonly packages: Partial<Record<FactoryName, BuiltPackage>>;
  /**
   * Invokes the package of `factory` with each event in turn, in one fresh process (one warm
   * container). `env` is the function's environment on top of the emulator endpoints.
   */
  invoke(
    factory: FactoryName,
    events: readonly unknown[],
    env: Record<string, string>,
    options?: InvokeOptions,
  ): Promise<PackageRun>;
  /** A name no other test of the run uses (tables, prefixes, delivery streams). */
  unique(prefix: string): string;
  /** Creates a table with a unique name and string key attributes; returns the name. */
  table(key: { hashKey: string; rangeKey?: string }): Promise<string>;
  items(table: string): Promise<Item[]>;
  deadLetters(prefix: string): Promise<DeadLetterDocument[]>;
  /** The lake lines Firehose received on `stream`, parsed (records split on the newline delimiter). */
  lake(stream: string): Record<string, unknown>[];
  /** The same lines as the text Firehose received. */
  lakeText(stream: string): string[];
  stop(): Promise<void>;
}

/** The package as the program builds it (tsx, the repository root as working directory). */
async function build(factory: FactoryName, dir: string): Promise<BuiltPackage> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "runtime/testing/deployed.ts", "build", factory, dir],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as BuiltPackage;
}

/**
 * Builds the packages of `factories` and starts everything they talk to. Call in `beforeAll`
 * (allow ~30 s on a loaded machine) and `await fixture.stop()` in `afterAll`.
 *
 * @example
 * let f: DeployedFixture;
 * beforeAll(async () => { f = await startDeployedFixture(["streamProcessor"]); }, 120_000);
 * afterAll(() => f?.stop());
 */
export async function startDeployedFixture(factories: readonly FactoryName[]): Promise<DeployedFixture> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "deployed-package-"));
  const provided = path.join(work, "provided");
  linkProvidedSdk(provided, RUNTIME_SDK_CLIENTS);
  const [emu, firehose, featureStore] = await Promise.all([
    startEmulators({ buckets: [DEAD_LETTER_BUCKET] }),
    startFirehoseServer(),
    startFeatureStoreServer(),
  ]);
  const dynamo = await startRecordingProxy(emu.endpoints.dynamodb);
  const packages: Partial<Record<FactoryName, BuiltPackage>> = {};
  for (const f of factories) packages[f] = await build(f, path.join(work, f));
  let n = 0;
  const unique = (prefix: string) => `${prefix}-${++n}`;
  const lakeText = (stream: string) =>
    (firehose.byStream.get(stream) ?? []).flatMap((record) => record.split("\n"));
  return {
    emu,
    dynamo,
    firehose,
    featureStore,
    packages,
    invoke: (factory, events, env, options) => {
      const pkg = packages[factory];
      if (!pkg) throw new Error(`the fixture did not build the ${factory} package`);
      return invokePackage(
        pkg.dir,
        events,
        {
          ...emu.env(),
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_ENDPOINT_URL_FIREHOSE: firehose.endpoint,
          AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME: featureStore.endpoint,
          AWS_LAMBDA_FUNCTION_NAME: "deployed-test",
          ...env,
        },
        path.join(provided, "node_modules"),
        options,
      );
    },
    unique,
    table: async (key) => {
      const name = unique("table");
      await createTable(emu.dynamodb, name, key);
      return name;
    },
    items: (table) => scanTable(emu.dynamodb, table),
    deadLetters: async (prefix) =>
      (await readObjects(emu.s3, DEAD_LETTER_BUCKET, prefix)).map(
        (o) => JSON.parse(o.body) as DeadLetterDocument,
      ),
    lakeText,
    lake: (stream) => lakeText(stream).map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: async () => {
      await Promise.all([emu.stop(), firehose.stop(), featureStore.stop(), dynamo.stop()]);
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}

/** The embedded-metric (EMF) documents among a package's output lines. */
export const metricsOf = (lines: readonly Record<string, unknown>[]) => lines.filter((l) => l._aws);

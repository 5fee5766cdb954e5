/*
 * `npm run bench`: records/second of stream-processing variants on one core, on 100-record
 * Kinesis batches of clickstream (~300-byte JSON) and orders payloads base64-encoded as Lambda
 * delivers them, with 0 %, 1 % and 10 % invalid records. Every variant that processes records
 * does the same work per valid record — decode, validate with the same zod schema (the
 * product's, `z.compile`d once), transform the decoded text into the serving item and the lake
 * line, and send the DynamoDB (BatchWriteItem by 25 for clickstream, one conditional PutItem per
 * order) and Firehose (PutRecordBatch by 500) calls as SDK commands through the same SDK clients,
 * whose `send` answers in memory (`stubSdk`) — nothing goes over the network.
 *
 * "platform" is the deployment package `pulumi up` uploads, built by the same function as the
 * plan's `code` archive (`runtime/testing/deployed.ts build`), written outside the repository and
 * loaded the way Lambda loads it: `require("<package>/__index.js").handler`, with the AWS SDK
 * resolved from NODE_PATH (as the Lambda runtime provides it). Its SDK clients' `send` answers
 * in memory with success (the calls, commands and marshalling of the package still run).
 *
 * Each variant runs in its own process (as each would in its own Lambda container): in one shared
 * process, the variants' type feedback on the code they share (the transform, zod) and the
 * exceptions some of them throw de-optimised the others, and a variant's rate depended on which
 * variants had run before it. The parent only schedules samples, interleaving the variants.
 *
 * `--profile <variant index>` (with one product and one ratio) runs one variant under
 * `node --cpu-prof` instead; `npx tsx bench/profile.ts <file>` summarises the profile.
 *
 *   npm run bench -- [--json] [--seconds <per sample, 0.2>] [--rounds <samples per variant, 15>] [--warmup <s>] [--ratios 0,0.01,0.1] [--products clickstream,orders] [--memory-mb 512] [--pack-baselines]
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { KinesisEnvelope } from "@aws-lambda-powertools/parser/envelopes/kinesis";
import { parse } from "@aws-lambda-powertools/parser";
import { execFileSync, fork, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createTransformer, isRefused, type Prepared } from "../runtime/processor/transform";
import { buildDataProduct, registerDataProducts, type DataProductBuilder } from "../runtime/schemas";
import { packLines } from "../runtime/sinks/firehose";
import { clickstreamEvent, kinesisRecord, orderEvent, seededRandom } from "../runtime/testing/events";
import type { InvocationContext, KinesisStreamEvent } from "../runtime/types";
import { defineClickstream } from "../stacks/clickstream/schema";
import { defineOrders } from "../stacks/orders/schema";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const JSON_OUTPUT = args.includes("--json");
const SECONDS = flag("--seconds", 0.2);
const ROUNDS = flag("--rounds", 15);
const WARMUP = flag("--warmup", 1.5);
const BATCH = 100;
const DISTINCT_BATCHES = 40;

/**
 * The function's memory (MB): the stream processor's default (`memoryMb` of the streaming
 * pipeline). Every variant's process starts with the V8 flags the Lambda Node.js runtime gives a
 * function of that memory (its bootstrap: a tenth of the memory for the young generation, half of
 * that per semi-space, the rest for the old generation, and `--expose-gc`), as in its own Lambda
 * container. Without them V8 sized the young generation by itself and a process settled at one of
 * two rates for its whole life: the orders baselines ran at ~120 k or ~180 k records per CPU-second
 * from one run to the next (Powertools processes over 3 runs: 6 of 6 fast with the flags, 1 of 6 without).
 */
const MEMORY_MB = flag("--memory-mb", 512);
const LAMBDA_NODE_FLAGS: readonly string[] = (() => {
  const newSpace = Math.floor(MEMORY_MB / 10);
  return [
    "--expose-gc",
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${MEMORY_MB - newSpace}`,
  ];
})();
const RATIOS: readonly number[] = (() => {
  const i = args.indexOf("--ratios");
  return i >= 0 ? args[i + 1].split(",").map(Number) : [0, 0.01, 0.1];
})();
const PRODUCTS: readonly string[] = (() => {
  const i = args.indexOf("--products");
  return i >= 0 ? args[i + 1].split(",") : ["clickstream", "orders"];
})();
const ROOT = path.resolve(__dirname, "..", "..", "..");

// One core: re-run pinned to CPU 0 when taskset exists (V8's background threads stay on it too).
if (
  process.env.BENCH_PINNED !== "1" &&
  os.platform() === "linux" &&
  spawnSync("taskset", ["-V"]).status === 0
) {
  const r = spawnSync("taskset", ["-c", "0", process.execPath, ...process.execArgv, __filename, ...args], {
    stdio: "inherit",
    env: { ...process.env, BENCH_PINNED: "1" },
  });
  process.exit(r.status ?? 1);
}

type Batch = { event: KinesisStreamEvent; payloadBytes: number };

/** Batches of `productName` with `ratio` invalid records (half schema violations, half not JSON), reproducibly. */
function makeBatches(productName: string, ratio: number): Batch[] {
  const rnd = seededRandom(42);
  const batches: Batch[] = [];
  let n = 0;
  for (let b = 0; b < DISTINCT_BATCHES; b++) {
    const invalid = new Set<number>();
    while (invalid.size < Math.round(BATCH * ratio)) invalid.add(Math.floor(rnd() * BATCH));
    let payloadBytes = 0;
    const records = Array.from({ length: BATCH }, (_, i) => {
      n++;
      let text = JSON.stringify(productName === "orders" ? orderEvent(n) : clickstreamEvent(n));
      if (invalid.has(i))
        text =
          i % 2
            ? text
                .replace('"page_view"', '"teleport"')
                .replace('"click"', '"teleport"')
                .replace('"EUR"', '"euro"')
            : text.slice(0, -7);
      payloadBytes += Buffer.byteLength(text);
      return kinesisRecord(text, n);
    });
    batches.push({ event: { Records: records }, payloadBytes });
  }
  return batches;
}

const context: InvocationContext = { getRemainingTimeInMillis: () => 60_000, awsRequestId: "bench" };
const PRODUCT_NAME = process.env.BENCH_CHILD?.split(":")[2] ?? PRODUCTS[0];
// Run as compiled JavaScript from out/bench, where domain discovery finds no `stacks/*/Pulumi.yaml`:
// the products the bench measures are registered as the Lambda bundle registers them.
registerDataProducts({
  clickstream: defineClickstream as DataProductBuilder,
  orders: defineOrders as DataProductBuilder,
});
const product = buildDataProduct(PRODUCT_NAME);
const schema = product.schema;
const prepare = createTransformer(product);

/**
 * The sink calls every baseline makes with its prepared records, through the same AWS SDK clients
 * and the same in-memory `send` as the package (`stubSdk`): DynamoDB `BatchWriteItem` by 25 for
 * clickstream or one conditional `PutItem` per order (all in flight at once), and Firehose
 * `PutRecordBatch` by 500 with one record per lake line (the line and its newline, encoded) — what
 * a handler written against the SDK does. With `--pack-baselines` they pack lines into Firehose
 * records the way the platform does (`packLines`), to show how much of the platform's lead that is.
 * (Until 2026-12-05 the baselines only built the request objects and never constructed an SDK
 * command or called `send`, while the package did both: the package paid for SDK work the
 * baselines skipped, one command per order.)
 */
const PACK_BASELINES = args.includes("--pack-baselines");
let baselineClients: { dynamodb: SdkClient; firehose: SdkClient; sdk: SdkModules } | undefined;
async function sendSinkBatches(prepared: Prepared[]): Promise<void> {
  const { dynamodb, firehose, sdk } = (baselineClients ??= baselineSdkClients());
  const calls: Promise<unknown>[] = [];
  if (product.writeMode === "latest")
    // One conditional PutItem per item (newest version wins), as the platform writes orders.
    for (const p of prepared)
      calls.push(
        dynamodb.send(
          new sdk.PutItemCommand({
            TableName: "bench",
            Item: p.item,
            ConditionExpression: "attribute_not_exists(#h) OR #v < :v",
            ExpressionAttributeNames: { "#h": product.tableKey.hashKey, "#v": "_version" },
            ExpressionAttributeValues: { ":v": p.item._version },
          }),
        ),
      );
  else
    for (let i = 0; i < prepared.length; i += 25)
      calls.push(
        dynamodb.send(
          new sdk.BatchWriteItemCommand({
            RequestItems: { bench: prepared.slice(i, i + 25).map((p) => ({ PutRequest: { Item: p.item } })) },
          }),
        ),
      );
  const records = PACK_BASELINES
    ? packLines(prepared).records
    : prepared.map((p) => Buffer.from(`${p.line}\n`));
  for (let i = 0; i < records.length; i += 500)
    calls.push(
      firehose.send(
        new sdk.PutRecordBatchCommand({
          DeliveryStreamName: "bench",
          Records: records.slice(i, i + 500).map((Data) => ({ Data })),
        }),
      ),
    );
  await Promise.all(calls);
}

const origin = (seq: string) => ({ sequenceNumber: seq, shardId: "shardId-000000000000" });

// --- variants -------------------------------------------------------------------------------

/** What the in-memory AWS answers to each command the package sends: success. */
const SDK_RESPONSES: Record<string, (input: { Records?: unknown[] }) => unknown> = {
  BatchWriteItemCommand: () => ({ UnprocessedItems: {} }),
  PutItemCommand: () => ({}),
  PutRecordBatchCommand: (input) => ({
    FailedPutCount: 0,
    RequestResponses: (input.Records ?? []).map(() => ({ RecordId: "r" })),
  }),
  PutObjectCommand: () => ({}),
};

type SdkClient = { send: (command: unknown) => Promise<unknown> };
type SdkCommand = new (input: unknown) => unknown;
type SdkModules = {
  DynamoDBClient: new (config: object) => SdkClient;
  FirehoseClient: new (config: object) => SdkClient;
  PutItemCommand: SdkCommand;
  BatchWriteItemCommand: SdkCommand;
  PutRecordBatchCommand: SdkCommand;
};

/**
 * Makes the AWS SDK clients of `@aws-sdk/*` resolved from `from` answer in memory
 * (`SDK_RESPONSES`), and returns the SDK's modules. The package's clients and the baselines'
 * go through this same `send`: commands are built by the SDK as in production, nothing is sent.
 */
function stubSdk(from: string): SdkModules {
  const modules: Record<string, unknown> = {};
  for (const [pkg, client] of [
    ["client-dynamodb", "DynamoDBClient"],
    ["client-firehose", "FirehoseClient"],
    ["client-s3", "S3Client"],
  ]) {
    const mod = require(require.resolve(`@aws-sdk/${pkg}`, { paths: [from] })) as Record<string, unknown>;
    const C = mod[client] as {
      prototype: { send: (command: { input: { Records?: unknown[] } }) => Promise<unknown> };
    };
    C.prototype.send = async (command) => {
      const answer = SDK_RESPONSES[command.constructor.name];
      if (!answer) throw new Error(`bench: no in-memory answer for ${command.constructor.name}`);
      return answer(command.input);
    };
    Object.assign(modules, mod);
  }
  return modules as unknown as SdkModules;
}

const SDK_ENVIRONMENT = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
};

/** The baselines' SDK clients (this repository's SDK, the version the package is linked against). */
function baselineSdkClients(): { dynamodb: SdkClient; firehose: SdkClient; sdk: SdkModules } {
  Object.assign(process.env, SDK_ENVIRONMENT);
  const sdk = stubSdk(ROOT);
  return { dynamodb: new sdk.DynamoDBClient({}), firehose: new sdk.FirehoseClient({}), sdk };
}

/**
 * The deployed package in this process, loaded as Lambda loads it: the provided SDK's clients
 * (the same modules the package resolves through NODE_PATH) answer in memory, then
 * `require("<package>/__index.js").handler` with the function's environment.
 */
function deployedPackage(): (event: KinesisStreamEvent) => Promise<unknown> {
  const dir = process.env.BENCH_PACKAGE!;
  stubSdk(process.env.NODE_PATH!);
  Object.assign(process.env, {
    ...SDK_ENVIRONMENT,
    AWS_LAMBDA_FUNCTION_NAME: `bench-${PRODUCT_NAME}-processor`,
    DATA_PRODUCT: PRODUCT_NAME,
    TABLE_NAME: "bench",
    DELIVERY_STREAM_NAME: "bench",
    DEAD_LETTER_BUCKET: "bench",
  });
  const { handler } = require(path.join(dir, "__index.js")) as {
    handler: (event: KinesisStreamEvent, context: InvocationContext) => Promise<unknown>;
  };
  return (event) => handler(event, context);
}

async function handLoop(event: KinesisStreamEvent): Promise<void> {
  const prepared: Prepared[] = [];
  const failed: string[] = [];
  for (const r of event.Records) {
    const bytes = Buffer.from(r.kinesis.data, "base64");
    const text = bytes.toString("utf8");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      failed.push(r.kinesis.sequenceNumber);
      continue;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      failed.push(r.kinesis.sequenceNumber);
      continue;
    }
    // The decoded text and its size too, as the processor passes them: the same transform, the
    // same shortcuts.
    const out = prepare(parsed.data, origin(r.kinesis.sequenceNumber), value, text, bytes.length);
    if (isRefused(out)) failed.push(r.kinesis.sequenceNumber);
    else prepared.push(out);
  }
  await sendSinkBatches(prepared);
}

function powertools(parallel: boolean): (event: KinesisStreamEvent) => Promise<void> {
  const processor = new BatchProcessor(EventType.KinesisDataStreams);
  return async (event) => {
    const prepared: Prepared[] = [];
    const recordHandler = async (record: KinesisStreamEvent["Records"][number]) => {
      const bytes = Buffer.from(record.kinesis.data, "base64");
      const text = bytes.toString("utf8");
      const value = JSON.parse(text);
      const out = prepare(
        schema.parse(value),
        origin(record.kinesis.sequenceNumber),
        value,
        text,
        bytes.length,
      );
      if (isRefused(out)) throw new Error(out.reason);
      prepared.push(out);
    };
    await processPartialResponse(event as never, recordHandler as never, processor, {
      context: context as never,
      processInParallel: parallel,
      throwOnFullBatchFailure: false,
    });
    await sendSinkBatches(prepared);
  };
}

async function powertoolsEnvelope(event: KinesisStreamEvent): Promise<void> {
  // All-or-nothing: one invalid record fails the whole envelope (the variant's own semantics).
  const res = parse(event, KinesisEnvelope, schema, true);
  if (!res.success) return;
  const prepared: Prepared[] = [];
  res.data.forEach((v, i) => {
    const out = prepare(v, origin(event.Records[i].kinesis.sequenceNumber));
    if (!isRefused(out)) prepared.push(out);
  });
  await sendSinkBatches(prepared);
}

let sink = 0;
const PLATFORM = "platform (deployed package)";
let platform: ((event: KinesisStreamEvent) => Promise<unknown>) | undefined;
const VARIANTS: { name: string; run: (event: KinesisStreamEvent, decoded: string[]) => unknown }[] = [
  { name: PLATFORM, run: (e) => (platform ??= deployedPackage())(e) },
  { name: "Powertools BatchProcessor (sequential)", run: powertools(false) },
  { name: "Powertools BatchProcessor (parallel)", run: powertools(true) },
  { name: "Powertools parser, Kinesis envelope", run: powertoolsEnvelope },
  { name: "hand loop (Buffer.from, JSON.parse, safeParse)", run: handLoop },
  {
    name: "ceiling: base64 + JSON.parse",
    run: (e) => {
      for (const r of e.Records) {
        try {
          sink += JSON.parse(Buffer.from(r.kinesis.data, "base64").toString("utf8")) ? 1 : 0;
        } catch {
          sink--;
        }
      }
    },
  },
  {
    name: "ceiling: JSON.parse alone",
    run: (_e, decoded) => {
      for (const text of decoded) {
        try {
          sink += JSON.parse(text) ? 1 : 0;
        } catch {
          sink--;
        }
      }
    },
  },
];

/**
 * Records per CPU-second of one variant: CPU time of this process (user + system, every thread),
 * not wall time, so that other processes on a shared machine do not count against the variant.
 */
async function measure(
  variant: (typeof VARIANTS)[number],
  batches: Batch[],
  decoded: string[][],
  seconds: number,
): Promise<number> {
  let records = 0;
  let i = 0;
  const start = process.cpuUsage();
  const budget = seconds * 1e6;
  let used = 0;
  while (used < budget) {
    for (let k = 0; k < 10; k++) {
      const b = i++ % batches.length;
      const r = variant.run(batches[b].event, decoded[b]);
      if (r instanceof Promise) await r;
      records += BATCH;
    }
    const d = process.cpuUsage(start);
    used = d.user + d.system;
  }
  return records / (used / 1e6);
}

/**
 * Median of the samples; rounds interleave the variants so a busy moment on a shared machine
 * does not hit one variant only.
 */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

type Request = { seconds: number };
type Reply = { ready: true } | { rate: number };

/** Child: one variant on one invalid ratio; warms up, then answers each sample request with a rate. */
async function child(variantIndex: number, ratio: number): Promise<void> {
  const variant = VARIANTS[variantIndex];
  const batches = makeBatches(PRODUCT_NAME, ratio);
  const decoded = batches.map((b) =>
    b.event.Records.map((r) => Buffer.from(r.kinesis.data, "base64").toString("utf8")),
  );
  await measure(variant, batches, decoded, WARMUP);
  const send = (m: Reply) => process.send!(m);
  process.on("message", (m: Request) => {
    void measure(variant, batches, decoded, m.seconds).then((rate) => send({ rate }));
  });
  process.on("disconnect", () => process.exit(0));
  send({ ready: true });
}

/** A variant's process, and a way to ask it for one sample. */
interface Runner {
  readonly name: string;
  readonly sample: (seconds: number) => Promise<number>;
  readonly stop: () => void;
}

function startRunner(
  variantIndex: number,
  ratio: number,
  productName: string,
  pkg: { dir: string; provided: string },
): Promise<Runner> {
  const isPlatform = VARIANTS[variantIndex].name === PLATFORM;
  const proc: ChildProcess = fork(__filename, args, {
    execArgv: [...process.execArgv, ...LAMBDA_NODE_FLAGS],
    env: {
      ...process.env,
      BENCH_CHILD: `${variantIndex}:${ratio}:${productName}`,
      ...(isPlatform ? { BENCH_PACKAGE: pkg.dir, NODE_PATH: pkg.provided } : {}),
    },
    // The package writes its log and EMF lines to stdout, as in Lambda; here they go nowhere.
    stdio: ["ignore", isPlatform ? "ignore" : "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`variant ${VARIANTS[variantIndex].name} exited (${code})`)));
    proc.once("message", () =>
      resolve({
        name: VARIANTS[variantIndex].name,
        sample: (seconds) =>
          new Promise((done) => {
            proc.once("message", (m: Reply) => done("rate" in m ? m.rate : NaN));
            proc.send({ seconds } satisfies Request);
          }),
        stop: () => {
          proc.removeAllListeners("exit");
          proc.disconnect();
        },
      }),
    );
  });
}

/**
 * The stream processor's deployment package, built by the function that builds the plan's `code`
 * archive (run with tsx from the repository root, as the offline plan runs the program), written
 * outside the repository with the SDK the Lambda runtime provides linked beside it.
 */
function buildPackage(): { dir: string; provided: string; zipBytes: number; work: string } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-package-"));
  const dir = path.join(work, "streamProcessor");
  const out = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "runtime/testing/deployed.ts",
      "build",
      "streamProcessor",
      dir,
      "--link-sdk",
      path.join(work, "provided"),
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  const built = JSON.parse(out.trim().split("\n").at(-1)!) as { zipBytes: number };
  return { dir, provided: path.join(work, "provided", "node_modules"), zipBytes: built.zipBytes, work };
}

async function main(): Promise<void> {
  const pkg = buildPackage();
  try {
    await runAll(pkg);
  } finally {
    fs.rmSync(pkg.work, { recursive: true, force: true });
  }
}

async function runAll(pkg: { dir: string; provided: string; zipBytes: number }): Promise<void> {
  const byProduct: Record<string, { payloadBytes: number; results: Record<string, Record<string, number>> }> =
    {};
  for (const productName of PRODUCTS) {
    byProduct[productName] = await runProduct(productName, pkg);
  }
  if (JSON_OUTPUT) {
    process.stdout.write(
      JSON.stringify({
        unit: "records per CPU-second",
        batchSize: BATCH,
        platform: "the deployed package (thin closure + esbuild bundle), loaded from its archive",
        packageZipBytes: pkg.zipBytes,
        pinnedToOneCore: process.env.BENCH_PINNED === "1",
        nodeFlags: LAMBDA_NODE_FLAGS.join(" "),
        loadAverage1m: os.loadavg()[0],
        products: byProduct,
        // The first product's table at the top level too, where earlier runs had it.
        payloadBytes: Math.round(byProduct[PRODUCTS[0]].payloadBytes),
        results: byProduct[PRODUCTS[0]].results,
      }) + "\n",
    );
    return;
  }
  const cols = RATIOS.map((r) => `${Math.round(r * 100)}% invalid`);
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  process.stdout.write(
    `stream processing, records per CPU-second (median of ${ROUNDS} interleaved ${SECONDS}s samples, one process per variant, one core pinned: ${process.env.BENCH_PINNED === "1"}; Lambda's node flags for ${MEMORY_MB} MB: ${LAMBDA_NODE_FLAGS.join(" ")})\n` +
      `${cpu} (${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}), Node ${process.version}, ${BATCH}-record batches\n` +
      `platform = the deployed package (${(pkg.zipBytes / 1024).toFixed(1)} KiB zipped), loaded from its archive as Lambda loads it\n`,
  );
  for (const [productName, { payloadBytes, results }] of Object.entries(byProduct)) {
    process.stdout.write(`\n${productName} (~${Math.round(payloadBytes)}-byte JSON payloads)\n`);
    const width = Math.max(...VARIANTS.map((v) => v.name.length));
    process.stdout.write(`${"variant".padEnd(width)}  ${cols.map((c) => c.padStart(12)).join("")}\n`);
    for (const v of VARIANTS) {
      process.stdout.write(
        `${v.name.padEnd(width)}  ${cols.map((c) => results[v.name][c].toLocaleString("en-US").padStart(12)).join("")}\n`,
      );
    }
    const p = results[PLATFORM];
    const seq = results["Powertools BatchProcessor (sequential)"];
    const par = results["Powertools BatchProcessor (parallel)"];
    const hand = results["hand loop (Buffer.from, JSON.parse, safeParse)"];
    const ceiling = results["ceiling: base64 + JSON.parse"];
    process.stdout.write(
      "platform vs best Powertools BatchProcessor (target ≥ 1.2×) / vs base64 + JSON.parse (target ≥ 0.5×) / vs hand loop:\n",
    );
    for (const c of cols) {
      const best = Math.max(seq[c], par[c]);
      process.stdout.write(
        `  ${c.padEnd(12)} ${(p[c] / best).toFixed(2)}×   ${(p[c] / ceiling[c]).toFixed(2)}×   ${((p[c] / hand[c]) * 100).toFixed(0)} % of the hand loop\n`,
      );
    }
  }
  if (sink === 42) process.stdout.write("\n");
}

async function runProduct(
  productName: string,
  pkg: { dir: string; provided: string },
): Promise<{ payloadBytes: number; results: Record<string, Record<string, number>> }> {
  const results: Record<string, Record<string, number>> = {};
  let payloadBytes = 0;
  for (const ratio of RATIOS) {
    const batches = makeBatches(productName, ratio);
    payloadBytes = batches.reduce((n, b) => n + b.payloadBytes, 0) / (batches.length * BATCH);
    // Warm-ups run one after the other, so that each has the core to itself.
    const runners: Runner[] = [];
    for (let v = 0; v < VARIANTS.length; v++) runners.push(await startRunner(v, ratio, productName, pkg));
    const samples: Record<string, number[]> = {};
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate who goes first, so no variant always follows the same one.
      for (let k = 0; k < runners.length; k++) {
        const r = runners[(round + k) % runners.length];
        (samples[r.name] ??= []).push(await r.sample(SECONDS));
      }
    }
    runners.forEach((r) => r.stop());
    const key = `${Math.round(ratio * 100)}% invalid`;
    for (const v of VARIANTS) (results[v.name] ??= {})[key] = Math.round(median(samples[v.name]));
  }
  return { payloadBytes, results };
}

/**
 * `--profile <variant index> --products <one product> --ratios <one ratio>`: builds the package and
 * runs that one variant in a child process for `--seconds` (after the warm-up) with no IPC, under
 * `node --cpu-prof`, writes `out/profiles/bench-<product>-<ratio>-<variant>.cpuprofile` (for the package also its
 * bundle, `….runtime.js`, which the profile's line numbers point into) and prints its path. Summarise it with `bench/profile.ts`.
 */
async function profile(variantIndex: number): Promise<void> {
  const pkg = buildPackage();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-profile-"));
  try {
    const isPlatform = VARIANTS[variantIndex].name === PLATFORM;
    const r = spawnSync(
      process.execPath,
      [
        ...LAMBDA_NODE_FLAGS,
        "--cpu-prof",
        "--cpu-prof-dir",
        dir,
        "--cpu-prof-interval",
        "200",
        __filename,
        ...args,
      ],
      {
        stdio: ["ignore", isPlatform ? "ignore" : "inherit", "inherit"],
        env: {
          ...process.env,
          BENCH_CHILD: `${variantIndex}:${RATIOS[0]}:${PRODUCTS[0]}`,
          BENCH_PROFILE_CHILD: "1",
          ...(isPlatform ? { BENCH_PACKAGE: pkg.dir, NODE_PATH: pkg.provided } : {}),
        },
      },
    );
    if (r.status !== 0) throw new Error(`profiled variant exited ${r.status}`);
    const out = path.join(
      ROOT,
      "out",
      "profiles",
      `bench-${PRODUCTS[0]}-${RATIOS[0]}-${variantIndex}.cpuprofile`,
    );
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.copyFileSync(path.join(dir, fs.readdirSync(dir)[0]), out);
    // The profile's line numbers point into the package's bundle: keep it beside the profile.
    if (isPlatform) {
      fs.copyFileSync(
        path.join(pkg.dir, ".lambda", "runtime.js"),
        out.replace(/\.cpuprofile$/, ".runtime.js"),
      );
    }
    process.stdout.write(`${VARIANTS[variantIndex].name}: ${out}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(pkg.work, { recursive: true, force: true });
  }
}

/** The profiled child: warm-up, then one long sample, its rate on stderr. */
async function profileChild(variantIndex: number, ratio: number): Promise<void> {
  const variant = VARIANTS[variantIndex];
  const batches = makeBatches(PRODUCT_NAME, ratio);
  const decoded = batches.map((b) =>
    b.event.Records.map((r) => Buffer.from(r.kinesis.data, "base64").toString("utf8")),
  );
  await measure(variant, batches, decoded, WARMUP);
  const rate = await measure(variant, batches, decoded, SECONDS);
  process.stderr.write(`${variant.name}: ${Math.round(rate)} records per CPU-second (profiled)\n`);
}

const childOf = process.env.BENCH_CHILD;
const profiled = args.indexOf("--profile");
(childOf
  ? process.env.BENCH_PROFILE_CHILD === "1"
    ? profileChild(Number(childOf.split(":")[0]), Number(childOf.split(":")[1]))
    : child(Number(childOf.split(":")[0]), Number(childOf.split(":")[1]))
  : profiled >= 0
    ? profile(Number(args[profiled + 1]))
    : main()
).catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

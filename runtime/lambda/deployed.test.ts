import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { WINDOW_TABLE_KEY } from "../aggregator/aggregator";
import { defineClickstream } from "../schemas";
import type { DeadLetterDocument } from "../sinks/deadletter";
import { LAMBDA_PACKAGED_DEPENDENCIES } from "./packaging";
import { linkProvidedSdk, type BuiltPackage, type FactoryName } from "../testing/deployed";
import {
  createStream,
  createTable,
  putRecords,
  readAsLambdaEvents,
  readObjects,
  scanTable,
  startEmulators,
  type Emulators,
} from "../testing/emulators";
import { clickstreamEvent } from "../testing/events";
import { startFeatureStoreServer } from "../testing/featurestore-server";
import { startFirehoseServer } from "../testing/firehose-server";
import type { KinesisStreamEvent } from "../types";

/*
 * The inline closures exactly as `aws.lambda.CallbackFunction` would deploy them: each factory is
 * serialized with `pulumi.runtime.serializeFunction(..., { isFactoryFunction: true })`, packaged
 * with the npm modules `computeCodePaths` selects, loaded in a fresh Node process outside the
 * repository (only the package and the AWS SDK on NODE_PATH, as the Lambda runtime provides it)
 * and invoked with a real Kinesis event against the emulators.
 */

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");
const BUCKET = "dead-letters";
let emu: Emulators;
let firehose: Awaited<ReturnType<typeof startFirehoseServer>>;
let featureStore: Awaited<ReturnType<typeof startFeatureStoreServer>>;
let work: string;
let provided: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "deployed-closure-"));
  provided = path.join(work, "provided");
  linkProvidedSdk(provided, [
    "@aws-sdk/client-dynamodb",
    "@aws-sdk/client-firehose",
    "@aws-sdk/client-s3",
    "@aws-sdk/client-sagemaker-featurestore-runtime",
  ]);
  [emu, firehose, featureStore] = await Promise.all([
    startEmulators({ buckets: [BUCKET] }),
    startFirehoseServer(),
    startFeatureStoreServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([emu?.stop(), firehose?.stop(), featureStore?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function build(factory: FactoryName): Promise<BuiltPackage> {
  const dir = path.join(work, factory);
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "runtime/testing/deployed.ts", "build", factory, dir],
    {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as BuiltPackage;
}

/** Loads `<dir>/__index.js` in a fresh process and invokes `handler` once; returns result and output lines. */
async function invoke(
  dir: string,
  event: unknown,
  env: Record<string, string>,
): Promise<{ result: unknown; lines: Record<string, unknown>[] }> {
  const script = path.join(work, "invoke.js");
  fs.writeFileSync(
    script,
    [
      "const { handler } = require(process.argv[2]);",
      "const event = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'));",
      "const deadline = Date.now() + 60000;",
      "const context = { awsRequestId: 'req-deployed', getRemainingTimeInMillis: () => deadline - Date.now() };",
      "handler(event, context).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n'), (e) => { console.error(e); process.exit(2); });",
    ].join("\n"),
  );
  const eventFile = path.join(work, `event-${Date.now()}.json`);
  fs.writeFileSync(eventFile, JSON.stringify(event));
  const { stdout } = await run(process.execPath, [script, path.join(dir, "__index.js"), eventFile], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_PATH: path.join(provided, "node_modules"),
      AWS_LAMBDA_FUNCTION_NAME: "deployed-test",
      ...env,
    },
  });
  const lines = stdout.trim().split("\n");
  const result = JSON.parse(lines.find((l) => l.startsWith("RESULT "))!.slice(7));
  return { result, lines: lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)) };
}

describe("inline closures as deployed", () => {
  it("packages zod and Powertools (no SDK client) next to the serialized stream processor and runs it on a real Kinesis event", async () => {
    const pkg = await build("streamProcessor");
    expect(pkg.packages).toEqual(expect.arrayContaining([...LAMBDA_PACKAGED_DEPENDENCIES]));
    expect(pkg.packages.filter((p) => p.startsWith("@aws-sdk/client-"))).toEqual([]);
    expect(pkg.zipBytes).toBeLessThan(3 * 1024 * 1024);
    // Nothing outside the package resolves but the SDK (as in Lambda).
    // (aws-xray-sdk-core, under the Powertools Tracer, brings `@aws-sdk/types` only.)
    const sdk = path.join(pkg.dir, "node_modules", "@aws-sdk");
    expect(fs.existsSync(sdk) ? fs.readdirSync(sdk).filter((d) => d.startsWith("client-")) : []).toEqual([]);

    const stream = { name: "deployed-clicks", arn: "" };
    const { arn, shardIds } = await createStream(emu.kinesis, stream.name);
    stream.arn = arn;
    const payloads = [
      ...Array.from({ length: 20 }, (_, i) => JSON.stringify(clickstreamEvent(i))),
      "{broken",
    ];
    await putRecords(
      emu.kinesis,
      stream.name,
      payloads.map((data, i) => ({ data, partitionKey: `p${i}` })),
    );
    const [event] = await readAsLambdaEvents(emu.kinesis, stream, shardIds[0]);
    await createTable(emu.dynamodb, "deployed-clicks", defineClickstream().tableKey);

    const { result, lines } = await invoke(pkg.dir, event, {
      ...emu.env(),
      AWS_ENDPOINT_URL_FIREHOSE: firehose.endpoint,
      DATA_PRODUCT: "clickstream",
      TABLE_NAME: "deployed-clicks",
      DELIVERY_STREAM_NAME: "lake-raw",
      DEAD_LETTER_BUCKET: BUCKET,
      DEAD_LETTER_PREFIX: "deployed/",
    });

    expect(result).toEqual({ batchItemFailures: [] });
    expect((await scanTable(emu.dynamodb, "deployed-clicks")).map((i) => i.eventId).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => clickstreamEvent(i).eventId).sort(),
    );
    // One Firehose record carrying the 20 lake lines (the delivery stream splits them on newline).
    expect(firehose.records).toHaveLength(1);
    expect(firehose.records[0].split("\n").map((l) => JSON.parse(l).eventId)).toEqual(
      Array.from({ length: 20 }, (_, i) => clickstreamEvent(i).eventId),
    );
    const dls = (await readObjects(emu.s3, BUCKET, "deployed/")).map(
      (o) => JSON.parse(o.body) as DeadLetterDocument,
    );
    expect(dls.map((d) => [d.reason, Buffer.from(d.data, "base64").toString()])).toEqual([
      ["not-json", "{broken"],
    ]);
    expect(lines.find((l) => l.message === "batch processed")).toMatchObject({
      functionName: "deployed-test",
      records: 21,
    });
    expect(lines.find((l) => l._aws)).toMatchObject({
      DataProduct: "clickstream",
      Records: 21,
      DeadLettered: 1,
    });
  });

  it("runs the serialized window aggregator and flushes the final window", async () => {
    const pkg = await build("windowAggregator");
    expect(pkg.packages).toEqual(expect.arrayContaining([...LAMBDA_PACKAGED_DEPENDENCIES]));
    expect(pkg.packages.filter((p) => p.startsWith("@aws-sdk/client-"))).toEqual([]);
    await createTable(emu.dynamodb, "deployed-windows", WINDOW_TABLE_KEY);
    const base: KinesisStreamEvent = {
      Records: Array.from({ length: 12 }, (_, i) => ({
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: "p",
          sequenceNumber: String(1000 + i),
          data: Buffer.from(
            JSON.stringify(clickstreamEvent(i * 3 + 1, { page: i % 2 ? "/a" : "/b" })),
          ).toString("base64"),
          approximateArrivalTimestamp: 1_790_000_000 + i,
        },
        eventSource: "aws:kinesis",
        eventVersion: "1.0",
        eventID: `shardId-000000000000:${1000 + i}`,
        eventName: "aws:kinesis:record",
        invokeIdentityArn: "arn:aws:iam::000000000000:role/r",
        awsRegion: "us-east-1",
        eventSourceARN: "arn:aws:kinesis:us-east-1:000000000000:stream/deployed-clicks",
      })),
    };
    const { result } = await invoke(
      pkg.dir,
      {
        ...base,
        window: { start: "2026-11-27T14:00:00Z", end: "2026-11-27T14:01:00Z" },
        state: {},
        shardId: "shardId-000000000000",
        eventSourceARN: base.Records[0].eventSourceARN,
        isFinalInvokeForWindow: true,
        isWindowTerminatedEarly: false,
      },
      { ...emu.env(), DATA_PRODUCT: "clickstream", TABLE_NAME: "deployed-windows" },
    );
    expect(result).toMatchObject({
      state: { records: 12, groups: { "/a": [6, 6], "/b": [6, 6] } },
      batchItemFailures: [],
    });
    const items = await scanTable(emu.dynamodb, "deployed-windows");
    expect(
      items
        .filter((i) => i.key)
        .map((i) => [i.key, i.count])
        .sort(),
    ).toEqual([
      ["/a", 6],
      ["/b", 6],
    ]);
  });

  it("runs the serialized processor as the feature consumer: one PutRecord per valid event", async () => {
    const pkg = await build("streamProcessor");
    const events = Array.from({ length: 8 }, (_, i) => clickstreamEvent(100 + i));
    const event: KinesisStreamEvent = {
      Records: [...events.map((e) => JSON.stringify(e)), "{broken"].map((data, i) => ({
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: `p${i}`,
          sequenceNumber: String(5000 + i),
          data: Buffer.from(data).toString("base64"),
          approximateArrivalTimestamp: 1_790_000_000 + i,
        },
        eventSource: "aws:kinesis",
        eventVersion: "1.0",
        eventID: `shardId-000000000000:${5000 + i}`,
        eventName: "aws:kinesis:record",
        invokeIdentityArn: "arn:aws:iam::000000000000:role/r",
        awsRegion: "us-east-1",
        eventSourceARN: "arn:aws:kinesis:us-east-1:000000000000:stream/deployed-clicks",
      })),
    };
    const { result, lines } = await invoke(pkg.dir, event, {
      ...emu.env(),
      AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME: featureStore.endpoint,
      DATA_PRODUCT: "clickstream",
      FEATURE_GROUP_NAME: "clickstream-visitor-test",
      DEAD_LETTER_BUCKET: BUCKET,
      DEAD_LETTER_PREFIX: "deployed-features/",
    });
    expect(result).toEqual({ batchItemFailures: [] });
    expect(featureStore.records.map((r) => r.featureGroupName)).toEqual(
      Array(8).fill("clickstream-visitor-test"),
    );
    const visitors = featureStore.records.map(
      (r) => r.record.find((f) => f.FeatureName === "visitor_id")?.ValueAsString,
    );
    expect(visitors.sort()).toEqual(events.map((e) => e.userId).sort());
    expect(lines.find((l) => l._aws)).toMatchObject({ FeatureRecords: 8, DeadLettered: 1 });
    expect((await readObjects(emu.s3, BUCKET, "deployed-features/")).length).toBe(1);
  });
});

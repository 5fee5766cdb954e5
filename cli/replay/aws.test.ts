import {
  DescribeStreamSummaryCommand,
  KinesisClient,
  ProvisionedThroughputExceededException,
  SplitShardCommand,
} from "@aws-sdk/client-kinesis";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { defineClickstream } from "../../runtime/schemas";
import { linkProvidedSdk, type BuiltPackage } from "../../runtime/testing/deployed";
import {
  CREDENTIALS,
  createStream,
  createTable,
  type Emulators,
  putRecords,
  readObjects,
  REGION,
  scanTable,
  startEmulators,
} from "../../runtime/testing/emulators";
import { clickstreamEvent } from "../../runtime/testing/events";
import { LocalFunction } from "../local/functions";
import type { Invoker } from "../local/poller";
import { formatReplayReport, replayOnAws, type ReplayOptions } from "./aws";
import { type ApiMapping, type LambdaApi, startLambdaApi } from "./lambda-api";

/*
 * The replay's AWS code path, offline, with real SDK clients and wire formats: Kinesis is
 * kinesalite, Lambda is the loopback Lambda API in front of the stream processor exactly as it would
 * be deployed (the serialized closure and its package, run in a Lambda-like container), writing to
 * dynalite and s3rver.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const TABLE = "replay-clicks";
const BUCKET = "replay-dead-letters";
const FUNCTION = "clickstream-processor";
const run = promisify(execFile);

let emu: Emulators;
let work: string;
let processor: LocalFunction;
let lambda: LambdaClient;
let api: LambdaApi;
/** What the deployed function receives, per test: the invoker behind the API. */
let behind: Invoker;
const mappings: ApiMapping[] = [];

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "replay-aws-"));
  emu = await startEmulators({ buckets: [BUCKET] });
  await createTable(emu.dynamodb, TABLE, defineClickstream().tableKey);
  const dir = path.join(work, "package");
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "runtime/testing/deployed.ts", "build", "streamProcessor", dir],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  const pkg = JSON.parse(stdout.trim().split("\n").at(-1)!) as BuiltPackage;
  const provided = path.join(work, "provided");
  linkProvidedSdk(provided, ["@aws-sdk/client-dynamodb", "@aws-sdk/client-firehose", "@aws-sdk/client-s3"]);
  processor = new LocalFunction(
    {
      project: "clickstream",
      projectDir: ROOT,
      urn: "urn:test",
      name: FUNCTION,
      handler: "__index.handler",
      timeoutSeconds: 60,
      memoryMb: 512,
      environment: {
        DATA_PRODUCT: "clickstream",
        TABLE_NAME: TABLE,
        DEAD_LETTER_BUCKET: BUCKET,
        DEAD_LETTER_PREFIX: "dead-letters/",
      },
      code: {},
    },
    pkg.dir,
    { ...emu.env(), NODE_PATH: path.join(provided, "node_modules") },
    2,
    path.join(work, "processor.log"),
  );
  behind = processor;
  api = await startLambdaApi(
    [
      {
        name: FUNCTION,
        invoker: { invoke: (e) => behind.invoke(e) },
        mappings,
        role: "arn:aws:iam::000000000000:role/processor",
      },
    ],
    { region: REGION },
  );
  lambda = new LambdaClient({ region: REGION, endpoint: api.endpoint, credentials: CREDENTIALS });
}, 120_000);

afterAll(async () => {
  lambda?.destroy();
  await api?.close();
  await processor?.stop();
  await emu?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

afterEach(() => {
  behind = processor;
});

/** A stream with a mapping to the processor (batch size 10, partial batch responses). */
async function streamWithMapping(name: string, shards = 1, over: Partial<ApiMapping> = {}) {
  const s = await createStream(emu.kinesis, name, shards);
  mappings.push({
    uuid: `uuid-${name}`,
    eventSourceArn: s.arn,
    batchSize: 10,
    reportBatchItemFailures: true,
    bisectOnError: true,
    ...over,
  });
  return s;
}

const events = (from: number, n: number) =>
  Array.from({ length: n }, (_, k) => ({
    data: JSON.stringify(clickstreamEvent(from + k)),
    partitionKey: `session-${(from + k) % 7}`,
  }));

const ids = (from: number, n: number) =>
  Array.from({ length: n }, (_, k) => clickstreamEvent(from + k).eventId);

async function storedIds(from: number, n: number): Promise<string[]> {
  const want = new Set(ids(from, n));
  return (await scanTable(emu.dynamodb, TABLE))
    .map((i) => String(i.eventId))
    .filter((id) => want.has(id))
    .sort();
}

type KEvent = {
  Records: {
    eventID: string;
    eventSourceARN: string;
    invokeIdentityArn: string;
    awsRegion: string;
    kinesis: {
      sequenceNumber: string;
      partitionKey: string;
      data: string;
      approximateArrivalTimestamp: number;
    };
  }[];
};

/** Records every event, then lets `answer` decide (default: the deployed processor). */
function recording(answer?: (e: KEvent, call: number) => Promise<unknown> | undefined) {
  const seen: KEvent[] = [];
  behind = {
    invoke: async (e) => {
      seen.push(e as KEvent);
      const custom = answer?.(e as KEvent, seen.length);
      if (custom) return { ok: true, payload: await custom };
      return processor.invoke(e);
    },
  };
  return seen;
}

const options = (over: Partial<ReplayOptions> & Pick<ReplayOptions, "stream">): ReplayOptions => ({
  kinesis: emu.kinesis,
  lambda,
  functionName: FUNCTION,
  from: { type: "TRIM_HORIZON" },
  idleMs: 20,
  ...over,
});

describe("npm run replay against AWS (Kinesis and Lambda APIs, offline)", () => {
  it("replays closed parent shards before their children after a split, in Lambda's event format", async () => {
    // Arrange: 30 records, a split of the only shard, 30 more (they land in the children).
    const s = await streamWithMapping("replay-split");
    await putRecords(emu.kinesis, "replay-split", events(0, 30));
    await emu.kinesis.send(
      new SplitShardCommand({
        StreamName: "replay-split",
        ShardToSplit: s.shardIds[0],
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    for (;;) {
      const d = await emu.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "replay-split" }));
      if (d.StreamDescriptionSummary?.StreamStatus === "ACTIVE") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await putRecords(emu.kinesis, "replay-split", events(30, 30));
    const seen = recording();

    // Act (kinesalite stamps a new child shard's records up to a second ahead of the clock: `until`
    // leaves room for that)
    const report = await replayOnAws(
      options({ stream: "replay-split", until: new Date(Date.now() + 5_000) }),
    );

    // Assert: every record reached the table once, the parent's invokes all came first.
    expect(await storedIds(0, 60)).toEqual(ids(0, 60).sort());
    expect(report.unprocessed).toEqual([]);
    expect(report.reprocessed).toBe(60);
    const [parent, ...children] = report.shards;
    expect(parent).toMatchObject({ shardId: s.shardIds[0], closed: true, read: 30, parents: [] });
    expect(children.map((c) => c.parents)).toEqual([[s.shardIds[0]], [s.shardIds[0]]]);
    expect(children.reduce((n, c) => n + c.read, 0)).toBe(30);
    const shardOf = (e: KEvent) => e.Records[0].eventID.split(":")[0];
    const lastParent = seen.map(shardOf).lastIndexOf(s.shardIds[0]);
    const firstChild = seen.findIndex((e) => shardOf(e) !== s.shardIds[0]);
    expect(lastParent).toBeLessThan(firstChild);
    expect(Math.max(...seen.map((e) => e.Records.length))).toBe(10);
    const r = seen[0].Records[0];
    expect(r).toMatchObject({
      eventSource: "aws:kinesis",
      eventName: "aws:kinesis:record",
      eventVersion: "1.0",
      eventSourceARN: s.arn,
      awsRegion: REGION,
      invokeIdentityArn: "arn:aws:iam::000000000000:role/processor",
      eventID: `${s.shardIds[0]}:${r.kinesis.sequenceNumber}`,
      kinesis: { kinesisSchemaVersion: "1.0", partitionKey: "session-0" },
    });
    expect(JSON.parse(Buffer.from(r.kinesis.data, "base64").toString())).toEqual(clickstreamEvent(0));
    expect(r.kinesis.approximateArrivalTimestamp).toBeGreaterThan(1_700_000_000);
    expect(r.kinesis.approximateArrivalTimestamp).toBeLessThan(1e10); // seconds, not milliseconds
  });

  it("resumes from the lowest failed sequence number and reports, never skips, what keeps failing", async () => {
    // Arrange: the function runs out of time after 4 records of its first invoke (it reports the
    // rest as failed, highest first), and record 23 always fails.
    await streamWithMapping("replay-partial");
    const seqs = await putRecords(emu.kinesis, "replay-partial", events(100, 30));
    const failing = seqs[23];
    const seen = recording((e, call) => {
      const records = e.Records;
      const upTo = call === 1 ? 4 : records.findIndex((x) => x.kinesis.sequenceNumber === failing);
      if (upTo < 0) return undefined;
      const rest = records.slice(upTo).map((x) => ({ itemIdentifier: x.kinesis.sequenceNumber }));
      return processor
        .invoke({ ...e, Records: records.slice(0, upTo) })
        .then(() => ({ batchItemFailures: rest.reverse() }));
    });

    // Act
    const report = await replayOnAws(options({ stream: "replay-partial", maxRetries: 2 }));

    // Assert: the second invoke starts at record 4; records 20-22 succeed on the first try of their
    // batch, 23 and the rest of its batch are retried twice, then reported.
    const firstOf = (e: KEvent) => seqs.indexOf(e.Records[0].kinesis.sequenceNumber);
    expect(seen.map(firstOf)).toEqual([0, 4, 10, 20, 23, 23]);
    expect(report.unprocessed.map((u) => u.sequenceNumber)).toEqual(seqs.slice(23, 30));
    expect(report.unprocessed[0]).toMatchObject({
      condition: "RetryAttemptsExhausted",
      error: `the function reported ${failing} as failed`,
      invokes: 3,
    });
    expect(JSON.parse(Buffer.from(report.unprocessed[0].data, "base64").toString())).toEqual(
      clickstreamEvent(123),
    );
    expect(await storedIds(100, 30)).toEqual(ids(100, 23).sort());
    // Retries: one for the first batch, two for the batch holding record 23.
    expect(report.shards[0].stats).toMatchObject({
      partialFailures: 4,
      retries: 3,
      delivered: 23,
      discarded: 7,
    });
    const text = formatReplayReport(report, "out/replay/x.ndjson");
    expect(text).toMatch(
      /not reprocessed 7 — still failing after the retries; the records are in out\/replay\/x\.ndjson/,
    );
    expect(text).toContain(`${seqs[23]}..${seqs[29]} (7): the function reported ${failing} as failed`);
  });

  it("is idempotent: replaying twice stores no record and no dead letter twice; --from a time replays only what came after", async () => {
    await streamWithMapping("replay-twice", 2);
    const bad = [
      { data: "{not json", partitionKey: "bad-1" },
      { data: JSON.stringify({ ...clickstreamEvent(299), eventType: 42 }), partitionKey: "bad-2" },
    ];
    await putRecords(emu.kinesis, "replay-twice", [...events(200, 40), ...bad]);

    const first = await replayOnAws(options({ stream: "replay-twice" }));
    const afterFirst = await scanTable(emu.dynamodb, TABLE);
    const second = await replayOnAws(options({ stream: "replay-twice" }));
    const afterSecond = await scanTable(emu.dynamodb, TABLE);

    expect([first.reprocessed, second.reprocessed]).toEqual([42, 42]);
    expect(await storedIds(200, 40)).toEqual(ids(200, 40).sort());
    expect(afterSecond).toHaveLength(afterFirst.length);
    const deadLetters = await readObjects(emu.s3, BUCKET, "dead-letters/");
    expect(deadLetters.filter((o) => /bad|not json|eventType/.test(o.body))).toHaveLength(2);

    // Records put after a point in time: only those are replayed.
    await new Promise((r) => setTimeout(r, 20));
    const at = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await putRecords(emu.kinesis, "replay-twice", events(240, 10));
    const seen = recording();
    const later = await replayOnAws(options({ stream: "replay-twice", from: { type: "AT_TIMESTAMP", at } }));
    expect(later.reprocessed).toBe(10);
    const replayedIds = seen.flatMap((e) =>
      e.Records.map((x) => JSON.parse(Buffer.from(x.kinesis.data, "base64").toString()).eventId),
    );
    expect(replayedIds.sort()).toEqual(ids(240, 10).sort());
  });

  it("stops at the records that arrived before it started and backs off while Kinesis throttles reads", async () => {
    await streamWithMapping("replay-tip");
    await putRecords(emu.kinesis, "replay-tip", events(400, 20));
    // A Kinesis client whose first three GetRecords calls are throttled (no SDK retries).
    const kinesis = new KinesisClient({
      region: REGION,
      credentials: CREDENTIALS,
      endpoint: emu.endpoints.kinesis,
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
    let throttles = 3;
    kinesis.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "GetRecordsCommand" && throttles-- > 0)
          throw new ProvisionedThroughputExceededException({
            message: "Rate exceeded for shard",
            $metadata: {},
          });
        return next(args);
      },
      { step: "initialize" },
    );
    // Records produced while the replay runs are for the live mapping, not the replay.
    const seen = recording((e, call) =>
      call === 1
        ? putRecords(emu.kinesis, "replay-tip", events(420, 5))
            .then(() => processor.invoke(e))
            .then((r) => (r.ok ? r.payload : Promise.reject(new Error(r.error))))
        : undefined,
    );
    try {
      const report = await replayOnAws(
        options({ stream: "replay-tip", kinesis, throttle: { baseMs: 1, maxMs: 5, attempts: 5 } }),
      );
      expect(report.shards[0].throttled).toBe(3);
      expect(report.reprocessed).toBe(20);
      expect(seen.flatMap((e) => e.Records)).toHaveLength(20);
      expect(await storedIds(400, 25)).toEqual(ids(400, 20).sort());
    } finally {
      kinesis.destroy();
    }
  });
});

describe("npm run replay -- --env dev (the command)", () => {
  function cli(args: string[], env: Record<string, string>) {
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "cli/platform.ts", "replay", ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", HOME: work, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  }

  it("replays with credentials from the environment, names from an outputs file, and refuses prod without --yes", async () => {
    await streamWithMapping("replay-cli");
    await putRecords(emu.kinesis, "replay-cli", events(500, 12));
    const outputs = path.join(work, "outputs.json");
    fs.writeFileSync(outputs, JSON.stringify({ streamName: "replay-cli", processorName: FUNCTION }));
    const aws = {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_KINESIS: emu.endpoints.kinesis,
      AWS_ENDPOINT_URL_LAMBDA: api.endpoint,
    };

    const ok = await cli(["--env", "dev", "--outputs", outputs, "--from", "TRIM_HORIZON"], aws);
    expect({ status: ok.status, stderr: ok.status === 0 ? "" : ok.stderr }).toEqual({
      status: 0,
      stderr: "",
    });
    expect(ok.stderr).toMatch(
      /replay against AWS \(us-east-1, stack dev\): stream replay-cli → function clickstream-processor/,
    );
    expect(ok.stdout).toMatch(/reprocessed +12 records/);
    expect(ok.stdout).toMatch(/not reprocessed 0/);
    expect(ok.stdout).toMatch(/idempotent: the processor writes the serving table with conditional writes/);
    expect(await storedIds(500, 12)).toEqual(ids(500, 12).sort());

    const prod = await cli(["--env", "prod", "--outputs", outputs, "--from", "TRIM_HORIZON"], aws);
    expect(prod.status).toBe(2);
    expect(prod.stderr).toMatch(/--env prod: replaying a production stream needs --yes/);

    const noCredentials = await cli(
      ["--env", "dev", "--stream", "replay-cli", "--function", FUNCTION, "--from", "TRIM_HORIZON"],
      {
        AWS_REGION: REGION,
        AWS_CONFIG_FILE: path.join(work, "none"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(work, "none"),
        AWS_EC2_METADATA_DISABLED: "true",
      },
    );
    expect(noCredentials.status).toBe(2);
    expect(noCredentials.stderr).toMatch(/--env dev: no AWS credentials resolve/);
  }, 120_000);
});

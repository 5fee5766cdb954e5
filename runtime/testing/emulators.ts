import {
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
  type KeySchemaElement,
} from "@aws-sdk/client-dynamodb";
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import * as fs from "fs";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { unmarshallItem } from "../sinks/marshall";
import type { Item } from "../schemas/types";
import type { KinesisEventRecord, KinesisStreamEvent } from "../types";
import { ACCOUNT, REGION } from "./identity";

/*
 * Real AWS emulators from npm on loopback, started and stopped by the tests themselves:
 * kinesalite (Kinesis), dynalite (DynamoDB), s3rver (S3). Ports are chosen by the OS (port 0).
 */

export { ACCOUNT, REGION };
/** s3rver's built-in credentials; kinesalite and dynalite accept any. */
export const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

interface Closable {
  close(cb?: (err?: Error) => void): unknown;
}

export interface Emulators {
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly endpoints: { readonly kinesis: string; readonly dynamodb: string; readonly s3: string };
  /** Environment for a process (a deployed closure) that should talk to these emulators. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

function listen(server: {
  listen(port: number, host: string, cb: () => void): unknown;
  address(): unknown;
}): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function close(server: Closable): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Starts kinesalite, dynalite and s3rver on free loopback ports, with SDK clients for each.
 * `buckets` are created up front. Always `await emulators.stop()` (in `afterAll`).
 *
 * @example
 * const emu = await startEmulators({ buckets: ["dead-letters"] });
 * try { ... } finally { await emu.stop(); }
 */
export async function startEmulators(options: { buckets?: string[] } = {}): Promise<Emulators> {
  const kinesalite = require("kinesalite");
  const dynalite = require("dynalite");
  const S3rver = require("s3rver");
  const kServer = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  const dServer = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const s3dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-"));
  const s3server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: s3dir,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  const [kEndpoint, dEndpoint, s3Address] = await Promise.all([
    listen(kServer),
    listen(dServer),
    s3server.run() as Promise<AddressInfo>,
  ]);
  const s3Endpoint = `http://127.0.0.1:${s3Address.port}`;
  const common = { region: REGION, credentials: CREDENTIALS };
  // SDK retries (default 3 attempts) absorb loopback connection resets on a loaded machine; the
  // tests inject their faults above the SDK, in the ports.
  const kinesis = new KinesisClient({
    ...common,
    endpoint: kEndpoint,
    requestHandler: new NodeHttpHandler(),
  });
  const dynamodb = new DynamoDBClient({ ...common, endpoint: dEndpoint });
  const s3 = new S3Client({ ...common, endpoint: s3Endpoint, forcePathStyle: true });
  return {
    kinesis,
    dynamodb,
    s3,
    endpoints: { kinesis: kEndpoint, dynamodb: dEndpoint, s3: s3Endpoint },
    env: () => ({
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_KINESIS: kEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dEndpoint,
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      S3_FORCE_PATH_STYLE: "true",
    }),
    stop: async () => {
      kinesis.destroy();
      dynamodb.destroy();
      s3.destroy();
      await Promise.all([close(kServer), close(dServer), s3server.close()]);
      fs.rmSync(s3dir, { recursive: true, force: true });
    },
  };
}

/** Creates a stream and returns its ARN and first shard id once it is ACTIVE. */
export async function createStream(
  kinesis: KinesisClient,
  name: string,
  shards = 1,
): Promise<{ arn: string; shardIds: string[] }> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const s = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (s.StreamDescriptionSummary?.StreamStatus === "ACTIVE") {
      const list = await kinesis.send(new ListShardsCommand({ StreamName: name }));
      return {
        arn: s.StreamDescriptionSummary.StreamARN!,
        shardIds: (list.Shards ?? []).map((x) => x.ShardId!),
      };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Puts records (in order, 500 per call) and returns their sequence numbers. */
export async function putRecords(
  kinesis: KinesisClient,
  stream: string,
  records: readonly { data: Buffer | string; partitionKey: string }[],
): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < records.length; i += 500) {
    const chunk = records.slice(i, i + 500);
    const res = await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: chunk.map((r) => ({
          Data: Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data),
          PartitionKey: r.partitionKey,
        })),
      }),
    );
    if (res.FailedRecordCount) throw new Error(`kinesalite refused ${res.FailedRecordCount} records`);
    for (const r of res.Records ?? []) out.push(r.SequenceNumber!);
  }
  return out;
}

/**
 * Reads a shard from the start with GetRecords and shapes the records exactly as Lambda delivers
 * them to a Kinesis consumer, split into events of at most `batchSize` records.
 */
export async function readAsLambdaEvents(
  kinesis: KinesisClient,
  stream: { name: string; arn: string },
  shardId: string,
  batchSize = 100,
): Promise<KinesisStreamEvent[]> {
  const it = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: stream.name,
      ShardId: shardId,
      ShardIteratorType: "TRIM_HORIZON",
    }),
  );
  let iterator = it.ShardIterator;
  const records: KinesisEventRecord[] = [];
  while (iterator) {
    const res = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    for (const r of res.Records ?? []) {
      records.push({
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: r.PartitionKey!,
          sequenceNumber: r.SequenceNumber!,
          data: Buffer.from(r.Data!).toString("base64"),
          approximateArrivalTimestamp: r.ApproximateArrivalTimestamp!.getTime() / 1000,
        },
        eventSource: "aws:kinesis",
        eventVersion: "1.0",
        eventID: `${shardId}:${r.SequenceNumber}`,
        eventName: "aws:kinesis:record",
        invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/stream-processor`,
        awsRegion: REGION,
        eventSourceARN: stream.arn,
      });
    }
    if ((res.Records ?? []).length === 0 || res.MillisBehindLatest === 0) break;
    iterator = res.NextShardIterator;
  }
  const events: KinesisStreamEvent[] = [];
  for (let i = 0; i < records.length; i += batchSize)
    events.push({ Records: records.slice(i, i + batchSize) });
  return events;
}

/** Creates a table with string key attributes, on demand. */
export async function createTable(
  dynamodb: DynamoDBClient,
  name: string,
  key: { hashKey: string; rangeKey?: string },
): Promise<void> {
  const schema: KeySchemaElement[] = [{ AttributeName: key.hashKey, KeyType: "HASH" }];
  const attrs = [{ AttributeName: key.hashKey, AttributeType: "S" as const }];
  if (key.rangeKey) {
    schema.push({ AttributeName: key.rangeKey, KeyType: "RANGE" });
    attrs.push({ AttributeName: key.rangeKey, AttributeType: "S" });
  }
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: schema,
      AttributeDefinitions: attrs,
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}

/** Every item of a table, unmarshalled. */
export async function scanTable(dynamodb: DynamoDBClient, name: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const res = await dynamodb.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
    for (const i of res.Items ?? []) items.push(unmarshallItem(i));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every object under a prefix, as `{ key, body }`. */
export async function readObjects(
  s3: S3Client,
  bucket: string,
  prefix = "",
): Promise<{ key: string; body: string }[]> {
  const out: { key: string; body: string }[] = [];
  let token: string | undefined;
  do {
    const res = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of res.Contents ?? []) {
      const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
      out.push({ key: o.Key!, body: await obj.Body!.transformToString() });
    }
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

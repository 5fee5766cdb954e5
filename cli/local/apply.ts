import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from "@aws-sdk/client-dynamodb";
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ResourceInUseException as StreamInUseException,
} from "@aws-sdk/client-kinesis";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { DataPlane } from "./model";
import { CREDENTIALS, type Endpoints, REGION } from "./emulators";

/** SDK clients on the emulators (Kinesis needs the HTTP/1.1 handler with kinesalite, see runtime/README.md). */
export interface Clients {
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  destroy(): void;
}

export function clientsFor(e: Omit<Endpoints, "firehose">): Clients {
  const common = { region: REGION, credentials: CREDENTIALS };
  const kinesis = new KinesisClient({
    ...common,
    endpoint: e.kinesis,
    requestHandler: new NodeHttpHandler(),
  });
  const dynamodb = new DynamoDBClient({ ...common, endpoint: e.dynamodb });
  const s3 = new S3Client({ ...common, endpoint: e.s3, forcePathStyle: true });
  return {
    kinesis,
    dynamodb,
    s3,
    destroy: () => {
      kinesis.destroy();
      dynamodb.destroy();
      s3.destroy();
    },
  };
}

/** An S3 object sink for the Firehose emulation and the on-failure destinations. */
export function s3Sink(s3: S3Client) {
  return {
    put: async (bucket: string, key: string, body: Buffer) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
  };
}

/**
 * Creates the data plane from the plan's own inputs: streams with their shard counts, tables with
 * their key schema and attribute types, buckets named as the plan names them. Existing resources
 * (a replay on the previous run's data) are reused.
 */
export async function applyDataPlane(
  clients: Clients,
  plane: DataPlane,
  say: (line: string) => void,
): Promise<void> {
  for (const b of plane.buckets) {
    try {
      await clients.s3.send(new CreateBucketCommand({ Bucket: b.name }));
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw err;
    }
  }
  for (const t of plane.tables) {
    const keys = [t.hashKey, ...(t.rangeKey ? [t.rangeKey] : [])];
    const missing = keys.filter((k) => !t.attributes.some((a) => a.name === k));
    if (missing.length) {
      throw new Error(`${t.urn}: key attribute(s) ${missing.join(", ")} not declared in attributes`);
    }
    try {
      await clients.dynamodb.send(
        new CreateTableCommand({
          TableName: t.name,
          KeySchema: [
            { AttributeName: t.hashKey, KeyType: "HASH" },
            ...(t.rangeKey ? [{ AttributeName: t.rangeKey, KeyType: "RANGE" as const }] : []),
          ],
          AttributeDefinitions: t.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
  for (const s of plane.streams) {
    try {
      await clients.kinesis.send(new CreateStreamCommand({ StreamName: s.name, ShardCount: s.shards }));
    } catch (err) {
      if (!(err instanceof StreamInUseException)) throw err;
    }
  }
  // Wait until everything is ACTIVE (the emulators create at once, but the API is asynchronous).
  for (const s of plane.streams) {
    for (;;) {
      const d = await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: s.name }));
      if (d.StreamDescriptionSummary?.StreamStatus === "ACTIVE") break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  for (const t of plane.tables) {
    for (;;) {
      const d = await clients.dynamodb.send(new DescribeTableCommand({ TableName: t.name }));
      if (d.Table?.TableStatus === "ACTIVE") break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  say(
    `applied the data plane: ${plane.streams.length} streams (${plane.streams.map((s) => `${s.name}: ${s.shards} shard${s.shards > 1 ? "s" : ""}${s.mode === "ON_DEMAND" ? " (on-demand)" : ""}`).join(", ")}), ` +
      `${plane.tables.length} tables, ${plane.buckets.length} buckets, ${plane.deliveries.length} delivery streams`,
  );
}

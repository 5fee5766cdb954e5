import { randomUUID } from "node:crypto";
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type ShardIteratorType,
} from "@aws-sdk/client-kinesis";
import type { LocalFunction } from "./functions";
import { type MappingSpec, nameFromArn } from "./model";
import {
  type FailureDestination,
  type FailureRecord,
  ShardConsumer,
  type ShardRecord,
  type ShardSource,
} from "./poller";

/** Where a mapping starts reading: the mapping's own starting position, or a replay point. */
export type StartAt = { type: "TRIM_HORIZON" | "LATEST" } | { type: "AT_TIMESTAMP"; at: Date };

/** A shard read with GetShardIterator/GetRecords, the iterator kept between reads. */
export class KinesisShardSource implements ShardSource {
  private iterator?: string;
  constructor(
    private readonly kinesis: KinesisClient,
    private readonly stream: string,
    private readonly shardId: string,
    private readonly start: StartAt,
  ) {}

  async next(limit: number): Promise<ShardRecord[]> {
    if (!this.iterator) {
      const ask = (type: ShardIteratorType, extra: { Timestamp?: Date } = {}) =>
        this.kinesis.send(
          new GetShardIteratorCommand({
            StreamName: this.stream,
            ShardId: this.shardId,
            ShardIteratorType: type,
            ...extra,
          }),
          // kinesalite never answers AT_TIMESTAMP when no record is that recent: bound the wait.
          { abortSignal: AbortSignal.timeout(10_000) },
        );
      if (this.start.type === "AT_TIMESTAMP") {
        try {
          this.iterator = (await ask("AT_TIMESTAMP", { Timestamp: this.start.at })).ShardIterator;
        } catch {
          // Nothing at or after that time (or the time is in the future): read only new records.
          this.iterator = (await ask("LATEST")).ShardIterator;
        }
      } else {
        this.iterator = (await ask(this.start.type)).ShardIterator;
      }
    }
    const out = await this.kinesis.send(
      new GetRecordsCommand({ ShardIterator: this.iterator, Limit: limit }),
    );
    this.iterator = out.NextShardIterator;
    return (out.Records ?? []).map((r) => ({
      sequenceNumber: r.SequenceNumber!,
      partitionKey: r.PartitionKey!,
      data: Buffer.from(r.Data ?? new Uint8Array()),
      arrivalMs: r.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
    }));
  }
}

/**
 * An S3 on-failure destination as Lambda writes it: one JSON object per discarded batch with the
 * invocation record (condition, counts, shard and sequence range) and, for S3, the records.
 * Key: `aws/lambda/<mapping id>/<shard id>/YYYY/MM/DD/<timestamp>-<uuid>`.
 */
export function s3FailureDestination(
  put: (bucket: string, key: string, body: Buffer) => Promise<void>,
  mapping: MappingSpec,
  shardId: string,
  functionArn: string,
): FailureDestination | undefined {
  const arn = mapping.onFailureArn;
  if (!arn) return undefined;
  if (!arn.startsWith("arn:aws:s3:::")) {
    throw new Error(
      `${mapping.urn}: on-failure destination ${arn} is not emulated locally (S3 buckets only)`,
    );
  }
  const bucket = nameFromArn(arn);
  return {
    send: async (f: FailureRecord, event: unknown) => {
      const now = new Date();
      const day = now.toISOString().slice(0, 10).replace(/-/g, "/");
      const key = `aws/lambda/${mapping.name}/${shardId}/${day}/${now.toISOString()}-${randomUUID()}`;
      const doc = {
        requestContext: {
          requestId: randomUUID(),
          functionArn,
          condition: f.condition,
          approximateInvokeCount: f.approximateInvokeCount,
        },
        responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: f.error },
        version: "1.0",
        timestamp: now.toISOString(),
        KinesisBatchInfo: {
          shardId,
          startSequenceNumber: f.records[0].sequenceNumber,
          endSequenceNumber: f.records[f.records.length - 1].sequenceNumber,
          approximateArrivalOfFirstRecord: new Date(f.records[0].arrivalMs).toISOString(),
          approximateArrivalOfLastRecord: new Date(f.records[f.records.length - 1].arrivalMs).toISOString(),
          batchSize: f.records.length,
          streamArn: mapping.eventSourceArn,
        },
        payload: JSON.stringify(event),
      };
      await put(bucket, key, Buffer.from(JSON.stringify(doc)));
    },
  };
}

/** Prefix of a mapping's on-failure objects. */
export function failurePrefix(mapping: MappingSpec): string {
  return `aws/lambda/${mapping.name}/`;
}

/** One running mapping: a consumer per shard, with the mapping's parallelization factor. */
export class LocalMapping {
  readonly pollers: ShardConsumer[] = [];
  private runs: Promise<void>[] = [];

  constructor(
    readonly spec: MappingSpec,
    readonly fn: LocalFunction,
  ) {}

  async start(
    kinesis: KinesisClient,
    put: (bucket: string, key: string, body: Buffer) => Promise<void>,
    startAt: StartAt | undefined,
    log: (line: string) => void,
  ): Promise<void> {
    const shards = await kinesis.send(new ListShardsCommand({ StreamName: this.spec.streamName }));
    const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:${this.fn.spec.name}`;
    const at: StartAt = startAt ?? {
      type: this.spec.startingPosition === "LATEST" ? "LATEST" : "TRIM_HORIZON",
    };
    for (const s of shards.Shards ?? []) {
      const shardId = s.ShardId!;
      const poller = new ShardConsumer(
        {
          shardId,
          eventSourceArn: this.spec.eventSourceArn,
          functionArn,
          region: "us-east-1",
          batchSize: this.spec.batchSize,
          batchingWindowMs: this.spec.batchingWindowSeconds * 1000,
          reportBatchItemFailures: this.spec.reportBatchItemFailures,
          bisectOnError: this.spec.bisectOnError,
          maximumRetryAttempts: this.spec.maximumRetryAttempts,
          maximumRecordAgeSeconds: this.spec.maximumRecordAgeSeconds,
          parallelizationFactor: this.spec.parallelizationFactor,
          ...(this.spec.tumblingWindowSeconds
            ? { tumblingWindowSeconds: this.spec.tumblingWindowSeconds }
            : {}),
        },
        new KinesisShardSource(kinesis, this.spec.streamName, shardId, at),
        this.fn,
        s3FailureDestination(put, this.spec, shardId, functionArn),
        undefined,
        (line) => log(`${this.fn.spec.name} ${shardId}: ${line}`),
      );
      this.pollers.push(poller);
    }
    this.runs = this.pollers.map((p) => p.run());
  }

  /** Everything read has been processed and the shards had nothing new at the last read. */
  get idle(): boolean {
    return this.pollers.every((p) => p.idle);
  }

  async stop(): Promise<void> {
    for (const p of this.pollers) p.stop();
    await Promise.all(this.runs);
  }
}

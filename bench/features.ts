/*
 * Feature ingestion throughput: records/second of the stream processor with only the Feature
 * Store sink (the clickstream feature consumer), on 100-record Kinesis batches of ~300-byte
 * clickstream events, base64-encoded as Lambda delivers them. PutRecord goes to an in-memory port
 * that answers after `--latency` ms (default 0; Feature Store's PutRecord is typically a few ms),
 * so the number shows the CPU cost per record and, with a latency, what `FEATURE_CONCURRENCY`
 * parallel calls sustain per invocation.
 *
 *   npx tsx bench/features.ts [--latency <ms>] [--concurrency <n, 16>] [--batches <n, 200>]
 */
import { buildFeatureSet } from "../runtime/features";
import { createKinesisProcessor } from "../runtime/processor/processor";
import { defineClickstream } from "../runtime/schemas";
import type { FeatureStorePort, ObjectStorePort } from "../runtime/sinks/ports";
import { jsonLogger } from "../runtime/telemetry/log";
import { clickstreamEvent, kinesisRecord } from "../runtime/testing/events";
import type { KinesisStreamEvent } from "../runtime/types";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const LATENCY = flag("--latency", 0);
const CONCURRENCY = flag("--concurrency", 16);
const BATCHES = flag("--batches", 200);
const BATCH = 100;

async function main(): Promise<void> {
  let puts = 0;
  const port: FeatureStorePort = {
    putRecord: async () => {
      puts++;
      if (LATENCY > 0) await new Promise((r) => setTimeout(r, LATENCY));
      return {};
    },
  };
  const store: ObjectStorePort = { putObject: async () => ({}) };
  const handler = createKinesisProcessor({
    product: defineClickstream() as never,
    features: {
      port,
      featureGroupName: "bench",
      featureSet: buildFeatureSet("clickstream"),
      concurrency: CONCURRENCY,
    },
    deadLetter: { port: store, bucket: "b", prefix: "d/" },
    logger: jsonLogger({ write: () => undefined }),
    writeMetrics: () => undefined,
  });
  const events: KinesisStreamEvent[] = Array.from({ length: 20 }, (_, b) => ({
    Records: Array.from({ length: BATCH }, (_, i) =>
      kinesisRecord(JSON.stringify(clickstreamEvent(b * BATCH + i)), b * BATCH + i),
    ),
  }));
  const context = { awsRequestId: "bench", getRemainingTimeInMillis: () => 60_000 };
  for (let i = 0; i < 20; i++) await handler(events[i % events.length], context); // warm-up
  puts = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < BATCHES; i++) {
    const res = await handler(events[i % events.length], context);
    if (res.batchItemFailures.length) throw new Error("unexpected failure");
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const records = BATCHES * BATCH;
  console.log(
    JSON.stringify({
      latencyMs: LATENCY,
      concurrency: CONCURRENCY,
      records,
      putRecordCalls: puts,
      seconds: Number(seconds.toFixed(3)),
      recordsPerSecond: Math.round(records / seconds),
    }),
  );
}

void main();

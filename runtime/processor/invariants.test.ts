import { defineClickstream, defineOrders, type OrderEvent } from "../schemas";
import type { DeadLetterDocument } from "../sinks/deadletter";
import { dynamoDbPort, objectStorePort } from "../sinks/ports";
import { jsonLogger } from "../telemetry/log";
import { createTable, readObjects, scanTable, startEmulators, type Emulators } from "../testing/emulators";
import { clickstreamEvent, eventOf, orderEvent, seededRandom, virtualTime } from "../testing/events";
import { awsError, FakeFirehose, faultyDynamoDb, faultyObjectStore } from "../testing/fakes";
import type { KinesisEventRecord } from "../types";
import { createKinesisProcessor } from "./processor";

/*
 * Randomized fault injection: throttling, UnprocessedItems, FailedPutCount, whole-call errors,
 * dead-letter failures and slow calls that run into the Lambda timeout, replayed the way Lambda
 * does (redeliver from the reported sequence number). Invariant: every record ends stored
 * exactly once or dead-lettered exactly once; the lake holds every valid record (at least once).
 */

const BUCKET = "dead-letters";
let emu: Emulators;
beforeAll(async () => {
  emu = await startEmulators({ buckets: [BUCKET] });
});
afterAll(async () => {
  await emu?.stop();
});

function faults(seed: number, time: ReturnType<typeof virtualTime>) {
  const rnd = seededRandom(seed * 7919);
  const p = 0.2 + rnd() * 0.2;
  const slow = () => time.advance(Math.floor(rnd() * 700));
  return {
    table: (real: ReturnType<typeof dynamoDbPort>) =>
      faultyDynamoDb(real, {
        callError: () =>
          rnd() < p
            ? awsError(rnd() < 0.5 ? "ProvisionedThroughputExceededException" : "InternalServerError", 500)
            : undefined,
        unprocessed: () => rnd() < p,
        afterCall: slow,
      }),
    firehose: new FakeFirehose({
      callError: () => (rnd() < p / 2 ? awsError("ServiceUnavailableException", 503) : undefined),
      entryError: () => (rnd() < p ? "ServiceUnavailableException" : undefined),
      onCall: slow,
    }),
    deadLetters: (real: ReturnType<typeof objectStorePort>) =>
      faultyObjectStore(real, () =>
        rnd() < p ? (rnd() < 0.5 ? awsError("SlowDown", 503) : awsError("AccessDenied", 403)) : undefined,
      ),
  };
}

async function replay(
  handler: ReturnType<typeof createKinesisProcessor>,
  all: readonly KinesisEventRecord[],
  time: ReturnType<typeof virtualTime>,
  rnd: () => number,
): Promise<{ invocations: number; reportedFailures: number }> {
  let from = 0;
  let invocations = 0;
  let reportedFailures = 0;
  while (from < all.length) {
    if (++invocations > 1_000) throw new Error(`no progress at record ${from}`);
    const batch = all.slice(from, from + 10 + Math.floor(rnd() * 91));
    const res = await handler({ Records: batch }, time.context(6_000));
    if (res.batchItemFailures.length === 0) {
      from += batch.length;
      continue;
    }
    expect(res.batchItemFailures).toHaveLength(1);
    reportedFailures++;
    const at = batch.findIndex((r) => r.kinesis.sequenceNumber === res.batchItemFailures[0].itemIdentifier);
    expect(at).toBeGreaterThanOrEqual(0);
    from += at;
  }
  return { invocations, reportedFailures };
}

describe("processor invariants under randomized faults", () => {
  it.each(Array.from({ length: 8 }, (_, i) => i + 1))(
    "clickstream run %i: every record stored exactly once or dead-lettered exactly once",
    async (seed) => {
      const rnd = seededRandom(seed);
      const table = `clicks-inv-${seed}`;
      const prefix = `inv-${seed}/`;
      await createTable(emu.dynamodb, table, defineClickstream().tableKey);
      const time = virtualTime(seed);
      const f = faults(seed, time);
      const payloads = Array.from({ length: 250 }, (_, i) =>
        rnd() < 0.05 ? (rnd() < 0.5 ? `{bad ${i}` : JSON.stringify({ i })) : clickstreamEvent(i),
      );
      const handler = createKinesisProcessor({
        product: defineClickstream() as never,
        table: { port: f.table(dynamoDbPort(emu.dynamodb)), tableName: table },
        delivery: { port: f.firehose, deliveryStreamName: "lake" },
        deadLetter: { port: f.deadLetters(objectStorePort(emu.s3)), bucket: BUCKET, prefix },
        logger: jsonLogger({ level: "error", write: () => undefined }),
        writeMetrics: () => undefined,
        safetyMarginMs: 1_000,
        timing: time.timing,
        now: time.now,
      });
      const records = eventOf(payloads).Records;

      const run = await replay(handler, records, time, rnd);
      expect(run.reportedFailures).toBeGreaterThan(0); // the faults did force redeliveries

      const valid = payloads.flatMap((p) => (typeof p === "object" ? [p.eventId] : []));
      const poisonSeqs = payloads.flatMap((p, i) =>
        typeof p === "object" ? [] : [records[i].kinesis.sequenceNumber],
      );
      const items = await scanTable(emu.dynamodb, table);
      expect(items.map((i) => i.eventId).sort()).toEqual([...valid].sort());
      const dls = (await readObjects(emu.s3, BUCKET, prefix)).map(
        (o) => JSON.parse(o.body) as DeadLetterDocument,
      );
      expect(dls.map((d) => d.sequenceNumber).sort()).toEqual([...poisonSeqs].sort());
      const lake = new Set(f.firehose.delivered.map((l) => JSON.parse(l).eventId));
      expect([...lake].sort()).toEqual([...valid].sort());
    },
  );

  it.each([11, 12, 13])(
    "orders run %i: the table ends with the last state of every order, once",
    async (seed) => {
      const rnd = seededRandom(seed);
      const table = `orders-inv-${seed}`;
      await createTable(emu.dynamodb, table, defineOrders().tableKey);
      const time = virtualTime(seed);
      const f = faults(seed, time);
      const statuses = ["created", "paid", "shipped", "delivered"] as const;
      const events: OrderEvent[] = [];
      for (let step = 0; step < statuses.length; step++) {
        for (let o = 0; o < 40; o++) {
          if (step === 0 || rnd() < 0.8)
            events.push(
              orderEvent(o, {
                status: statuses[step],
                occurredAt: new Date(Date.UTC(2026, 10, 27, 14, step)).toISOString(),
              }),
            );
        }
      }
      const handler = createKinesisProcessor({
        product: defineOrders() as never,
        table: { port: f.table(dynamoDbPort(emu.dynamodb)), tableName: table },
        delivery: { port: f.firehose, deliveryStreamName: "lake" },
        deadLetter: {
          port: f.deadLetters(objectStorePort(emu.s3)),
          bucket: BUCKET,
          prefix: `orders-inv-${seed}/`,
        },
        logger: jsonLogger({ level: "error", write: () => undefined }),
        writeMetrics: () => undefined,
        safetyMarginMs: 1_000,
        writeConcurrency: 4,
        timing: time.timing,
        now: time.now,
      });

      const run = await replay(handler, eventOf(events).Records, time, rnd);
      expect(run.reportedFailures).toBeGreaterThan(0);

      const last = new Map<string, string>();
      for (const e of events) last.set(e.orderId, e.status);
      const items = await scanTable(emu.dynamodb, table);
      expect(new Map(items.map((i) => [i.orderId as string, i.status as string]))).toEqual(last);
      expect(items).toHaveLength(last.size);
    },
  );
});

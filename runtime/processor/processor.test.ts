import { defineClickstream, defineOrders } from "../schemas";
import type { DeadLetterDocument } from "../sinks/deadletter";
import { dynamoDbPort, objectStorePort, type DynamoDbPort, type ObjectStorePort } from "../sinks/ports";
import { jsonLogger } from "../telemetry/log";
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
import { clickstreamEvent, eventOf, kinesisRecord, orderEvent, virtualTime } from "../testing/events";
import { awsError, FakeFirehose, faultyDynamoDb, faultyObjectStore } from "../testing/fakes";
import { aggregateWithKpl } from "../testing/kpl";
import type { KinesisStreamEvent } from "../types";
import { createKinesisProcessor } from "./processor";

const BUCKET = "dead-letters";
let emu: Emulators;
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Date.now() % 100000}`;

beforeAll(async () => {
  emu = await startEmulators({ buckets: [BUCKET] });
});
afterAll(async () => {
  await emu?.stop();
});

interface Harness {
  handler: ReturnType<typeof createKinesisProcessor>;
  firehose: FakeFirehose;
  logs: Record<string, unknown>[];
  metrics: Record<string, unknown>[];
  table: string;
  prefix: string;
  time: ReturnType<typeof virtualTime>;
}

async function harness(options: {
  product?: "clickstream" | "orders";
  table?: (real: DynamoDbPort) => DynamoDbPort;
  deadLetters?: (real: ObjectStorePort) => ObjectStorePort;
  firehose?: FakeFirehose;
  lakeOnly?: boolean;
  createTableFirst?: boolean;
  seed?: number;
  writeConcurrency?: number;
}): Promise<Harness> {
  const product = options.product === "orders" ? defineOrders() : defineClickstream();
  const table = unique("table");
  if (options.createTableFirst !== false) await createTable(emu.dynamodb, table, product.tableKey);
  const firehose = options.firehose ?? new FakeFirehose();
  const logs: Record<string, unknown>[] = [];
  const metrics: Record<string, unknown>[] = [];
  const time = virtualTime(options.seed ?? 7);
  const prefix = `${unique("dl")}/`;
  const realTable = dynamoDbPort(emu.dynamodb);
  const realStore = objectStorePort(emu.s3);
  const handler = createKinesisProcessor({
    product: product as never,
    ...(options.lakeOnly
      ? {}
      : {
          table: {
            port: options.table ? options.table(realTable) : realTable,
            tableName: table,
            ttlDays: 30,
          },
        }),
    delivery: { port: firehose, deliveryStreamName: "lake-raw" },
    deadLetter: {
      port: options.deadLetters ? options.deadLetters(realStore) : realStore,
      bucket: BUCKET,
      prefix,
    },
    logger: jsonLogger({ write: (l) => logs.push(JSON.parse(l)), now: time.now }),
    writeMetrics: (l) => metrics.push(JSON.parse(l)),
    functionName: "processor-test",
    safetyMarginMs: 1_000,
    ...(options.writeConcurrency === undefined ? {} : { writeConcurrency: options.writeConcurrency }),
    timing: time.timing,
    now: time.now,
  });
  return { handler, firehose, logs, metrics, table, prefix, time };
}

async function deadLetters(prefix: string): Promise<DeadLetterDocument[]> {
  return (await readObjects(emu.s3, BUCKET, prefix)).map((o) => JSON.parse(o.body) as DeadLetterDocument);
}

/** Feeds events like Lambda: after a reported failure, redeliver from that sequence number on. */
async function drive(
  h: Harness,
  events: KinesisStreamEvent[],
  timeoutMs = 60_000,
  maxInvocations = 200,
): Promise<number> {
  const all = events.flatMap((e) => e.Records);
  const batch = events[0]?.Records.length ?? 100;
  let from = 0;
  let invocations = 0;
  while (from < all.length) {
    if (++invocations > maxInvocations) throw new Error("no progress");
    const records = all.slice(from, from + batch);
    const res = await h.handler({ Records: records }, h.time.context(timeoutMs));
    if (res.batchItemFailures.length === 0) from += records.length;
    else {
      expect(res.batchItemFailures).toHaveLength(1);
      const seq = res.batchItemFailures[0].itemIdentifier;
      const at = records.findIndex((r) => r.kinesis.sequenceNumber === seq);
      expect(at).toBeGreaterThanOrEqual(0);
      from += at;
    }
  }
  return invocations;
}

describe("stream processor against kinesalite, dynalite and s3rver", () => {
  it("stores every valid record once, delivers it to the lake and dead-letters poison with its raw data", async () => {
    // Arrange: 150 records through a real stream, 4 of them poison.
    const stream = { name: unique("clicks"), arn: "" };
    const { arn, shardIds } = await createStream(emu.kinesis, stream.name);
    stream.arn = arn;
    const payloads: string[] = Array.from({ length: 150 }, (_, i) => JSON.stringify(clickstreamEvent(i)));
    payloads[10] = "{not json";
    payloads[60] = JSON.stringify({ ...clickstreamEvent(60), eventType: "teleport" });
    payloads[61] = JSON.stringify({ ...clickstreamEvent(61), url: "not a url" });
    payloads[149] = JSON.stringify({ hello: "world" });
    const seqs = await putRecords(
      emu.kinesis,
      stream.name,
      payloads.map((p, i) => ({ data: p, partitionKey: `session-${i % 7}` })),
    );
    const events = await readAsLambdaEvents(emu.kinesis, stream, shardIds[0], 100);
    expect(events.map((e) => e.Records.length)).toEqual([100, 50]);
    const h = await harness({});

    // Act
    const results = [];
    for (const e of events) results.push(await h.handler(e, h.time.context(60_000)));

    // Assert
    expect(results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const items = await scanTable(emu.dynamodb, h.table);
    const valid = payloads.map((_, i) => i).filter((i) => ![10, 60, 61, 149].includes(i));
    expect(items.map((i) => i.eventId).sort()).toEqual(valid.map((i) => clickstreamEvent(i).eventId).sort());
    const first = items.find((i) => i.eventId === clickstreamEvent(0).eventId)!;
    expect(first).toMatchObject({
      pk: "SESSION#sess-00000000",
      _sequenceNumber: seqs[0],
      _idempotencyKey: first.eventId,
    });
    expect(typeof first.expiresAt).toBe("number");
    const lake = h.firehose.delivered.map((l) => JSON.parse(l));
    expect(h.firehose.delivered.every((l) => l.endsWith("\n"))).toBe(true);
    expect(lake.map((l) => l.eventId).sort()).toEqual(valid.map((i) => clickstreamEvent(i).eventId).sort());
    expect(lake[0]._meta).toMatchObject({
      sequenceNumber: seqs[0],
      shardId: shardIds[0],
      partition: { year: "2026", month: "11", day: "27", hour: "14" },
    });
    const dls = await deadLetters(h.prefix);
    expect(dls.map((d) => [d.sequenceNumber, d.reason])).toEqual(
      [
        [seqs[10], "not-json"],
        [seqs[60], "schema-violation"],
        [seqs[61], "schema-violation"],
        [seqs[149], "schema-violation"],
      ].sort((a, b) => a[0].localeCompare(b[0])),
    );
    const dl60 = dls.find((d) => d.sequenceNumber === seqs[60])!;
    expect(Buffer.from(dl60.data, "base64").toString()).toBe(payloads[60]);
    expect(dl60).toMatchObject({
      shardId: shardIds[0],
      eventSourceARN: arn,
      dataProduct: "clickstream",
      attempt: 1,
    });
    // The detail is zod's own issues (path: message, the first five), as `safeParse` reports them.
    const issuesText = (payload: string) => {
      const r = defineClickstream().schema.safeParse(JSON.parse(payload));
      if (r.success) throw new Error("expected invalid");
      return r.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ");
    };
    expect(dl60.detail).toBe(issuesText(payloads[60]));
    expect(dl60.detail).toMatch(/^eventType: Invalid option/);
    expect(dls.find((d) => d.sequenceNumber === seqs[61])!.detail).toBe(issuesText(payloads[61]));
    expect(dls.find((d) => d.sequenceNumber === seqs[149])!.detail).toBe(issuesText(payloads[149]));
  });

  it("redelivering a whole batch creates no duplicate item and no second dead letter", async () => {
    const h = await harness({});
    const event = eventOf([clickstreamEvent(1), clickstreamEvent(2), "garbage", clickstreamEvent(3)]);
    await h.handler(event, h.time.context(60_000));
    await h.handler(event, h.time.context(60_000));
    expect((await scanTable(emu.dynamodb, h.table)).length).toBe(3);
    expect((await deadLetters(h.prefix)).length).toBe(1);
  });

  it("keeps UTF-8 text intact in the serving item and the lake line, escapes included", async () => {
    const h = await harness({});
    const utf8 = { page: "/café/商品", userAgent: "Mozilla/5.0 🚲", properties: { ville: "Zürich" } };
    const [a, b] = [clickstreamEvent(50, utf8), clickstreamEvent(51, utf8)];
    // `a` as ASCII text with every other character escaped (\u00e9, surrogate pairs), `b` as raw UTF-8.
    const escaped = JSON.stringify(a).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    expect(Buffer.byteLength(escaped)).toBe(escaped.length);
    const res = await h.handler(eventOf([escaped, b]), h.time.context(60_000));
    expect(res.batchItemFailures).toEqual([]);
    const items = (await scanTable(emu.dynamodb, h.table)).sort((x, y) =>
      String(x.eventId).localeCompare(String(y.eventId)),
    );
    expect(items).toHaveLength(2);
    for (const item of items) expect(item).toMatchObject(utf8);
    const lines = h.firehose.delivered.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map(({ _meta, ...rest }) => rest)).toEqual([a, b]);
    // Whatever the producer's escaping, the line is the record as sent, re-serialized, `_meta` last.
    expect(h.firehose.delivered[0].startsWith(JSON.stringify(a).slice(0, -1) + ',"_meta":')).toBe(true);
    expect(h.firehose.delivered[1].startsWith(JSON.stringify(b).slice(0, -1) + ',"_meta":')).toBe(true);
  });

  it("stores a producer retry inside one batch once, and keeps items that share only a range key apart", async () => {
    const h = await harness({});
    const e = clickstreamEvent(40);
    // Same event id and time in another session: same sort key, different partition key.
    const other = { ...e, sessionId: "sess-elsewhere" };
    const later = clickstreamEvent(41, { sessionId: e.sessionId });
    const res = await h.handler(eventOf([e, other, e, later, other, e]), h.time.context(60_000));
    expect(res.batchItemFailures).toEqual([]);
    const items = await scanTable(emu.dynamodb, h.table);
    expect(items.map((i) => `${i.pk} ${i.sk}`).sort()).toEqual(
      [
        `SESSION#${e.sessionId} ${e.occurredAt}#${e.eventId}`,
        `SESSION#sess-elsewhere ${e.occurredAt}#${e.eventId}`,
        `SESSION#${e.sessionId} ${later.occurredAt}#${later.eventId}`,
      ].sort(),
    );
    // The last copy wins (highest sequence number); the lake keeps every record (at least once).
    const retried = items.find((i) => i.pk === `SESSION#${e.sessionId}` && i.eventId === e.eventId);
    expect(retried?._sequenceNumber).toBe(
      eventOf([e, other, e, later, other, e]).Records[5].kinesis.sequenceNumber,
    );
    expect(h.firehose.delivered).toHaveLength(6);
  });

  it("tells apart keys that differ only where the in-batch de-duplication does not hash", async () => {
    // 300 sessions whose ids differ only in their first characters (same length, same last 12
    // characters), all with the same sort key: every key hashes alike, so each lookup probes past
    // the others and must compare them in full. Plus one producer retry of the first record.
    const h = await harness({});
    const base = clickstreamEvent(7);
    const events = Array.from({ length: 300 }, (_, i) => ({
      ...base,
      sessionId: `${String(i).padStart(3, "0")}-same-tail-000000000000`,
    }));
    const res = await h.handler(eventOf([...events, events[0]]), h.time.context(60_000));
    expect(res.batchItemFailures).toEqual([]);
    const items = await scanTable(emu.dynamodb, h.table);
    expect(items.map((i) => i.pk).sort()).toEqual(events.map((e) => `SESSION#${e.sessionId}`).sort());
    expect(h.metrics[0]).toMatchObject({ Records: 301, Stored: 301 });
  });

  it("keeps the latest order state with conditional writes, whatever the redelivery order", async () => {
    const h = await harness({ product: "orders" });
    const created = orderEvent(1, { status: "created" });
    const paid = orderEvent(1, { status: "paid", occurredAt: "2026-11-27T14:05:00.000Z" });
    const other = orderEvent(2);
    const event = eventOf([created, other, paid]);
    expect(await h.handler(event, h.time.context(60_000))).toEqual({ batchItemFailures: [] });
    // Redeliver the older event alone, then everything: nothing regresses, nothing duplicates.
    await h.handler({ Records: [event.Records[0]] }, h.time.context(60_000));
    await h.handler(event, h.time.context(60_000));
    const items = await scanTable(emu.dynamodb, h.table);
    expect(items.map((i) => [i.orderId, i.status]).sort()).toEqual([
      ["order-00000001", "paid"],
      ["order-00000002", "created"],
    ]);
    expect(h.metrics.at(-1)).toMatchObject({ Duplicates: 2, Stored: 3 });
  });

  it("de-aggregates KPL records, keys them sequence:subsequence and dead-letters one bad user record", async () => {
    const stream = { name: unique("kpl"), arn: "" };
    const { arn, shardIds } = await createStream(emu.kinesis, stream.name);
    stream.arn = arn;
    const users = Array.from({ length: 30 }, (_, i) => ({
      data: Buffer.from(i === 17 ? "not json at all" : JSON.stringify(clickstreamEvent(1000 + i))),
      partitionKey: `session-${i}`,
    }));
    const aggregated = await aggregateWithKpl(users);
    const plain = JSON.stringify(clickstreamEvent(5000));
    const seqs = await putRecords(emu.kinesis, stream.name, [
      ...aggregated.map((data) => ({ data, partitionKey: "agg" })),
      { data: plain, partitionKey: "plain" },
    ]);
    const [event] = await readAsLambdaEvents(emu.kinesis, stream, shardIds[0]);
    const h = await harness({});
    expect(await h.handler(event, h.time.context(60_000))).toEqual({ batchItemFailures: [] });
    const items = await scanTable(emu.dynamodb, h.table);
    expect(items).toHaveLength(30);
    const sub3 = items.find((i) => i.eventId === clickstreamEvent(1003).eventId)!;
    expect(sub3).toMatchObject({ _sequenceNumber: seqs[0], _subSequenceNumber: 3 });
    const lake = h.firehose.delivered.map((l) => JSON.parse(l));
    expect(lake.find((l) => l.eventId === clickstreamEvent(1003).eventId)._meta).toMatchObject({
      sequenceNumber: seqs[0],
      subSequenceNumber: 3,
    });
    const [dl] = await deadLetters(h.prefix);
    expect(dl).toMatchObject({ sequenceNumber: seqs[0], subSequenceNumber: 17, reason: "not-json" });
    expect(Buffer.from(dl.data, "base64").toString()).toBe("not json at all");
    expect(h.metrics[0]).toMatchObject({ Records: 2, UserRecords: 31, PoisonRecords: 1, DeadLettered: 1 });
  });

  it("reports the parent sequence number when a user record of a KPL aggregate cannot be stored", async () => {
    const users = Array.from({ length: 5 }, (_, i) => ({
      data: Buffer.from(JSON.stringify(clickstreamEvent(i))),
      partitionKey: "p",
    }));
    const [agg] = await aggregateWithKpl(users);
    const event: KinesisStreamEvent = {
      Records: [kinesisRecord(JSON.stringify(clickstreamEvent(100)), 0), kinesisRecord(agg, 1)],
    };
    // The third user record of the aggregate is never processed.
    const h = await harness({
      table: (real) =>
        faultyDynamoDb(real, {
          unprocessed: (_call, _i, item) => item.eventId?.S === clickstreamEvent(2).eventId,
        }),
    });
    const res = await h.handler(event, h.time.context(10_000));
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1].kinesis.sequenceNumber }] });
  });

  it("dead-letters records that are not base64 and items over 400 KB", async () => {
    const big = orderEvent(9, { notes: "n".repeat(340_000) }, 3_000);
    const h = await harness({ product: "orders" });
    const event: KinesisStreamEvent = {
      Records: [
        kinesisRecord("%%%not-base64%%%", 0, { rawBase64: true }),
        kinesisRecord(JSON.stringify(big), 1),
        kinesisRecord(JSON.stringify(orderEvent(3)), 2),
      ],
    };
    expect(await h.handler(event, h.time.context(60_000))).toEqual({ batchItemFailures: [] });
    const dls = await deadLetters(h.prefix);
    expect(dls.map((d) => d.reason).sort()).toEqual(["item-too-large", "not-base64"]);
    expect(dls.find((d) => d.reason === "not-base64")!.data).toBe("%%%not-base64%%%");
    expect((await scanTable(emu.dynamodb, h.table)).map((i) => i.orderId)).toEqual(["order-00000003"]);
  });

  it("reports a poison record as failed when its dead letter cannot be written, and acknowledges nothing after it", async () => {
    const h = await harness({
      deadLetters: (real) => faultyObjectStore(real, () => awsError("AccessDenied", 403)),
    });
    const event = eventOf([
      clickstreamEvent(1),
      clickstreamEvent(2),
      "poison",
      clickstreamEvent(3),
      clickstreamEvent(4),
    ]);
    const res = await h.handler(event, h.time.context(60_000));
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[2].kinesis.sequenceNumber }] });
    expect(h.metrics[0]).toMatchObject({ PoisonRecords: 1, DeadLettered: 0, FailedRecords: 3 });
    // Redelivered from the poison record once S3 is back: dead-lettered once, valid records stored once.
    const fixed = await harness({});
    const again = await fixed.handler({ Records: event.Records.slice(2) }, fixed.time.context(60_000));
    expect(again).toEqual({ batchItemFailures: [] });
    expect((await deadLetters(fixed.prefix)).map((d) => d.sequenceNumber)).toEqual([
      event.Records[2].kinesis.sequenceNumber,
    ]);
  });

  it("drops nothing when DynamoDB throttles and returns UnprocessedItems", async () => {
    const h = await harness({
      table: (real) =>
        faultyDynamoDb(real, {
          callError: (call) =>
            call % 3 === 0 ? awsError("ProvisionedThroughputExceededException") : undefined,
          unprocessed: (call, i) => call < 6 && i % 4 === 1,
        }),
    });
    const event = eventOf(Array.from({ length: 100 }, (_, i) => clickstreamEvent(i)));
    expect(await h.handler(event, h.time.context(60_000))).toEqual({ batchItemFailures: [] });
    expect(await scanTable(emu.dynamodb, h.table)).toHaveLength(100);
    expect(h.metrics[0].Retried).toBeGreaterThan(0);
  });

  it("retries entries Firehose refuses (FailedPutCount) and reports exactly the first record it could not deliver", async () => {
    // 1,200 lines pack into three Firehose records (500 lines each at most). The record holding
    // event 742 (lines 500-999) is refused every time; the others are refused once, then pass.
    const firehose = new FakeFirehose({
      entryError: (call, _i, data) =>
        data.includes(clickstreamEvent(742).eventId) || call === 0
          ? "ServiceUnavailableException"
          : undefined,
    });
    const h = await harness({ firehose });
    const event = eventOf(Array.from({ length: 1200 }, (_, i) => clickstreamEvent(i)));
    const res = await h.handler(event, h.time.context(20_000));
    expect(res).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[500].kinesis.sequenceNumber }],
    });
    // Only the refused entries are sent again: the third record went through with the first retry
    // (it is redelivered with the middle one; the lake is at-least-once, lines carry `_meta`).
    expect(firehose.records.map((r) => r.split("\n").length)).toEqual([500, 200]);
    const delivered = firehose.delivered.map((l) => JSON.parse(l).eventId);
    const ids = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => clickstreamEvent(from + i).eventId);
    expect(delivered).toEqual([...ids(0, 500), ...ids(1000, 1200)]);
    expect(firehose.calls.length).toBeGreaterThan(2);
  });

  it("stops before the Lambda timeout and reports the next unprocessed record, then finishes on redelivery", async () => {
    let slow = true;
    // One write at a time: the fake advances the virtual clock per call, as a sequential caller sees it.
    const h = await harness({
      product: "orders",
      writeConcurrency: 1,
      table: (real) =>
        faultyDynamoDb(real, {
          afterCall: () => {
            if (slow) h.time.advance(400);
          },
        }),
    });
    const event = eventOf(Array.from({ length: 60 }, (_, i) => orderEvent(i)));
    const first = await h.handler(event, h.time.context(5_000));
    expect(first.batchItemFailures).toHaveLength(1);
    const at = event.Records.findIndex(
      (r) => r.kinesis.sequenceNumber === first.batchItemFailures[0].itemIdentifier,
    );
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(60);
    slow = false;
    await drive(h, [{ Records: event.Records.slice(at) }]);
    expect((await scanTable(emu.dynamodb, h.table)).map((i) => i.orderId).sort()).toEqual(
      Array.from({ length: 60 }, (_, i) => orderEvent(i).orderId),
    );
  });

  it("never throws when the whole batch fails: it reports the first record", async () => {
    const h = await harness({ createTableFirst: false });
    const event = eventOf([clickstreamEvent(1), clickstreamEvent(2)]);
    const shuffled = { Records: [event.Records[1], event.Records[0]] };
    const res = await h.handler(shuffled, h.time.context(60_000));
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0].kinesis.sequenceNumber }] });
    expect(
      h.logs.some((l) => l.level === "error" && String(l.error).includes("ResourceNotFoundException")),
    ).toBe(true);
  });

  it("fails the invocation (so Lambda bisects), and restores stack traces, when a product's schema turns out asynchronous", async () => {
    const product = defineClickstream();
    const asyncProduct = { ...product, schema: product.schema.refine(async () => true) };
    const logs: Record<string, unknown>[] = [];
    const handler = createKinesisProcessor({
      product: asyncProduct as never,
      delivery: { port: new FakeFirehose(), deliveryStreamName: "lake-raw" },
      deadLetter: { port: { putObject: async () => ({}) }, bucket: BUCKET, prefix: "async/" },
      logger: jsonLogger({ write: (l) => logs.push(JSON.parse(l)) }),
      writeMetrics: () => undefined,
    });
    const limit = Error.stackTraceLimit;
    const event = eventOf([clickstreamEvent(1), clickstreamEvent(2)]);
    await expect(handler(event, virtualTime(1).context(60_000))).rejects.toThrow(/schema is asynchronous/);
    expect(logs.some((l) => l.level === "error" && String(l.error).includes("schema is asynchronous"))).toBe(
      true,
    );
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("processes out-of-order deliveries in sequence-number order (compared as numbers)", async () => {
    const h = await harness({ lakeOnly: true });
    const records = [
      kinesisRecord(JSON.stringify(clickstreamEvent(1)), 9),
      kinesisRecord(JSON.stringify(clickstreamEvent(2)), 10),
    ];
    // 10 > 9 numerically although "...9" > "...10" would not hold as text for shorter strings.
    await h.handler({ Records: [records[1], records[0]] }, h.time.context(60_000));
    expect(h.firehose.delivered.map((l) => JSON.parse(l).eventId)).toEqual([
      clickstreamEvent(1).eventId,
      clickstreamEvent(2).eventId,
    ]);
  });

  it("logs one JSON line and one embedded-metric document per batch", async () => {
    const h = await harness({});
    await h.handler(eventOf([clickstreamEvent(1), "x"]), h.time.context(60_000));
    const summary = h.logs.find((l) => l.message === "batch processed")!;
    expect(summary).toMatchObject({
      level: "info",
      records: 2,
      poison: 1,
      deadLettered: 1,
      failed: 0,
      awsRequestId: "req-test",
    });
    expect(h.metrics).toHaveLength(1);
    const emf = h.metrics[0] as {
      _aws: {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
      };
    };
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe("DataPlatform/Streaming");
    expect(emf._aws.CloudWatchMetrics[0].Dimensions).toEqual([
      ["DataProduct"],
      ["DataProduct", "FunctionName"],
    ]);
    expect(emf._aws.CloudWatchMetrics[0].Metrics.map((m) => m.Name)).toEqual(
      expect.arrayContaining([
        "Records",
        "PoisonRecords",
        "DeadLettered",
        "Retried",
        "FailedRecords",
        "IteratorLag",
      ]),
    );
    expect(h.metrics[0]).toMatchObject({
      DataProduct: "clickstream",
      Records: 2,
      PoisonRecords: 1,
      DeadLettered: 1,
      FailedRecords: 0,
    });
  });
});

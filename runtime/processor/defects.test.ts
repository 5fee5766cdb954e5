import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { sdkClientConfig } from "../lambda/factories";
import { defineClickstream, defineOrders, type DataProduct } from "../schemas";
import type { DeadLetterDocument } from "../sinks/deadletter";
import { dynamoDbPort, objectStorePort, type DynamoDbPort } from "../sinks/ports";
import { jsonLogger } from "../telemetry/log";
import { createTable, readObjects, scanTable, startEmulators, type Emulators } from "../testing/emulators";
import { clickstreamEvent, eventOf, kinesisRecord, orderEvent, virtualTime } from "../testing/events";
import { awsError, FakeFirehose } from "../testing/fakes";
import { aggregateWithKpl } from "../testing/kpl";
import type { KinesisStreamEvent } from "../types";
import { createKinesisProcessor } from "./processor";

/*
 * The runtime defects of issue #16 (item 4), each as the behaviour a user relies on, through the
 * processor's public entry (`createKinesisProcessor`) against dynalite and s3rver.
 */

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

async function harness(options: {
  product?: DataProduct<unknown>;
  table?: (real: DynamoDbPort) => DynamoDbPort;
}) {
  const product = options.product ?? (defineClickstream() as DataProduct<unknown>);
  const table = unique("table");
  await createTable(emu.dynamodb, table, product.tableKey);
  const firehose = new FakeFirehose();
  const time = virtualTime(3);
  const prefix = `${unique("dl")}/`;
  const logs: Record<string, unknown>[] = [];
  const real = dynamoDbPort(emu.dynamodb);
  const handler = createKinesisProcessor({
    product,
    table: { port: options.table ? options.table(real) : real, tableName: table, ttlDays: 30 },
    delivery: { port: firehose, deliveryStreamName: "lake-raw" },
    deadLetter: { port: objectStorePort(emu.s3), bucket: BUCKET, prefix },
    logger: jsonLogger({ write: (l) => logs.push(JSON.parse(l)) }),
    writeMetrics: () => undefined,
    safetyMarginMs: 1_000,
    timing: time.timing,
    now: time.now,
  });
  const run = (event: KinesisStreamEvent) => handler(event, time.context(60_000));
  const items = () => scanTable(emu.dynamodb, table);
  const deadLetters = async () =>
    (await readObjects(emu.s3, BUCKET, prefix)).map((o) => JSON.parse(o.body) as DeadLetterDocument);
  const lake = () => firehose.delivered.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { run, items, deadLetters, lake, firehose, logs };
}

describe("4.1 invalid UTF-8", () => {
  it("dead-letters a record whose bytes are not UTF-8 with its original bytes, and stores nothing of it", async () => {
    const h = await harness({});
    const json = JSON.stringify(clickstreamEvent(1, { page: "/caf__" }));
    // "é" in Latin-1 (0xe9 alone) is not UTF-8: decoding it would store U+FFFD instead.
    const bad = Buffer.from(json.replace("__", "\u00e9\u00e9"), "latin1");
    const lone = Buffer.concat([Buffer.from(json.slice(0, -2)), Buffer.from([0xc3]), Buffer.from('"}')]);
    const event = eventOf([bad, clickstreamEvent(2), lone]);
    expect(await h.run(event)).toEqual({ batchItemFailures: [] });

    expect((await h.items()).map((i) => i.eventId)).toEqual([clickstreamEvent(2).eventId]);
    expect(h.lake().map((l) => l.eventId)).toEqual([clickstreamEvent(2).eventId]);
    const dls = await h.deadLetters();
    expect(dls.map((d) => [d.sequenceNumber, d.reason]).sort()).toEqual([
      [event.Records[0].kinesis.sequenceNumber, "not-utf8"],
      [event.Records[2].kinesis.sequenceNumber, "not-utf8"],
    ]);
    expect(Buffer.from(dls[0].data, "base64").equals(bad)).toBe(true);
    expect(Buffer.from(dls[1].data, "base64").equals(lone)).toBe(true);
  });

  it("dead-letters one invalid UTF-8 user record of a KPL aggregate and stores the others", async () => {
    const h = await harness({});
    const bad = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"\xff\xfe"}
    const [agg] = await aggregateWithKpl([
      { data: Buffer.from(JSON.stringify(clickstreamEvent(10))), partitionKey: "p" },
      { data: bad, partitionKey: "p" },
      { data: Buffer.from(JSON.stringify(clickstreamEvent(11))), partitionKey: "p" },
    ]);
    const event: KinesisStreamEvent = { Records: [kinesisRecord(agg, 0)] };
    expect(await h.run(event)).toEqual({ batchItemFailures: [] });
    expect((await h.items()).map((i) => i.eventId).sort()).toEqual(
      [clickstreamEvent(10).eventId, clickstreamEvent(11).eventId].sort(),
    );
    const [dl] = await h.deadLetters();
    expect(dl).toMatchObject({ reason: "not-utf8", subSequenceNumber: 1 });
    expect(Buffer.from(dl.data, "base64").equals(bad)).toBe(true);
  });
});

describe("4.2 orders: versioned by the event's own order, not by arrival", () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 14, minute)).toISOString();

  it("never lets an older event that arrives later overwrite newer state, in one batch or across batches", async () => {
    const h = await harness({ product: defineOrders() as DataProduct<unknown> });
    const paid = orderEvent(1, { status: "paid", occurredAt: at(5) });
    const created = orderEvent(1, { status: "created", occurredAt: at(0) });
    const shipped2 = orderEvent(2, { status: "shipped", occurredAt: at(9) });
    const paid2 = orderEvent(2, { status: "paid", occurredAt: at(3) });
    // Batch 1: order 1 paid; order 2 shipped, then its older `paid` later in the same batch.
    expect(await h.run(eventOf([paid, shipped2, paid2]))).toEqual({ batchItemFailures: [] });
    // Batch 2: order 1's `created` event, older, arrives last (the highest sequence number).
    expect(await h.run(eventOf([created], 10))).toEqual({ batchItemFailures: [] });

    const state = new Map((await h.items()).map((i) => [i.orderId, i.status]));
    expect(state).toEqual(
      new Map([
        [paid.orderId, "paid"],
        [shipped2.orderId, "shipped"],
      ]),
    );
    // The lake keeps every event, the late one included.
    expect(h.lake()).toHaveLength(4);
  });

  it("orders two events of the same instant by lifecycle status", async () => {
    const h = await harness({ product: defineOrders() as DataProduct<unknown> });
    const shipped = orderEvent(3, { status: "shipped", occurredAt: at(1) });
    const paid = orderEvent(3, { status: "paid", occurredAt: at(1) });
    await h.run(eventOf([shipped]));
    await h.run(eventOf([paid], 5));
    expect((await h.items()).map((i) => i.status)).toEqual(["shipped"]);
  });
});

describe("4.3 clickstream: one serving item per event id", () => {
  it("keys equivalent timestamps alike, in one batch and across batches", async () => {
    const h = await harness({});
    const base = clickstreamEvent(5, { occurredAt: "2026-11-27T14:00:00.685Z" });
    const variants = [
      base,
      { ...base, occurredAt: "2026-11-27T14:00:00.685+00:00" },
      { ...base, occurredAt: "2026-11-27T15:00:00.685+01:00" },
    ];
    expect(await h.run(eventOf(variants))).toEqual({ batchItemFailures: [] });
    expect(await h.run(eventOf([variants[1]], 10))).toEqual({ batchItemFailures: [] });
    const items = await h.items();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      sk: `2026-11-27T14:00:00.685Z#${base.eventId}`,
      occurredAt: "2026-11-27T14:00:00.685Z",
    });
  });
});

describe("4.4 lake lines", () => {
  it("keeps every field whatever the producer's whitespace, with exactly one _meta and no duplicate key", async () => {
    const h = await harness({});
    const e = { ...clickstreamEvent(7), extra: { campaign: "x", n: 1 } };
    const pretty = JSON.stringify(e, null, 2);
    const compact = JSON.stringify(e);
    const withMeta = JSON.stringify({ ...clickstreamEvent(8), _meta: { forged: true } });
    // A repeated key: JSON.parse (and the validation) keep the last value.
    const repeated = JSON.stringify(clickstreamEvent(9)).replace('"page":', '"page":"/first","page":');
    expect(await h.run(eventOf([pretty, compact, withMeta, repeated]))).toEqual({ batchItemFailures: [] });

    const lines = h.firehose.delivered;
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line.indexOf("\n")).toBe(line.length - 1);
      expect(line.match(/"_meta":/g)).toHaveLength(1);
      expect(line.match(/"page":/g)).toHaveLength(1);
    }
    const [a, b, c, d] = h.lake();
    const strip = ({ _meta, ...rest }: Record<string, unknown>) => rest;
    expect(strip(a)).toEqual(e);
    expect(strip(b)).toEqual(e);
    expect(lines[0]).toBe(
      lines[1].replace(
        /"sequenceNumber":"\d+"/,
        `"sequenceNumber":"${(a._meta as { sequenceNumber: string }).sequenceNumber}"`,
      ),
    );
    expect(c._meta).not.toHaveProperty("forged");
    expect(c._meta).toMatchObject({ idempotencyKey: clickstreamEvent(8).eventId });
    expect(d.page).toBe(clickstreamEvent(9).page);
  });
});

describe("4.5 event times outside the lake's projected years", () => {
  it("dead-letters them before any sink, accepts the first and last projected instants, and never writes a negative TTL", async () => {
    const h = await harness({});
    const times = [
      "2024-12-31T23:59:59.999Z",
      "2025-01-01T00:00:00.000Z",
      "2099-12-31T23:59:59.999Z",
      "2100-01-01T00:00:00.000Z",
      "1969-12-31T23:00:00.000Z",
      "2025-01-01T00:30:00.000+01:00", // 2024-12-31T23:30Z
    ];
    const event = eventOf(times.map((occurredAt, i) => clickstreamEvent(100 + i, { occurredAt })));
    expect(await h.run(event)).toEqual({ batchItemFailures: [] });
    const items = await h.items();
    expect(items.map((i) => i.occurredAt).sort()).toEqual([times[1], times[2]]);
    for (const item of items) expect(item.expiresAt).toBeGreaterThan(Date.UTC(2025, 0, 1) / 1000);
    expect(
      h
        .lake()
        .map((l) => (l._meta as { partition: { year: string } }).partition.year)
        .sort(),
    ).toEqual(["2025", "2099"]);
    const dls = await h.deadLetters();
    expect(dls.map((d) => d.reason)).toEqual(Array(4).fill("event-time-out-of-range"));
    expect(dls.map((d) => d.sequenceNumber).sort()).toEqual(
      [0, 3, 4, 5].map((i) => event.Records[i].kinesis.sequenceNumber).sort(),
    );
    expect(dls[0].detail).toMatch(/outside the lake's projected years 2025-2099/);
  });
});

describe("4.6 SDK calls never outlive the invocation", () => {
  it("aborts a DynamoDB call that hangs 12 s when 5 s are left, and reports the first unfinished record in time", async () => {
    // A DynamoDB endpoint that accepts the request and answers only after 12 s.
    const requests: number[] = [];
    const server = http.createServer((req) => {
      requests.push(Date.now());
      req.resume();
      const t = setTimeout(() => req.socket.destroy(), 12_000);
      req.socket.on("close", () => clearTimeout(t));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new DynamoDBClient({
      ...sdkClientConfig(),
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
    });
    try {
      const firehose = new FakeFirehose();
      const handler = createKinesisProcessor({
        product: defineOrders() as DataProduct<unknown>,
        table: { port: dynamoDbPort(client), tableName: "orders" },
        delivery: { port: firehose, deliveryStreamName: "lake" },
        deadLetter: { port: { putObject: async () => ({}) }, bucket: BUCKET, prefix: "hang/" },
        logger: jsonLogger({ write: () => undefined }),
        writeMetrics: () => undefined,
        safetyMarginMs: 3_000,
      });
      const event = eventOf([orderEvent(1), orderEvent(2)]);
      const started = Date.now();
      const deadline = started + 5_000;
      const res = await handler(event, { getRemainingTimeInMillis: () => deadline - Date.now() });
      const took = Date.now() - started;

      expect(res).toEqual({
        batchItemFailures: [{ itemIdentifier: event.Records[0].kinesis.sequenceNumber }],
      });
      // The table's share of the budget (5 s - 3 s margin, less the lake's quarter) ends at 1.5 s:
      // the call is aborted then, and the handler returns well before the 5 s timeout.
      expect(took).toBeGreaterThanOrEqual(1_400);
      expect(took).toBeLessThan(2_500);
      expect(requests.length).toBeGreaterThan(0);
      // Nothing reached the lake for records the table did not finish.
      expect(firehose.delivered).toEqual([]);
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 15_000);

  it("returns before the timeout even when a port ignores the abort signal", async () => {
    const handler = createKinesisProcessor({
      product: defineClickstream() as DataProduct<unknown>,
      delivery: { port: { putRecordBatch: () => new Promise(() => undefined) }, deliveryStreamName: "lake" },
      deadLetter: { port: { putObject: async () => ({}) }, bucket: BUCKET, prefix: "hang/" },
      logger: jsonLogger({ write: () => undefined }),
      writeMetrics: () => undefined,
      safetyMarginMs: 1_000,
    });
    const event = eventOf([clickstreamEvent(1), clickstreamEvent(2)]);
    const started = Date.now();
    const res = await handler(event, { getRemainingTimeInMillis: () => started + 1_500 - Date.now() });
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0].kinesis.sequenceNumber }] });
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

describe("4.8 unexpected errors", () => {
  it("throw, so Lambda bisects the batch, instead of reporting record 0 on every retry", async () => {
    const product = defineClickstream();
    const buggy = {
      ...product,
      toItem: (e: Parameters<typeof product.toItem>[0]) => {
        if (e.eventId === clickstreamEvent(3).eventId) throw new TypeError("bug in toItem");
        return product.toItem(e);
      },
    } as DataProduct<unknown>;
    const h = await harness({ product: buggy });
    await expect(h.run(eventOf([clickstreamEvent(1), "not json", clickstreamEvent(3)]))).rejects.toThrow(
      "bug in toItem",
    );
    expect(h.logs.some((l) => l.level === "error" && String(l.error).includes("bug in toItem"))).toBe(true);
    // Bisected down to the good half, the batch goes through.
    expect(await h.run(eventOf([clickstreamEvent(1), "not json"]))).toEqual({ batchItemFailures: [] });
  });
});

describe("4.9 a record DynamoDB refuses", () => {
  it("is dead-lettered and not delivered to the lake as if valid", async () => {
    const refused = clickstreamEvent(21).eventId;
    const refuse = (items: { eventId?: { S?: string } }[]) => items.some((i) => i.eventId?.S === refused);
    const h = await harness({
      table: (real) => ({
        batchWriteItem: async (input, options) => {
          const items = Object.values(input.RequestItems ?? {})[0].map((r) => r.PutRequest?.Item ?? {});
          if (refuse(items)) throw awsError("ValidationException");
          return real.batchWriteItem(input, options);
        },
        putItem: async (input, options) => {
          if (refuse([input.Item ?? {}])) throw awsError("ValidationException");
          return real.putItem(input, options);
        },
      }),
    });
    const event = eventOf([clickstreamEvent(20), clickstreamEvent(21), clickstreamEvent(22)]);
    expect(await h.run(event)).toEqual({ batchItemFailures: [] });
    expect((await h.items()).map((i) => i.eventId).sort()).toEqual(
      [clickstreamEvent(20).eventId, clickstreamEvent(22).eventId].sort(),
    );
    expect(h.lake().map((l) => l.eventId)).toEqual([
      clickstreamEvent(20).eventId,
      clickstreamEvent(22).eventId,
    ]);
    const [dl] = await h.deadLetters();
    expect(dl).toMatchObject({
      reason: "rejected-by-sink",
      sequenceNumber: event.Records[1].kinesis.sequenceNumber,
    });
  });
});

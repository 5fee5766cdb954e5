import { WindowFlushError, WindowStateTooLargeError } from "../errors";
import { defineClickstream, defineOrders } from "../schemas";
import { dynamoDbPort } from "../sinks/ports";
import { jsonLogger } from "../telemetry/log";
import { createTable, scanTable, startEmulators, type Emulators } from "../testing/emulators";
import { clickstreamEvent, eventOf, kinesisRecord, orderEvent, virtualTime } from "../testing/events";
import { aggregateWithKpl } from "../testing/kpl";
import type { KinesisStreamEvent, KinesisWindowEvent } from "../types";
import { createWindowAggregator, WINDOW_TABLE_KEY, type WindowState } from "./aggregator";

let emu: Emulators;
beforeAll(async () => {
  emu = await startEmulators();
});
afterAll(async () => {
  await emu?.stop();
});

const WINDOW = { start: "2026-11-27T14:00:00Z", end: "2026-11-27T14:01:00Z" };

function windowEvent(
  event: KinesisStreamEvent,
  state: WindowState | Record<string, never>,
  final: boolean,
): KinesisWindowEvent<WindowState> {
  return {
    ...event,
    window: WINDOW,
    state,
    shardId: "shardId-000000000000",
    eventSourceARN: event.Records[0]?.eventSourceARN ?? "arn:aws:kinesis:us-east-1:000000000000:stream/s",
    isFinalInvokeForWindow: final,
    isWindowTerminatedEarly: false,
  };
}

async function setup(tableExists = true, stateLimitBytes?: number, product = defineClickstream() as never) {
  const table = `windows-${Math.random().toString(36).slice(2, 8)}`;
  if (tableExists) await createTable(emu.dynamodb, table, WINDOW_TABLE_KEY);
  const metrics: Record<string, unknown>[] = [];
  const logs: Record<string, unknown>[] = [];
  const time = virtualTime(3);
  const handler = createWindowAggregator({
    product,
    table: { port: dynamoDbPort(emu.dynamodb), tableName: table, ttlDays: 7 },
    logger: jsonLogger({ write: (l) => logs.push(JSON.parse(l)) }),
    writeMetrics: (l) => metrics.push(JSON.parse(l)),
    metricTopKeys: 2,
    ...(stateLimitBytes ? { stateLimitBytes } : {}),
    timing: time.timing,
    now: time.now,
  });
  return { table, metrics, logs, time, handler };
}

describe("tumbling-window aggregator", () => {
  it("counts a record whose bytes are not UTF-8 as invalid, not as a page view of U+FFFD text", async () => {
    const s = await setup();
    const json = JSON.stringify(clickstreamEvent(1, { page: "/p__" }));
    const latin1 = Buffer.from(json.replace("__", "\u00e9\u00e9"), "latin1");
    const r = await s.handler(
      windowEvent(eventOf([latin1, clickstreamEvent(2)]), {}, false),
      s.time.context(60_000),
    );
    expect(r.state).toMatchObject({ records: 2, invalid: 1 });
    expect(Object.keys(r.state.groups)).toEqual([clickstreamEvent(2).page]);
  });

  it("returns state on every invoke and writes page views by page only on the final invoke", async () => {
    const s = await setup();
    // page_view for i % 3 !== 0; pages cycle through 8 paths.
    const first = eventOf(Array.from({ length: 30 }, (_, i) => clickstreamEvent(i)));
    const second = eventOf(
      [...Array.from({ length: 30 }, (_, i) => clickstreamEvent(30 + i)), "not json"],
      30,
    );

    const r1 = await s.handler(windowEvent(first, {}, false), s.time.context(60_000));
    expect(r1.state.records).toBe(30);
    expect(await scanTable(emu.dynamodb, s.table)).toEqual([]);
    const r2 = await s.handler(windowEvent(second, r1.state, false), s.time.context(60_000));
    const r3 = await s.handler(windowEvent({ Records: [] }, r2.state, true), s.time.context(60_000));

    expect(r3.batchItemFailures).toEqual([]);
    expect(r3.state).toEqual(r2.state);
    const expected: Record<string, number> = {};
    for (let i = 0; i < 60; i++) {
      const e = clickstreamEvent(i);
      if (e.eventType === "page_view") expected[e.page] = (expected[e.page] ?? 0) + 1;
    }
    const items = await scanTable(emu.dynamodb, s.table);
    const perKey = Object.fromEntries(items.filter((i) => i.key !== undefined).map((i) => [i.key, i.count]));
    expect(perKey).toEqual(expected);
    const total = items.find((i) => String(i.sk).startsWith("#TOTAL#"))!;
    expect(total).toMatchObject({
      pk: `WINDOW#clickstream#${WINDOW.start}`,
      records: 61,
      invalid: 1,
      windowEnd: WINDOW.end,
    });
    expect(typeof total.expiresAt).toBe("number");
    expect(s.metrics[0]).toMatchObject({
      DataProduct: "clickstream",
      WindowRecords: 61,
      WindowInvalidRecords: 1,
      WindowCount: 40,
    });
    expect(s.metrics.slice(1).map((m) => m.Key)).toHaveLength(2);
  });

  it("sums order totals by currency, counting KPL-aggregated records", async () => {
    const s = await setup(true, undefined, defineOrders() as never);
    const orders = [
      orderEvent(1),
      orderEvent(2, { currency: "USD" }),
      orderEvent(3),
      orderEvent(4, { status: "paid" }),
    ];
    const [agg] = await aggregateWithKpl(
      orders.slice(0, 3).map((o) => ({ data: Buffer.from(JSON.stringify(o)), partitionKey: o.orderId })),
    );
    const event: KinesisStreamEvent = {
      Records: [kinesisRecord(agg, 0), kinesisRecord(JSON.stringify(orders[3]), 1)],
    };
    const r = await s.handler(windowEvent(event, {}, true), s.time.context(60_000));
    expect(r.state.records).toBe(4);
    expect(r.state.groups.EUR).toEqual([2, orders[0].total + orders[2].total]);
    expect(r.state.groups.USD).toEqual([1, orders[1].total]);
  });

  it("fails loudly before the state reaches the 1 MB limit", async () => {
    const s = await setup(true, 2_000);
    const many = eventOf(
      Array.from({ length: 200 }, (_, i) => clickstreamEvent(i * 3 + 1, { page: `/p/${i}` })),
    );
    await expect(s.handler(windowEvent(many, {}, false), s.time.context(60_000))).rejects.toThrow(
      WindowStateTooLargeError,
    );
    expect(s.logs.some((l) => l.level === "error" && l.message === "window state too large")).toBe(true);
  });

  it("throws when the final window cannot be stored, so the retry with the prior state counts nothing twice", async () => {
    const broken = await setup(false);
    const event = eventOf(Array.from({ length: 10 }, (_, i) => clickstreamEvent(i * 3 + 1)));
    const prior = (await broken.handler(windowEvent(event, {}, false), broken.time.context(60_000))).state;
    const before = structuredClone(prior);
    await expect(
      broken.handler(windowEvent(event, prior, true), broken.time.context(60_000)),
    ).rejects.toThrow(WindowFlushError);
    // The state Lambda will pass again is untouched: the retried final invoke starts from it.
    expect(prior).toEqual(before);
    expect(prior.records).toBe(10);
  });
});

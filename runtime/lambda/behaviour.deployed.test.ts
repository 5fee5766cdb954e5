import { WINDOW_TABLE_KEY, type WindowState } from "../aggregator/aggregator";
import { defineClickstream } from "../schemas";
import { metricsOf, startDeployedFixture, type DeployedFixture } from "../testing/deployed-fixture";
import { clickstreamEvent, eventOf, kinesisRecord, orderEvent } from "../testing/events";
import { aggregateWithKpl } from "../testing/kpl";
import type { KinesisStreamEvent, KinesisWindowEvent } from "../types";

/*
 * The window aggregator's, the feature-store sink's and the sinks' fault-handling suites, run on the
 * deployment packages (thin closure + esbuild bundle, as the plan's `code` archive) in a fresh
 * Node process where only the package and the SDK the Lambda runtime provides resolve. Faults
 * come from the services' side, as AWS would send them: errors answered by a proxy in front of
 * dynalite and by the Feature Store loopback server. The in-process versions of these suites are
 * `aggregator/aggregator.test.ts`, `features/features.test.ts` and `processor/processor.test.ts`.
 */

let f: DeployedFixture;
beforeAll(async () => {
  f = await startDeployedFixture(["streamProcessor", "windowAggregator"]);
}, 120_000);
afterAll(() => f?.stop());
afterEach(() => {
  f.dynamo.intercept = undefined;
  f.featureStore.intercept = undefined;
  f.firehose.entryError = undefined;
});

const ok = { ok: true, value: { batchItemFailures: [] } };
const WINDOW = { start: "2026-11-27T14:00:00Z", end: "2026-11-27T14:01:00Z" };
const SHARD = "shardId-000000000000";

function windowEvent(
  event: KinesisStreamEvent,
  state: WindowState | Record<string, never>,
  final: boolean,
): KinesisWindowEvent<WindowState> {
  return {
    ...event,
    window: WINDOW,
    state,
    shardId: SHARD,
    eventSourceARN: event.Records[0]?.eventSourceARN ?? "arn:aws:kinesis:us-east-1:000000000000:stream/s",
    isFinalInvokeForWindow: final,
    isWindowTerminatedEarly: false,
  };
}

const stateOf = (r: { ok: boolean; value?: unknown }) => (r as { value: { state: WindowState } }).value.state;

describe("window aggregator, as deployed", () => {
  it("counts a record whose bytes are not UTF-8 as invalid, not as a page view of U+FFFD text", async () => {
    const table = await f.table(WINDOW_TABLE_KEY);
    const json = JSON.stringify(clickstreamEvent(1, { page: "/p__" }));
    const latin1 = Buffer.from(json.replace("__", "\u00e9\u00e9"), "latin1");

    const { results } = await f.invoke(
      "windowAggregator",
      [windowEvent(eventOf([latin1, clickstreamEvent(2)]), {}, false)],
      { DATA_PRODUCT: "clickstream", TABLE_NAME: table },
    );

    expect(stateOf(results[0])).toMatchObject({ records: 2, invalid: 1 });
    expect(Object.keys(stateOf(results[0]).groups)).toEqual([clickstreamEvent(2).page]);
  });

  it("carries state between invokes and writes page views by page, totals and TTL only on the final invoke", async () => {
    const table = await f.table(WINDOW_TABLE_KEY);
    const first = eventOf(Array.from({ length: 30 }, (_, i) => clickstreamEvent(i)));
    const second = eventOf(
      [...Array.from({ length: 30 }, (_, i) => clickstreamEvent(30 + i)), "not json"],
      30,
    );
    const env = {
      DATA_PRODUCT: "clickstream",
      TABLE_NAME: table,
      TABLE_TTL_DAYS: "7",
      WINDOW_METRIC_TOP_KEYS: "2",
    };

    // Lambda passes each invoke's returned state into the next one.
    const r1 = await f.invoke("windowAggregator", [windowEvent(first, {}, false)], env);
    expect(stateOf(r1.results[0]).records).toBe(30);
    expect(await f.items(table)).toEqual([]);
    const r2 = await f.invoke("windowAggregator", [windowEvent(second, stateOf(r1.results[0]), false)], env);
    const r3 = await f.invoke(
      "windowAggregator",
      [windowEvent({ Records: [] }, stateOf(r2.results[0]), true)],
      env,
    );

    expect(r3.results[0]).toMatchObject({ ok: true, value: { batchItemFailures: [] } });
    expect(stateOf(r3.results[0])).toEqual(stateOf(r2.results[0]));
    const expected: Record<string, number> = {};
    for (let i = 0; i < 60; i++) {
      const e = clickstreamEvent(i);
      if (e.eventType === "page_view") expected[e.page] = (expected[e.page] ?? 0) + 1;
    }
    const items = await f.items(table);
    expect(Object.fromEntries(items.filter((i) => i.key !== undefined).map((i) => [i.key, i.count]))).toEqual(
      expected,
    );
    const total = items.find((i) => String(i.sk).startsWith("#TOTAL#"))!;
    expect(total).toMatchObject({
      pk: `WINDOW#clickstream#${WINDOW.start}`,
      sk: `#TOTAL#${SHARD}`,
      records: 61,
      invalid: 1,
      windowEnd: WINDOW.end,
      expiresAt: Date.parse(WINDOW.end) / 1000 + 7 * 86_400,
    });
    const [window, ...perKey] = metricsOf(r3.lines);
    expect(window).toMatchObject({
      DataProduct: "clickstream",
      WindowRecords: 61,
      WindowInvalidRecords: 1,
      WindowCount: 40,
    });
    expect(perKey.map((m) => m.Key)).toHaveLength(2);
  });

  it("sums order totals by currency, counting KPL-aggregated records", async () => {
    const table = await f.table(WINDOW_TABLE_KEY);
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

    const { results } = await f.invoke("windowAggregator", [windowEvent(event, {}, true)], {
      DATA_PRODUCT: "orders",
      TABLE_NAME: table,
    });

    const state = stateOf(results[0]);
    expect(state.records).toBe(4);
    expect(state.groups.EUR).toEqual([2, orders[0].total + orders[2].total]);
    expect(state.groups.USD).toEqual([1, orders[1].total]);
    const items = await f.items(table);
    expect(items.filter((i) => i.key !== undefined).map((i) => [i.key, i.count])).toEqual(
      expect.arrayContaining([
        ["EUR", 2],
        ["USD", 1],
      ]),
    );
  });

  it("fails loudly before the state reaches Lambda's 1 MB limit", async () => {
    const table = await f.table(WINDOW_TABLE_KEY);
    // A prior state just under the limit (90 % of 1 MB): many distinct pages. An invoke that adds
    // no key passes; one that adds 200 long page names is refused.
    const groups: Record<string, [number, number]> = {};
    // Each key adds `"<key>":[1,1],` to the JSON.
    for (let i = 0, bytes = 0; bytes < 925_000; i++) {
      const key = `/p/${"x".repeat(24)}/${i}`;
      groups[key] = [1, 1];
      bytes += key.length + 9;
    }
    const prior: WindowState = { records: Object.keys(groups).length, invalid: 0, groups };
    expect(Buffer.byteLength(JSON.stringify(prior))).toBeLessThan(0.9 * 1024 * 1024);
    const known = eventOf([clickstreamEvent(1, { page: Object.keys(groups)[0] })]);
    const more = eventOf(
      Array.from({ length: 200 }, (_, i) =>
        clickstreamEvent(i * 3 + 1, { page: `/new/${"y".repeat(100)}/${i}` }),
      ),
    );

    const { results, stderrLines } = await f.invoke(
      "windowAggregator",
      [windowEvent(known, prior, false), windowEvent(more, prior, false)],
      { DATA_PRODUCT: "clickstream", TABLE_NAME: table },
    );

    expect(results[0]).toMatchObject({ ok: true });
    expect(results[1]).toEqual({ ok: false, error: expect.stringMatching(/^WindowStateTooLargeError: /) });
    expect(stderrLines).toContainEqual(
      expect.objectContaining({ level: "ERROR", message: "window state too large" }),
    );
  });

  it("throws when the final window cannot be stored, and a retry from the prior state counts each record once", async () => {
    const table = await f.table(WINDOW_TABLE_KEY);
    const event = eventOf(Array.from({ length: 10 }, (_, i) => clickstreamEvent(i * 3 + 1)));
    const env = { DATA_PRODUCT: "clickstream", TABLE_NAME: table };
    const prior = stateOf(
      (await f.invoke("windowAggregator", [windowEvent(event, {}, false)], env)).results[0],
    );
    // A wrong role: DynamoDB refuses every write of the flush.
    f.dynamo.intercept = (r) =>
      r.operation.endsWith("BatchWriteItem")
        ? { status: 400, type: "com.amazon.coral.service#AccessDeniedException", message: "not authorized" }
        : undefined;

    const failed = await f.invoke("windowAggregator", [windowEvent({ Records: [] }, prior, true)], env);
    f.dynamo.intercept = undefined;
    // Lambda retries the final invoke with the same prior state.
    const retried = await f.invoke("windowAggregator", [windowEvent({ Records: [] }, prior, true)], env);

    expect(failed.results).toEqual([{ ok: false, error: expect.stringMatching(/^WindowFlushError: /) }]);
    expect(retried.results[0]).toMatchObject({ ok: true, value: { state: prior, batchItemFailures: [] } });
    const items = await f.items(table);
    expect(items.find((i) => String(i.sk).startsWith("#TOTAL#"))).toMatchObject({ records: 10 });
    expect(items.filter((i) => i.key !== undefined).reduce((n, i) => n + Number(i.count), 0)).toBe(
      Object.values(prior.groups).reduce((n, [count]) => n + count, 0),
    );
  });
});

describe("feature-store sink, as deployed", () => {
  const visitor = (put: { record: { FeatureName: string; ValueAsString: string }[] }) =>
    put.record.find((r) => r.FeatureName === "visitor_id")?.ValueAsString;

  async function features(env: Record<string, string> = {}) {
    const group = f.unique("visitors");
    const prefix = `${f.unique("features")}/`;
    return {
      group,
      stored: () => f.featureStore.records.filter((r) => r.featureGroupName === group),
      deadLetters: () => f.deadLetters(prefix),
      env: {
        DATA_PRODUCT: "clickstream",
        FEATURE_GROUP_NAME: group,
        DEAD_LETTER_BUCKET: "dead-letters",
        DEAD_LETTER_PREFIX: prefix,
        ...env,
      },
    };
  }

  it("drops nothing when Feature Store throttles: retries within the invocation", async () => {
    const s = await features();
    f.featureStore.intercept = (put, attempt) =>
      put.featureGroupName === s.group && attempt % 3 === 0
        ? { status: 400, type: "ThrottlingException", message: "slow down" }
        : undefined;
    const events = Array.from({ length: 30 }, (_, i) => clickstreamEvent(i));

    const { results, lines } = await f.invoke("streamProcessor", [eventOf(events)], s.env);

    expect(results).toEqual([ok]);
    expect(s.stored().map(visitor).sort()).toEqual(events.map((e) => e.userId).sort());
    expect(metricsOf(lines)[0]).toMatchObject({ FeatureRecords: 30 });
    expect(metricsOf(lines)[0].Retried).toBeGreaterThan(0);
    expect(await s.deadLetters()).toEqual([]);
  });

  it("dead-letters a record Feature Store refuses as invalid and completes the batch", async () => {
    const s = await features();
    f.featureStore.intercept = (put) =>
      put.featureGroupName === s.group && visitor(put) === "user-4"
        ? { status: 400, type: "ValidationError", message: "bad feature value" }
        : undefined;
    const event = eventOf(Array.from({ length: 10 }, (_, i) => clickstreamEvent(i)));

    const { results } = await f.invoke("streamProcessor", [event], s.env);

    expect(results).toEqual([ok]);
    expect(s.stored()).toHaveLength(9);
    const dls = await s.deadLetters();
    expect(dls.map((d) => [d.reason, d.sequenceNumber])).toEqual([
      ["rejected-by-sink", event.Records[4].kinesis.sequenceNumber],
    ]);
    expect(dls[0].detail).toMatch(/Feature Store/);
  });

  it("reports the first unstored record when throttling outlasts the invocation, and never dead-letters it", async () => {
    const s = await features({ SAFETY_MARGIN_MS: "1000" });
    f.featureStore.intercept = (put) =>
      put.featureGroupName === s.group && ["user-6", "user-8"].includes(visitor(put)!)
        ? { status: 400, type: "ThrottlingException", message: "slow down" }
        : undefined;
    const event = eventOf(Array.from({ length: 10 }, (_, i) => clickstreamEvent(i)));

    const { results, durationsMs } = await f.invoke("streamProcessor", [event], s.env, {
      remainingMs: 2_500,
    });

    expect(results).toEqual([
      {
        ok: true,
        value: { batchItemFailures: [{ itemIdentifier: event.Records[6].kinesis.sequenceNumber }] },
      },
    ]);
    expect(durationsMs[0]).toBeLessThan(2_500);
    expect(await s.deadLetters()).toEqual([]);
  });

  it("does not dead-letter on an access error (a wrong role is fixed and the records redelivered)", async () => {
    const s = await features();
    f.featureStore.intercept = (put) =>
      put.featureGroupName === s.group
        ? { status: 403, type: "AccessDeniedException", message: "not authorized" }
        : undefined;
    const event = eventOf(Array.from({ length: 5 }, (_, i) => clickstreamEvent(i)));

    const { results } = await f.invoke("streamProcessor", [event], s.env);

    expect(results).toEqual([
      {
        ok: true,
        value: { batchItemFailures: [{ itemIdentifier: event.Records[0].kinesis.sequenceNumber }] },
      },
    ]);
    expect(await s.deadLetters()).toEqual([]);
  });
});

describe("stream processor sinks under faults, as deployed", () => {
  it("drops nothing when DynamoDB throttles: retries within the invocation", async () => {
    const table = await f.table(defineClickstream().tableKey);
    let calls = 0;
    f.dynamo.intercept = (r) =>
      r.operation.endsWith("BatchWriteItem") && r.body.includes(`"${table}"`) && ++calls <= 2
        ? {
            status: 400,
            type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            message: "throughput exceeded",
          }
        : undefined;
    const events = Array.from({ length: 60 }, (_, i) => clickstreamEvent(i));

    const { results, lines } = await f.invoke("streamProcessor", [eventOf(events)], {
      DATA_PRODUCT: "clickstream",
      TABLE_NAME: table,
      DEAD_LETTER_BUCKET: "dead-letters",
    });

    expect(results).toEqual([ok]);
    expect((await f.items(table)).map((i) => i.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(metricsOf(lines)[0]).toMatchObject({ Stored: 60, FailedRecords: 0 });
    expect(metricsOf(lines)[0].Retried).toBeGreaterThan(0);
  });

  it("reports a poison record as failed when its dead letter cannot be written, and acknowledges nothing after it", async () => {
    const table = await f.table(defineClickstream().tableKey);
    const event = eventOf([clickstreamEvent(1), "{broken", clickstreamEvent(2)]);

    // A dead-letter bucket that does not exist: S3 answers NoSuchBucket.
    const { results } = await f.invoke("streamProcessor", [event], {
      DATA_PRODUCT: "clickstream",
      TABLE_NAME: table,
      DEAD_LETTER_BUCKET: "no-such-bucket",
    });

    expect(results).toEqual([
      {
        ok: true,
        value: { batchItemFailures: [{ itemIdentifier: event.Records[1].kinesis.sequenceNumber }] },
      },
    ]);
  });
});

describe("stream processor records and sinks, as deployed", () => {
  async function pipeline(options: { table?: boolean; env?: Record<string, string> } = {}) {
    const table = options.table === false ? undefined : await f.table(defineClickstream().tableKey);
    const stream = f.unique("lake");
    const prefix = `${f.unique("dl")}/`;
    return {
      table,
      stream,
      env: {
        DATA_PRODUCT: "clickstream",
        ...(table ? { TABLE_NAME: table } : {}),
        DELIVERY_STREAM_NAME: stream,
        DEAD_LETTER_BUCKET: "dead-letters",
        DEAD_LETTER_PREFIX: prefix,
        ...options.env,
      },
      items: () => (table ? f.items(table) : Promise.resolve([])),
      lake: () => f.lake(stream),
      lakeText: () => f.lakeText(stream),
      deadLetters: () => f.deadLetters(prefix),
    };
  }

  it("keeps UTF-8 text intact in the serving item and the lake line, escapes included", async () => {
    const p = await pipeline();
    const utf8 = { page: "/café/商品", userAgent: "Mozilla/5.0 🚲", properties: { ville: "Zürich" } };
    const [a, b] = [clickstreamEvent(50, utf8), clickstreamEvent(51, utf8)];
    // `a` as ASCII text with every other character escaped (\u00e9, surrogate pairs), `b` as raw UTF-8.
    const escaped = JSON.stringify(a).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    expect(Buffer.byteLength(escaped)).toBe(escaped.length);

    const { results } = await f.invoke("streamProcessor", [eventOf([escaped, b])], p.env);

    expect(results).toEqual([ok]);
    const items = await p.items();
    expect(items).toHaveLength(2);
    for (const item of items) expect(item).toMatchObject(utf8);
    expect(p.lake().map(({ _meta, ...rest }) => rest)).toEqual([a, b]);
    expect(p.lakeText()[0].startsWith(JSON.stringify(a).slice(0, -1) + ',"_meta":')).toBe(true);
  });

  it("dead-letters data that is not base64 as delivered, and processes records in sequence-number order", async () => {
    const p = await pipeline({ table: false });
    const records = [
      kinesisRecord(JSON.stringify(clickstreamEvent(1)), 9),
      kinesisRecord("not*base64!", 10, { rawBase64: true }),
      kinesisRecord(JSON.stringify(clickstreamEvent(2)), 11),
    ];

    // Delivered out of order: 11, 9, 10 (compared as numbers, not as text).
    const { results } = await f.invoke(
      "streamProcessor",
      [{ Records: [records[2], records[0], records[1]] }],
      p.env,
    );

    expect(results).toEqual([ok]);
    expect(p.lake().map((l) => l.eventId)).toEqual([
      clickstreamEvent(1).eventId,
      clickstreamEvent(2).eventId,
    ]);
    expect((await p.deadLetters()).map((d) => [d.reason, d.data])).toEqual([["not-base64", "not*base64!"]]);
  });

  it("stores a producer retry once, and a redelivered batch adds no item and no second dead letter", async () => {
    const p = await pipeline();
    const e = clickstreamEvent(40);
    const event = eventOf([e, clickstreamEvent(41), "garbage", e]);

    const { results } = await f.invoke("streamProcessor", [event, event], p.env);

    expect(results).toEqual([ok, ok]);
    expect((await p.items()).map((i) => i.eventId).sort()).toEqual([e.eventId, clickstreamEvent(41).eventId]);
    expect(await p.deadLetters()).toHaveLength(1);
  });

  it("drops nothing when DynamoDB returns UnprocessedItems: sends them again", async () => {
    const p = await pipeline();
    let answered = false;
    // The first BatchWriteItem writes nothing and hands every put back, as DynamoDB does under load.
    f.dynamo.intercept = (r) => {
      if (answered || !r.operation.endsWith("BatchWriteItem") || !r.body.includes(`"${p.table}"`))
        return undefined;
      answered = true;
      return {
        status: 200,
        json: { UnprocessedItems: (JSON.parse(r.body) as { RequestItems: unknown }).RequestItems },
      };
    };
    const events = Array.from({ length: 30 }, (_, i) => clickstreamEvent(i));

    const { results, lines } = await f.invoke("streamProcessor", [eventOf(events)], p.env);

    expect(answered).toBe(true);
    expect(results).toEqual([ok]);
    expect((await p.items()).map((i) => i.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(metricsOf(lines)[0]).toMatchObject({ Stored: 30, Delivered: 30 });
    expect(metricsOf(lines)[0].Retried).toBeGreaterThan(0);
  });

  it("retries entries Firehose refuses (FailedPutCount) and reports exactly the first record it could not deliver", async () => {
    // 1,200 lines pack into three Firehose records of at most 500 lines. The record holding event
    // 742 (lines 500-999) is refused every time; the others are refused once, then pass.
    const p = await pipeline({ table: false, env: { SAFETY_MARGIN_MS: "1000", RETRY_MAX_DELAY_MS: "200" } });
    const first = f.firehose.calls.length;
    f.firehose.entryError = (data, call) =>
      data.includes(clickstreamEvent(742).eventId) || call === first
        ? "ServiceUnavailableException"
        : undefined;
    const event = eventOf(Array.from({ length: 1200 }, (_, i) => clickstreamEvent(i)));

    const { results, durationsMs } = await f.invoke("streamProcessor", [event], p.env, {
      remainingMs: 3_000,
    });

    expect(results).toEqual([
      {
        ok: true,
        value: { batchItemFailures: [{ itemIdentifier: event.Records[500].kinesis.sequenceNumber }] },
      },
    ]);
    expect(durationsMs[0]).toBeLessThan(3_000);
    const ids = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => clickstreamEvent(from + i).eventId);
    expect(p.lake().map((l) => l.eventId)).toEqual([...ids(0, 500), ...ids(1000, 1200)]);
    expect(f.firehose.calls.length - first).toBeGreaterThan(2);
  });
});

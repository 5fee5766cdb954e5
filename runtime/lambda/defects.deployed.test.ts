import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defineClickstream, defineOrders } from "../schemas";
import { metricsOf, startDeployedFixture, type DeployedFixture } from "../testing/deployed-fixture";
import { clickstreamEvent, eventOf, kinesisRecord, orderEvent } from "../testing/events";
import { aggregateWithKpl } from "../testing/kpl";
import { startSilentServer } from "../testing/silent-server";
import type { KinesisStreamEvent } from "../types";

/*
 * The runtime defects of issue #16 (item 4), each proven on the deployment package: the archive
 * the plan uploads (`functionArchive`: thin closure + esbuild bundle), loaded by plain Node in a
 * fresh process where only the package and the SDK the Lambda runtime provides resolve, invoked
 * with Kinesis events against dynalite, s3rver and the Firehose loopback server. (The same cases
 * run in process on the compiled modules in `processor/defects.test.ts`; 4.7 is a plan-time check
 * in `components/streaming/pipeline.test.ts`.)
 */

let f: DeployedFixture;
beforeAll(async () => {
  f = await startDeployedFixture(["streamProcessor"]);
}, 120_000);
afterAll(() => f?.stop());

/** A processor's environment with a fresh table (when `product` has one), lake stream and dead-letter prefix. */
async function processor(
  product: "clickstream" | "orders",
  options: { table?: boolean; lake?: boolean; env?: Record<string, string> } = {},
) {
  const key = (product === "orders" ? defineOrders() : defineClickstream()).tableKey;
  const table = options.table === false ? undefined : await f.table(key);
  const stream = options.lake === false ? undefined : f.unique("lake");
  const prefix = `${f.unique("dl")}/`;
  const env: Record<string, string> = {
    DATA_PRODUCT: product,
    ...(table ? { TABLE_NAME: table } : {}),
    ...(stream ? { DELIVERY_STREAM_NAME: stream } : {}),
    DEAD_LETTER_BUCKET: "dead-letters",
    DEAD_LETTER_PREFIX: prefix,
    ...options.env,
  };
  return {
    env,
    run: (
      events: KinesisStreamEvent[],
      opts?: { remainingMs?: number; processTimeoutMs?: number; env?: Record<string, string> },
    ) => f.invoke("streamProcessor", events, { ...env, ...opts?.env }, opts),
    items: () => (table ? f.items(table) : Promise.resolve([])),
    lake: () => (stream ? f.lake(stream) : []),
    lakeText: () => (stream ? f.lakeText(stream) : []),
    deadLetters: () => f.deadLetters(prefix),
  };
}

const ok = { ok: true, value: { batchItemFailures: [] } };
const ids = (rows: readonly Record<string, unknown>[], field = "eventId") => rows.map((r) => r[field]).sort();

describe("4.1 invalid UTF-8, on the package", () => {
  it("dead-letters plain and KPL user records that are not UTF-8 with their original bytes, and stores only the valid ones", async () => {
    const p = await processor("clickstream");
    const json = JSON.stringify(clickstreamEvent(1, { page: "/caf__" }));
    // "é" in Latin-1 (0xe9 alone) is not UTF-8: decoding it would store U+FFFD instead.
    const latin1 = Buffer.from(json.replace("__", "\u00e9\u00e9"), "latin1");
    const lone = Buffer.concat([Buffer.from(json.slice(0, -2)), Buffer.from([0xc3]), Buffer.from('"}')]);
    const badUser = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"\xff\xfe"}
    const [agg] = await aggregateWithKpl(
      [
        Buffer.from(JSON.stringify(clickstreamEvent(10))),
        badUser,
        Buffer.from(JSON.stringify(clickstreamEvent(11))),
      ].map((data) => ({ data, partitionKey: "p" })),
    );
    const event = {
      Records: [latin1, Buffer.from(JSON.stringify(clickstreamEvent(2))), lone, agg].map((d, i) =>
        kinesisRecord(d, i),
      ),
    };

    const { initError, results } = await p.run([event]);

    expect(initError).toBeUndefined();
    expect(results).toEqual([ok]);
    const valid = [2, 10, 11].map((i) => clickstreamEvent(i).eventId).sort();
    expect(ids(await p.items())).toEqual(valid);
    expect(ids(p.lake())).toEqual(valid);
    const dls = await p.deadLetters();
    expect(
      dls.map((d) => [
        d.sequenceNumber,
        d.subSequenceNumber ?? null,
        d.reason,
        Buffer.from(d.data, "base64"),
      ]),
    ).toEqual([
      [event.Records[0].kinesis.sequenceNumber, null, "not-utf8", latin1],
      [event.Records[2].kinesis.sequenceNumber, null, "not-utf8", lone],
      [event.Records[3].kinesis.sequenceNumber, 1, "not-utf8", badUser],
    ]);
  });
});

describe("4.2 orders versioned by the event's own order, on the package", () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 14, minute)).toISOString();

  it("never lets an older event that arrives later overwrite newer state, in one batch, across batches, or at the same instant", async () => {
    const p = await processor("orders");
    const paid = orderEvent(1, { status: "paid", occurredAt: at(5) });
    const created = orderEvent(1, { status: "created", occurredAt: at(0) });
    const shipped2 = orderEvent(2, { status: "shipped", occurredAt: at(9) });
    const paid2 = orderEvent(2, { status: "paid", occurredAt: at(3) });
    const shipped3 = orderEvent(3, { status: "shipped", occurredAt: at(1) });
    const paid3 = orderEvent(3, { status: "paid", occurredAt: at(1) });

    // Batch 1: order 2's older `paid` after its `shipped`. Batch 2: order 1's older `created`
    // (the highest sequence number yet) and order 3's `paid` of the same instant as `shipped`.
    const { results } = await p.run([
      eventOf([paid, shipped2, paid2, shipped3]),
      eventOf([created, paid3], 10),
    ]);

    expect(results).toEqual([ok, ok]);
    expect(new Map((await p.items()).map((i) => [i.orderId, i.status]))).toEqual(
      new Map([
        [paid.orderId, "paid"],
        [shipped2.orderId, "shipped"],
        [shipped3.orderId, "shipped"],
      ]),
    );
    // The lake keeps every event, the late ones included.
    expect(p.lake()).toHaveLength(6);
  });
});

describe("4.3 clickstream: one serving item per event id, on the package", () => {
  it("keys equivalent timestamps alike, in one batch and across batches", async () => {
    const p = await processor("clickstream", { lake: false });
    const base = clickstreamEvent(5, { occurredAt: "2026-11-27T14:00:00.685Z" });
    const variants = [
      base,
      { ...base, occurredAt: "2026-11-27T14:00:00.685+00:00" },
      { ...base, occurredAt: "2026-11-27T15:00:00.685+01:00" },
    ];

    const { results } = await p.run([eventOf(variants), eventOf([variants[1]], 10)]);

    expect(results).toEqual([ok, ok]);
    const items = await p.items();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      sk: `2026-11-27T14:00:00.685Z#${base.eventId}`,
      occurredAt: "2026-11-27T14:00:00.685Z",
    });
  });
});

describe("4.4 lake lines, on the package", () => {
  it("keeps every field whatever the producer's whitespace, with exactly one _meta and no duplicate key", async () => {
    const p = await processor("clickstream", { table: false });
    const e = { ...clickstreamEvent(7), extra: { campaign: "x", n: 1 } };
    const withMeta = JSON.stringify({ ...clickstreamEvent(8), _meta: { forged: true } });
    // A repeated key: JSON.parse (and the validation) keep the last value.
    const repeated = JSON.stringify(clickstreamEvent(9)).replace('"page":', '"page":"/first","page":');

    const { results } = await p.run([
      eventOf([JSON.stringify(e, null, 2), JSON.stringify(e), withMeta, repeated]),
    ]);

    expect(results).toEqual([ok]);
    // Every line Firehose received parses alone: a pretty-printed record did not span lines.
    const text = p.lakeText();
    expect(text).toHaveLength(4);
    for (const line of text) {
      expect(line.match(/"_meta":/g)).toHaveLength(1);
      expect(line.match(/"page":/g)).toHaveLength(1);
    }
    const [a, b, c, d] = p.lake();
    const strip = ({ _meta, ...rest }: Record<string, unknown>) => rest;
    expect(strip(a)).toEqual(e);
    expect(strip(b)).toEqual(e);
    expect(c._meta).not.toHaveProperty("forged");
    expect(c._meta).toMatchObject({ idempotencyKey: clickstreamEvent(8).eventId });
    expect(d.page).toBe(clickstreamEvent(9).page);
  });
});

describe("4.5 event times outside the lake's projected years, on the package", () => {
  it("dead-letters them before any sink, accepts the first and last projected instants, and writes only positive TTLs", async () => {
    const p = await processor("clickstream", { env: { TABLE_TTL_DAYS: "30" } });
    const times = [
      "2024-12-31T23:59:59.999Z",
      "2025-01-01T00:00:00.000Z",
      "2099-12-31T23:59:59.999Z",
      "2100-01-01T00:00:00.000Z",
      "1969-12-31T23:00:00.000Z",
      "2025-01-01T00:30:00.000+01:00", // 2024-12-31T23:30Z
    ];
    const event = eventOf(times.map((occurredAt, i) => clickstreamEvent(100 + i, { occurredAt })));

    const { results } = await p.run([event]);

    expect(results).toEqual([ok]);
    const items = await p.items();
    expect(items.map((i) => i.occurredAt).sort()).toEqual([times[1], times[2]]);
    for (const item of items)
      expect(item.expiresAt).toBe(Math.floor(Date.parse(String(item.occurredAt)) / 1000) + 30 * 86_400);
    expect(
      p
        .lake()
        .map((l) => (l._meta as { partition: { year: string } }).partition.year)
        .sort(),
    ).toEqual(["2025", "2099"]);
    const dls = await p.deadLetters();
    expect(dls.map((d) => d.reason)).toEqual(Array(4).fill("event-time-out-of-range"));
    expect(dls.map((d) => d.sequenceNumber).sort()).toEqual(
      [0, 3, 4, 5].map((i) => event.Records[i].kinesis.sequenceNumber).sort(),
    );
  });
});

describe("4.6 SDK calls never outlive the invocation, on the package", () => {
  // The function has 5 s left and the default 3 s safety margin; the endpoint never answers.
  it.each([
    ["DynamoDB (orders, conditional PutItem)", "orders", "AWS_ENDPOINT_URL_DYNAMODB", { lake: true }],
    ["Firehose (a lake-only clickstream)", "clickstream", "AWS_ENDPOINT_URL_FIREHOSE", { table: false }],
  ] as const)(
    "aborts a %s call that hangs, and reports the first unfinished record before the timeout",
    async (_, product, endpointVariable, shape) => {
      const silent = await startSilentServer();
      try {
        const p = await processor(product, shape);
        const event = eventOf(
          product === "orders" ? [orderEvent(1), orderEvent(2)] : [clickstreamEvent(1), clickstreamEvent(2)],
        );

        const { results, durationsMs, lines } = await p.run([event], {
          remainingMs: 5_000,
          // A package whose calls hang past the invocation is killed and fails the test here.
          processTimeoutMs: 15_000,
          env: { [endpointVariable]: silent.endpoint },
        });

        expect(results).toEqual([
          {
            ok: true,
            value: { batchItemFailures: [{ itemIdentifier: event.Records[0].kinesis.sequenceNumber }] },
          },
        ]);
        // The call was made and hung; the handler gave up on it at its budget, before Lambda's timeout.
        expect(silent.requests.length).toBeGreaterThan(0);
        // (Aborted at the budget: 1.5 s for the table, which leaves the lake a quarter; 2 s for the lake.)
        expect(durationsMs[0]).toBeLessThan(5_000);
        expect(metricsOf(lines)[0]).toMatchObject({ FailedRecords: 2 });
        // Nothing reached the lake for records the table did not finish.
        expect(p.lake()).toEqual([]);
      } finally {
        await silent.stop();
      }
    },
    30_000,
  );
});

describe("4.8 unexpected errors, on the package", () => {
  it("are thrown so Lambda bisects the batch, instead of reporting record 0 on every retry", async () => {
    // A bug stands in for product code that throws: a module preloaded into the function's process
    // makes Date.parse throw for one instant (the runtime parses every event time). The package
    // itself is unchanged.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fault-"));
    const fault = path.join(dir, "fault.js");
    fs.writeFileSync(
      fault,
      `const parse = Date.parse;
Date.parse = function (s) {
  if (typeof s === "string" && s.startsWith("2031-03-03T03:03:03.333")) throw new TypeError("injected bug at " + s);
  return parse.call(Date, s);
};\n`,
    );
    try {
      const p = await processor("clickstream");
      const buggy = clickstreamEvent(3, { occurredAt: "2031-03-03T03:03:03.333+00:00" });
      const batch = eventOf([clickstreamEvent(1), "not json", buggy]);
      // Lambda bisects: the half without the record that triggers the bug goes through.
      const half = { Records: batch.Records.slice(0, 2) };

      const { results, lines, stderrLines } = await p.run([batch, half], {
        env: { NODE_OPTIONS: `--require ${fault}` },
      });

      expect(results).toEqual([
        { ok: false, error: "TypeError: injected bug at 2031-03-03T03:03:03.333+00:00" },
        ok,
      ]);
      // Logged as an error naming the bug, and counted as a whole failed batch.
      expect(stderrLines).toContainEqual(
        expect.objectContaining({
          level: "ERROR",
          message: "unexpected error; failing the invocation so Lambda bisects the batch",
          error: expect.stringContaining("injected bug"),
        }),
      );
      expect(metricsOf(lines).map((m) => m.FailedRecords)).toEqual([3, 0]);
      expect(ids(await p.items())).toEqual([clickstreamEvent(1).eventId]);
      expect((await p.deadLetters()).map((d) => d.reason)).toEqual(["not-json"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("4.9 a record DynamoDB refuses, on the package", () => {
  it("is dead-lettered as rejected-by-sink and not delivered to the lake as if valid", async () => {
    const p = await processor("clickstream");
    const refused = clickstreamEvent(21).eventId;
    f.dynamo.intercept = (r) =>
      /BatchWriteItem|PutItem/.test(r.operation) && r.body.includes(refused)
        ? {
            status: 400,
            type: "com.amazon.coral.validate#ValidationException",
            message: "Item size has exceeded the maximum allowed size",
          }
        : undefined;
    try {
      const event = eventOf([clickstreamEvent(20), clickstreamEvent(21), clickstreamEvent(22)]);

      const { results } = await p.run([event]);

      expect(results).toEqual([ok]);
      const stored = [clickstreamEvent(20).eventId, clickstreamEvent(22).eventId];
      expect(ids(await p.items())).toEqual(stored);
      expect(ids(p.lake())).toEqual(stored);
      const dls = await p.deadLetters();
      expect(dls.map((d) => [d.reason, d.sequenceNumber])).toEqual([
        ["rejected-by-sink", event.Records[1].kinesis.sequenceNumber],
      ]);
    } finally {
      f.dynamo.intercept = undefined;
    }
  });
});

describe("4.10 lake duplicates, from the package's own lake lines", () => {
  it("raw_to_parquet.dedupe keeps one line per _meta.idempotencyKey when a batch is redelivered", async () => {
    const p = await processor("orders", { table: false });
    const orders = Array.from({ length: 4 }, (_, i) => orderEvent(i));
    const event = eventOf(orders);
    // Delivered twice (Lambda redelivers after a failed invocation; Firehose is at-least-once).
    const { results } = await p.run([event, event]);
    expect(results).toEqual([ok, ok]);
    const lines = p.lakeText();
    expect(lines).toHaveLength(8);

    const kept = JSON.parse(
      execFileSync(
        "python3",
        [
          "-c",
          "import json, sys, raw_to_parquet as j\n" +
            "rows = [json.loads(l) for l in sys.stdin.read().splitlines()]\n" +
            "print(json.dumps(j.dedupe(rows)))",
        ],
        {
          cwd: path.resolve(__dirname, "..", "jobs", "glue"),
          input: lines.join("\n"),
          encoding: "utf8",
          env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
        },
      ),
    ) as { orderId: string; _meta: { idempotencyKey: string } }[];

    expect(kept.map((r) => r.orderId).sort()).toEqual(orders.map((o) => o.orderId).sort());
    expect(new Set(kept.map((r) => r._meta.idempotencyKey)).size).toBe(4);
  });
});

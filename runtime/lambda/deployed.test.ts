import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { WINDOW_TABLE_KEY } from "../aggregator/aggregator";
import { defineClickstream, defineOrders } from "../schemas";
import {
  DEAD_LETTER_BUCKET as BUCKET,
  metricsOf,
  startDeployedFixture,
  type DeployedFixture,
} from "../testing/deployed-fixture";
import type { FactoryName } from "../testing/deployed";
import { createStream, createTable, putRecords, readAsLambdaEvents, scanTable } from "../testing/emulators";
import { clickstreamEvent, kinesisRecord, orderEvent } from "../testing/events";
import { aggregateWithKpl } from "../testing/kpl";
import type { KinesisStreamEvent } from "../types";
import { RUNTIME_ARCHIVE_PATH } from "./packaging";

/*
 * The runtime's behaviour, tested on what `pulumi up` uploads: each package is built by the same
 * function that gives the plan its `code` archive (`deployed.ts build` → `functionArchive`:
 * the serialized thin closure `__index.js` + the esbuild bundle), loaded by plain Node in a fresh
 * process outside the repository (only the package and the AWS SDK, on NODE_PATH as the Lambda
 * runtime provides it), and invoked with real-shaped Kinesis events against the emulators
 * (`testing/deployed-fixture.ts`). The defects of issue #16 item 4 are in
 * `defects.deployed.test.ts`; the aggregator, feature-store and sink-fault suites in
 * `behaviour.deployed.test.ts`.
 */

let f: DeployedFixture;
beforeAll(async () => {
  f = await startDeployedFixture(["streamProcessor", "windowAggregator"]);
}, 120_000);
afterAll(() => f?.stop());

const invoke = (factory: FactoryName, events: unknown[], env: Record<string, string>) =>
  f.invoke(factory, events, env);
const deadLetters = (prefix: string) => f.deadLetters(prefix);

describe("the deployment package", () => {
  it("is the thin closure and one bundle: zod compiled in, the AWS SDK left to the runtime, under 0.5 MB zipped", () => {
    for (const pkg of Object.values(f.packages)) {
      expect(pkg.entries).toEqual([RUNTIME_ARCHIVE_PATH, "__index.js"]);
      expect(pkg.bundledPackages).toContain("zod");
      expect(pkg.bundledPackages.some((p) => p.startsWith("@aws-sdk/"))).toBe(false);
      expect(pkg.zipBytes).toBeLessThan(500_000);
      // No record-handling code passes through the closure serializer.
      const index = fs.readFileSync(path.join(pkg.dir, "__index.js"), "utf8");
      expect(index).toContain(`require("./${RUNTIME_ARCHIVE_PATH}")`);
      expect(index.length).toBeLessThan(1024);
      expect(fs.existsSync(path.join(pkg.dir, "node_modules"))).toBe(false);
    }
  });
});

describe("stream processor, as deployed", () => {
  it("stores, delivers and dead-letters a real Kinesis batch", async () => {
    const stream = { name: "deployed-clicks", arn: "" };
    const { arn, shardIds } = await createStream(f.emu.kinesis, stream.name);
    stream.arn = arn;
    const payloads = [
      ...Array.from({ length: 20 }, (_, i) => JSON.stringify(clickstreamEvent(i))),
      "{broken",
    ];
    await putRecords(
      f.emu.kinesis,
      stream.name,
      payloads.map((data, i) => ({ data, partitionKey: `p${i}` })),
    );
    const [event] = await readAsLambdaEvents(f.emu.kinesis, stream, shardIds[0]);
    await createTable(f.emu.dynamodb, "deployed-clicks", defineClickstream().tableKey);

    const { initError, results, lines } = await invoke("streamProcessor", [event], {
      AWS_ENDPOINT_URL_FIREHOSE: f.firehose.endpoint,
      DATA_PRODUCT: "clickstream",
      TABLE_NAME: "deployed-clicks",
      DELIVERY_STREAM_NAME: "lake-raw",
      DEAD_LETTER_BUCKET: BUCKET,
      DEAD_LETTER_PREFIX: "deployed/",
    });

    expect(initError).toBeUndefined();
    expect(results).toEqual([{ ok: true, value: { batchItemFailures: [] } }]);
    expect((await scanTable(f.emu.dynamodb, "deployed-clicks")).map((i) => i.eventId).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => clickstreamEvent(i).eventId).sort(),
    );
    // One Firehose record carrying the 20 lake lines (the delivery stream splits them on newline).
    expect(f.firehose.records).toHaveLength(1);
    expect(f.firehose.records[0].split("\n").map((l) => JSON.parse(l).eventId)).toEqual(
      Array.from({ length: 20 }, (_, i) => clickstreamEvent(i).eventId),
    );
    expect(
      (await deadLetters("deployed/")).map((d) => [d.reason, Buffer.from(d.data, "base64").toString()]),
    ).toEqual([["not-json", "{broken"]]);
    expect(lines.find((l) => l.message === "batch processed")).toMatchObject({
      functionName: "deployed-test",
      records: 21,
    });
    expect(metricsOf(lines)[0]).toMatchObject({ DataProduct: "clickstream", Records: 21, DeadLettered: 1 });
  });

  it("de-aggregates KPL records built by aws-kinesis-agg: stores valid ones once, dead-letters poison and corrupt aggregates", async () => {
    await createTable(f.emu.dynamodb, "deployed-kpl", defineClickstream().tableKey);
    const user = (e: object | string) => ({
      data: Buffer.from(typeof e === "string" ? e : JSON.stringify(e)),
      partitionKey: "pk",
    });
    const valid = Array.from({ length: 10 }, (_, i) => clickstreamEvent(200 + i));
    const [good] = await aggregateWithKpl(valid.map(user));
    const [poison] = await aggregateWithKpl([
      user(clickstreamEvent(300)),
      user("{broken"),
      user({ ...clickstreamEvent(301), eventType: "teleport" }),
    ]);
    // A producer retry: the same events again in a new aggregate, plus one duplicate inside it.
    const [duplicates] = await aggregateWithKpl([valid[0], valid[1], valid[1]].map(user));
    // Magic bytes and a matching MD5, but the body is not an AggregatedRecord.
    const body = Buffer.from([0x1a, 100, 0x08, 0x00]);
    const corrupt = Buffer.concat([
      Buffer.from([0xf3, 0x89, 0x9a, 0xc2]),
      body,
      createHash("md5").update(body).digest(),
    ]);
    const event = { Records: [good, poison, duplicates, corrupt].map((d, i) => kinesisRecord(d, 7000 + i)) };

    // The same batch twice: Lambda redelivers after a failed invocation.
    const { initError, results, lines } = await invoke("streamProcessor", [event, event], {
      DATA_PRODUCT: "clickstream",
      TABLE_NAME: "deployed-kpl",
      DEAD_LETTER_BUCKET: BUCKET,
      DEAD_LETTER_PREFIX: "deployed-kpl/",
    });

    expect(initError).toBeUndefined();
    expect(results).toEqual([
      { ok: true, value: { batchItemFailures: [] } },
      { ok: true, value: { batchItemFailures: [] } },
    ]);
    const items = await scanTable(f.emu.dynamodb, "deployed-kpl");
    expect(items.map((i) => i.eventId).sort()).toEqual(
      [...valid, clickstreamEvent(300)].map((e) => e.eventId).sort(),
    );
    expect(items.find((i) => i.eventId === valid[3].eventId)).toMatchObject({ _subSequenceNumber: 3 });
    const dls = await deadLetters("deployed-kpl/");
    expect(dls.map((d) => [d.reason, d.subSequenceNumber ?? null]).sort()).toEqual(
      [
        ["kpl-corrupt", null],
        ["not-json", 1],
        ["schema-violation", 2],
      ].sort(),
    );
    expect(metricsOf(lines)[0]).toMatchObject({ Records: 4, UserRecords: 16, DeadLettered: 3 });
  });

  it("dead-letters a 410 KB ASCII item and a 700 KB UTF-8 item as item-too-large before any DynamoDB call", async () => {
    await createTable(f.emu.dynamodb, "deployed-large", defineClickstream().tableKey);
    const ascii = clickstreamEvent(400, { properties: { blob: "a".repeat(410 * 1024) } });
    // 3 bytes in UTF-8, one UTF-16 unit: dynalite would size it at a third and accept it.
    const utf8 = clickstreamEvent(401, { properties: { blob: "€".repeat((700 * 1024) / 3) } });
    const small = [clickstreamEvent(402), clickstreamEvent(403)];
    const event = {
      Records: [small[0], ascii, utf8, small[1]].map((e, i) => kinesisRecord(JSON.stringify(e), 8000 + i)),
    };
    const before = f.dynamo.requests.length;

    const { results } = await invoke("streamProcessor", [event], {
      DATA_PRODUCT: "clickstream",
      TABLE_NAME: "deployed-large",
      DEAD_LETTER_BUCKET: BUCKET,
      DEAD_LETTER_PREFIX: "deployed-large/",
    });

    expect(results).toEqual([{ ok: true, value: { batchItemFailures: [] } }]);
    const dls = await deadLetters("deployed-large/");
    expect(
      dls.map((d) => [d.reason, JSON.parse(Buffer.from(d.data, "base64").toString("utf8")).eventId]).sort(),
    ).toEqual(
      [
        ["item-too-large", ascii.eventId],
        ["item-too-large", utf8.eventId],
      ].sort(),
    );
    // The processor's own decision: neither item was ever sent to DynamoDB.
    const sent = f.dynamo.requests.slice(before).map((r) => r.body);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.some((b) => b.includes(ascii.eventId) || b.includes(utf8.eventId))).toBe(false);
    expect((await scanTable(f.emu.dynamodb, "deployed-large")).map((i) => i.eventId).sort()).toEqual(
      small.map((e) => e.eventId).sort(),
    );
  });

  it("writes orders with conditional PutItem: a redelivered batch changes nothing and counts duplicates", async () => {
    await createTable(f.emu.dynamodb, "deployed-orders", defineOrders().tableKey);
    const orders = Array.from({ length: 5 }, (_, i) => orderEvent(i));
    const event = { Records: orders.map((o, i) => kinesisRecord(JSON.stringify(o), 9000 + i)) };
    const before = f.dynamo.requests.length;

    const { results, lines } = await invoke("streamProcessor", [event, event], {
      DATA_PRODUCT: "orders",
      TABLE_NAME: "deployed-orders",
      DEAD_LETTER_BUCKET: BUCKET,
      DEAD_LETTER_PREFIX: "deployed-orders/",
    });

    expect(results.map((r) => r.ok && r.value)).toEqual([
      { batchItemFailures: [] },
      { batchItemFailures: [] },
    ]);
    expect(new Set(f.dynamo.requests.slice(before).map((r) => r.operation))).toEqual(
      new Set(["DynamoDB_20120810.PutItem"]),
    );
    expect((await scanTable(f.emu.dynamodb, "deployed-orders")).map((i) => i.orderId).sort()).toEqual(
      orders.map((o) => o.orderId).sort(),
    );
    expect(metricsOf(lines).map((m) => m.Duplicates)).toEqual([0, 5]);
  });

  it("runs as the feature consumer: one PutRecord per valid event", async () => {
    const events = Array.from({ length: 8 }, (_, i) => clickstreamEvent(100 + i));
    const event: KinesisStreamEvent = {
      Records: [...events.map((e) => JSON.stringify(e)), "{broken"].map((d, i) => kinesisRecord(d, 5000 + i)),
    };
    const { results, lines } = await invoke("streamProcessor", [event], {
      AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME: f.featureStore.endpoint,
      DATA_PRODUCT: "clickstream",
      FEATURE_GROUP_NAME: "clickstream-visitor-test",
      DEAD_LETTER_BUCKET: BUCKET,
      DEAD_LETTER_PREFIX: "deployed-features/",
    });
    expect(results).toEqual([{ ok: true, value: { batchItemFailures: [] } }]);
    expect(f.featureStore.records.map((r) => r.featureGroupName)).toEqual(
      Array(8).fill("clickstream-visitor-test"),
    );
    const visitors = f.featureStore.records.map(
      (r) => r.record.find((f) => f.FeatureName === "visitor_id")?.ValueAsString,
    );
    expect(visitors.sort()).toEqual(events.map((e) => e.userId).sort());
    expect(metricsOf(lines)[0]).toMatchObject({ FeatureRecords: 8, DeadLettered: 1 });
    expect((await deadLetters("deployed-features/")).length).toBe(1);
  });

  it.each([
    ["TABLE_TTL_DAYS", { TABLE_TTL_DAYS: "-3" }],
    ["WRITE_CONCURRENCY", { WRITE_CONCURRENCY: "lots" }],
    ["DEAD_LETTER_BUCKET", { DEAD_LETTER_BUCKET: "" }],
  ])("fails the cold start with a RuntimeConfigError naming %s", async (variable, override) => {
    const { initError, results } = await invoke("streamProcessor", [{ Records: [] }], {
      DATA_PRODUCT: "clickstream",
      TABLE_NAME: "deployed-clicks",
      DEAD_LETTER_BUCKET: BUCKET,
      ...override,
    });
    expect(results).toEqual([]);
    expect(initError).toMatch(new RegExp(`^RuntimeConfigError: environment variable ${variable} = `));
  });
});

describe("window aggregator, as deployed", () => {
  it("counts a window and flushes the final window to the window table", async () => {
    await createTable(f.emu.dynamodb, "deployed-windows", WINDOW_TABLE_KEY);
    const base: KinesisStreamEvent = {
      Records: Array.from({ length: 12 }, (_, i) =>
        kinesisRecord(JSON.stringify(clickstreamEvent(i * 3 + 1, { page: i % 2 ? "/a" : "/b" })), 1000 + i),
      ),
    };
    const { results } = await invoke(
      "windowAggregator",
      [
        {
          ...base,
          window: { start: "2026-11-27T14:00:00Z", end: "2026-11-27T14:01:00Z" },
          state: {},
          shardId: "shardId-000000000000",
          eventSourceARN: base.Records[0].eventSourceARN,
          isFinalInvokeForWindow: true,
          isWindowTerminatedEarly: false,
        },
      ],
      { DATA_PRODUCT: "clickstream", TABLE_NAME: "deployed-windows" },
    );
    expect(results[0]).toMatchObject({
      ok: true,
      value: { state: { records: 12, groups: { "/a": [6, 6], "/b": [6, 6] } }, batchItemFailures: [] },
    });
    const items = await scanTable(f.emu.dynamodb, "deployed-windows");
    expect(
      items
        .filter((i) => i.key)
        .map((i) => [i.key, i.count])
        .sort(),
    ).toEqual([
      ["/a", 6],
      ["/b", 6],
    ]);
  });

  it("fails the cold start with a RuntimeConfigError naming WINDOW_METRIC_TOP_KEYS", async () => {
    const { initError } = await invoke("windowAggregator", [], {
      DATA_PRODUCT: "clickstream",
      TABLE_NAME: "deployed-windows",
      WINDOW_METRIC_TOP_KEYS: "many",
    });
    expect(initError).toMatch(/^RuntimeConfigError: environment variable WINDOW_METRIC_TOP_KEYS = "many"/);
  });
});

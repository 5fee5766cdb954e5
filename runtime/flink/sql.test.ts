import { DuckDBInstance } from "@duckdb/node-api";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { Parser } from "node-sql-parser";
import {
  createWindowAggregator,
  WINDOW_TABLE_KEY,
  windowItems,
  type WindowState,
} from "../aggregator/aggregator";
import { defineClickstream } from "../schemas";
import type { DynamoDbPort } from "../sinks/ports";
import { jsonLogger } from "../telemetry/log";
import { clickstreamEvent, kinesisRecord, TEST_STREAM_ARN, virtualTime } from "../testing/events";
import { createTableToDuckDb, javaPatternToStrftime, queryToDuckDb, readCreateTable } from "./duckdb";
import { flinkSql, placeholders, statements } from "./statements";

/*
 * The offline check of the clickstream Flink SQL (what it proves is in runtime/flink/README.md):
 * the statements main.py runs are split and filled here the same way; the query parses with
 * node-sql-parser's Flink SQL dialect; the CREATE TABLE statements are read structurally; and the
 * query, translated mechanically to DuckDB (runtime/flink/duckdb.ts), gives the same page-view
 * counts per window as the Lambda aggregator over the same sample of records.
 */

const WINDOW_SECONDS = 60;
const TTL_DAYS = 30;
const VALUES = {
  STREAM_ARN: TEST_STREAM_ARN,
  AWS_REGION: "us-east-1",
  WINDOW_TABLE: "clickstream-windows",
  WINDOW_SECONDS: String(WINDOW_SECONDS),
  TTL_SECONDS: String(TTL_DAYS * 86_400),
};
const T0 = Date.UTC(2026, 10, 27, 14, 0, 0);

/** One record of the sample: its bytes in the stream and its arrival time. */
interface SampleRecord {
  readonly data: string;
  readonly arrivalMs: number;
}

/**
 * 600 records over ~5 windows (arrival 0.5 s apart, starting mid-window), clicks and page views
 * on several pages, and records either side rejects: not JSON, no page, an empty event id, a
 * non-URL, a page over 2,048 characters, no occurredAt.
 */
function sample(): SampleRecord[] {
  const out: SampleRecord[] = [];
  for (let i = 0; i < 600; i++) {
    const arrivalMs = T0 + 25_000 + i * 500;
    let data: string;
    const e = clickstreamEvent(i);
    switch (i % 50) {
      case 7:
        data = "{not json";
        break;
      case 11: {
        const { page: _page, ...rest } = e;
        data = JSON.stringify({ ...rest, eventType: "page_view" });
        break;
      }
      case 13:
        data = JSON.stringify({ ...e, eventType: "page_view", eventId: "" });
        break;
      case 17:
        data = JSON.stringify({ ...e, eventType: "page_view", url: "not a url" });
        break;
      case 19:
        data = JSON.stringify({ ...e, eventType: "page_view", page: `/${"x".repeat(2048)}` });
        break;
      case 23: {
        const { occurredAt: _at, ...rest } = e;
        data = JSON.stringify({ ...rest, eventType: "page_view" });
        break;
      }
      default:
        data = JSON.stringify(e);
    }
    out.push({ data, arrivalMs });
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Window items the Lambda aggregator stores for the sample: each window in two invocations. */
async function lambdaWindows(records: readonly SampleRecord[]): Promise<Record<string, unknown>[]> {
  const stored: Record<string, unknown>[] = [];
  const port: DynamoDbPort = {
    batchWriteItem: async (input) => {
      for (const reqs of Object.values(input.RequestItems ?? {}))
        for (const r of reqs) if (r.PutRequest?.Item) stored.push(unmarshall(r.PutRequest.Item));
      return {};
    },
    putItem: async () => ({}),
  };
  const time = virtualTime(1);
  const handler = createWindowAggregator({
    product: defineClickstream() as never,
    table: { port, tableName: "windows", ttlDays: TTL_DAYS },
    logger: jsonLogger({ write: () => undefined }),
    writeMetrics: () => undefined,
    timing: time.timing,
    now: time.now,
  });
  const byWindow = new Map<number, SampleRecord[]>();
  for (const r of records) {
    const start = Math.floor(r.arrivalMs / (WINDOW_SECONDS * 1000)) * WINDOW_SECONDS * 1000;
    byWindow.set(start, [...(byWindow.get(start) ?? []), r]);
  }
  let n = 0;
  for (const [start, rs] of [...byWindow].sort((a, b) => a[0] - b[0])) {
    const window = { start: iso(start), end: iso(start + WINDOW_SECONDS * 1000) };
    const halves = [rs.slice(0, rs.length >> 1), rs.slice(rs.length >> 1)];
    let state: WindowState | Record<string, never> = {};
    for (const [h, part] of halves.entries()) {
      const res = await handler(
        {
          Records: part.map((r) => kinesisRecord(r.data, n++, { arrivalMs: r.arrivalMs })),
          window,
          state,
          shardId: "shardId-000000000000",
          eventSourceARN: TEST_STREAM_ARN,
          isFinalInvokeForWindow: h === halves.length - 1,
          isWindowTerminatedEarly: false,
        },
        time.context(60_000),
      );
      state = res.state;
    }
  }
  return stored;
}

/** Rows the Flink query writes for the sample, run by DuckDB after the mechanical translation. */
async function flinkWindows(
  sqlText: string,
  records: readonly SampleRecord[],
): Promise<Record<string, unknown>[]> {
  const [source, sink, query] = statements(sqlText, VALUES);
  const src = readCreateTable(source);
  const dst = readCreateTable(sink);
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    await c.run(createTableToDuckDb(src));
    await c.run(createTableToDuckDb(dst));
    // What the Kinesis source with `'format' = 'json'` and `'json.ignore-parse-errors'` yields:
    // rows of the declared fields (absent → NULL), records that are not a JSON object skipped,
    // `arrival` from the record's approximate arrival time.
    const physical = src.columns.filter((col) => !col.metadata);
    const placeholdersList = [
      ...physical.map((_, i) => `$${i + 1}`),
      `make_timestamp(CAST($${physical.length + 1} AS BIGINT))`,
    ];
    const insert = `INSERT INTO ${src.table} VALUES (${placeholdersList.join(", ")})`;
    for (const r of records) {
      let value: unknown;
      try {
        value = JSON.parse(r.data);
      } catch {
        continue;
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) continue;
      const o = value as Record<string, unknown>;
      const row = physical.map((col) => (typeof o[col.name] === "string" ? (o[col.name] as string) : null));
      await c.run(insert, [...row, BigInt(r.arrivalMs) * 1000n]);
    }
    await c.run(queryToDuckDb(query));
    const rows = await c.runAndReadAll(`SELECT * FROM ${dst.table}`);
    return rows.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** `pk → key → count` over KEY items, summed over shards (how a reader of the window table totals). */
function counts(items: readonly Record<string, unknown>[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const i of items) {
    if (!String(i.sk).startsWith("KEY#")) continue;
    const w = (out[String(i.pk)] ??= {});
    w[String(i.key)] = (w[String(i.key)] ?? 0) + Number(i.count);
  }
  return out;
}

const { text } = flinkSql("clickstream");

describe("clickstream Flink SQL", () => {
  it("names only the placeholders the component fills, and main.py's splitting yields 2 tables and 1 query", () => {
    expect(placeholders(text)).toEqual(Object.keys(VALUES).sort());
    const s = statements(text, VALUES);
    expect(s.map((x) => x.split(/\s+/).slice(0, 2).join(" "))).toEqual([
      "CREATE TABLE",
      "CREATE TABLE",
      "INSERT INTO",
    ]);
    expect(() => statements(text, { ...VALUES, WINDOW_TABLE: undefined as never })).toThrow(
      "${WINDOW_TABLE}",
    );
  });

  it("parses as Flink SQL and groups by the TUMBLE window and the page", () => {
    const [, , query] = statements(text, VALUES);
    const parser = new Parser();
    const ast = parser.astify(query, { database: "flinksql" });
    const insert = (Array.isArray(ast) ? ast[0] : ast) as unknown as {
      type: string;
      table: { table: string }[];
      values: { groupby: { columns: { column: string }[] } };
    };
    expect(insert.type).toBe("insert");
    expect(insert.table[0].table).toBe("clickstream_windows");
    expect(insert.values.groupby.columns.map((g) => g.column)).toEqual([
      "window_start",
      "window_end",
      "page",
    ]);
    expect(query).toMatch(/TUMBLE\(TABLE clickstream_events, DESCRIPTOR\(arrival\), INTERVAL '60' SECOND\)/);
    // The parser is a real check: a broken query fails.
    expect(() => parser.astify(query.replace("GROUP BY", "GROUP"), { database: "flinksql" })).toThrow();
  });

  it("reads the stream on arrival time and writes the window table under the aggregator's key", () => {
    const [source, sink] = statements(text, VALUES);
    const src = readCreateTable(source);
    expect(src.options).toMatchObject({
      connector: "kinesis",
      "stream.arn": TEST_STREAM_ARN,
      format: "json",
      "json.ignore-parse-errors": "true",
    });
    expect(src.columns.find((c) => c.name === "arrival")).toMatchObject({ metadata: "timestamp" });
    expect(src.watermark?.column).toBe("arrival");
    const dst = readCreateTable(sink);
    expect(dst.options).toMatchObject({ connector: "dynamodb", "table-name": "clickstream-windows" });
    expect(dst.partitionedBy).toEqual([WINDOW_TABLE_KEY.hashKey, WINDOW_TABLE_KEY.rangeKey]);
    // Every attribute of the aggregator's per-key item is a column of the sink.
    const keyItem = windowItems({
      dataProduct: "clickstream",
      shardId: "s",
      window: { start: "a", end: "b" },
      state: { records: 1, invalid: 0, groups: { "/": [1, 1] } },
      expiresAt: 1,
    }).find((i) => String(i.sk).startsWith("KEY#"))!;
    expect(dst.columns.map((c) => c.name).sort()).toEqual(Object.keys(keyItem).sort());
  });

  it("counts the same page views per window as the Lambda aggregator on the same sample", async () => {
    const records = sample();
    const [lambda, flink] = await Promise.all([lambdaWindows(records), flinkWindows(text, records)]);
    expect(Object.keys(counts(lambda)).length).toBeGreaterThanOrEqual(5);
    expect(counts(flink)).toEqual(counts(lambda));
    // Same window bounds and TTL on every item, for the same pk.
    const shape = (items: readonly Record<string, unknown>[]) =>
      Object.fromEntries(
        items
          .filter((i) => String(i.sk).startsWith("KEY#"))
          .map((i) => [
            `${String(i.pk)}|${String(i.key)}`,
            [i.windowStart, i.windowEnd, Number(i.expiresAt)],
          ]),
      );
    expect(shape(flink)).toEqual(shape(lambda));
  });

  it("tells a different window length apart (the comparison can fail)", async () => {
    const records = sample();
    const lambda = counts(await lambdaWindows(records));
    const thirty = counts(
      await flinkWindows(
        text.replace("INTERVAL '${WINDOW_SECONDS}' SECOND", "INTERVAL '30' SECOND"),
        records,
      ),
    );
    expect(thirty).not.toEqual(lambda);
  });

  it("documents its one known difference: occurredAt is checked for presence, not as an ISO time", async () => {
    const bad = {
      data: JSON.stringify({ ...clickstreamEvent(1), occurredAt: "yesterday" }),
      arrivalMs: T0 + 1000,
    };
    expect(clickstreamEvent(1).eventType).toBe("page_view");
    const lambda = counts(await lambdaWindows([bad]));
    const flink = counts(await flinkWindows(text, [bad]));
    expect(lambda).toEqual({});
    expect(Object.values(flink)).toEqual([{ [clickstreamEvent(1).page]: 1 }]);
  });

  it("translates Java date patterns token by token and refuses others", () => {
    expect(javaPatternToStrftime("yyyy-MM-dd'T'HH:mm:ss'Z'")).toBe("%Y-%m-%dT%H:%M:%SZ");
    expect(() => javaPatternToStrftime("yyyy-MM-dd HH:mm:ss.SSS")).toThrow('"S"');
  });
});

import { marshall } from "@aws-sdk/util-dynamodb";
import { SINK_LIMITS } from "../constants";
import { createTransformer, isRefused, partitionOf, versionOf } from "../processor/transform";
import { defineClickstream, defineOrders, type Item } from "../schemas";
import { clickstreamEvent, orderEvent } from "../testing/events";
import { chunkWrites } from "./dynamodb";
import { deadLetter, type DeadLetterContext, type PoisonRecord } from "./deadletter";
import { chunkRecords, deliver, packLines, type LakeLine } from "./firehose";
import { FakeFirehose } from "../testing/fakes";
import {
  itemSize,
  marshallBounded,
  marshallItem,
  marshallSized,
  significantDigits,
  unmarshallItem,
} from "./marshall";
import { isRetryable, nextDelay } from "./retry";
import { referenceItemSize } from "../testing/item-size";

describe("sink batching", () => {
  it("splits DynamoDB writes at 25 items and at 16 MB, in order", () => {
    const small = Array.from({ length: 60 }, () => ({ item: {}, bytes: 100 }));
    expect(chunkWrites(small).map((c) => c.length)).toEqual([25, 25, 10]);
    // Real items stop at 400 KB (25 of them stay under 16 MB); the byte limit still holds for any size.
    const big = Array.from({ length: 60 }, () => ({ item: {}, bytes: 700 * 1024 }));
    const chunks = chunkWrites(big);
    expect(chunks.flat()).toEqual(big.map((_, i) => i));
    for (const c of chunks) expect(c.length * 700 * 1024).toBeLessThanOrEqual(SINK_LIMITS.dynamodbBatchBytes);
    expect(chunks.map((c) => c.length)).toEqual([23, 23, 14]);
  });

  it("splits Firehose batches at 500 records and at 4 MiB, in order", () => {
    expect(chunkRecords(Array.from({ length: 1201 }, () => Buffer.alloc(10))).map((c) => c.length)).toEqual([
      500, 500, 201,
    ]);
    const large = Array.from({ length: 12 }, () => Buffer.alloc(1000 * 1024));
    expect(chunkRecords(large).map((c) => c.length)).toEqual([4, 4, 4]);
  });

  const lakeLine = (text: string): LakeLine => ({ line: text, lineBytes: Buffer.byteLength(text) });

  it("packs lake lines into Firehose records of at most 500 lines, newline-delimited, in order", () => {
    const lines = Array.from({ length: 1201 }, (_, i) => lakeLine(JSON.stringify({ i })));
    const { records, first } = packLines(lines);
    expect(first).toEqual([0, 500, 1000]);
    const split = records.map((r) => r.toString("utf8").split("\n"));
    expect(split.map((s) => s.length)).toEqual([500, 500, 201]);
    expect(split.flat()).toEqual(lines.map((l) => l.line));
    for (const r of records) expect(r.length).toBeLessThanOrEqual(SINK_LIMITS.firehoseMaxRecordBytes);
  });

  it("encodes a line given in parts (record JSON + `_meta` tail) as the same bytes as the line", () => {
    const inParts = (json: string, tail: string): LakeLine => {
      const line = `${json.slice(0, -1)}${json.length > 2 ? "," : ""}${tail}`;
      return { line, lineBytes: Buffer.byteLength(line), json, jsonBytes: Buffer.byteLength(json), tail };
    };
    const tail = '"_meta":{"idempotencyKey":"k-€"}}';
    const lines = [
      inParts('{"a":1}', tail),
      inParts("{}", tail), // no member: no comma
      inParts('{"name":"Zoë 😀","x":"€"}', tail), // multi-byte characters before the closing brace
      lakeLine('{"plain":true}'), // a line without parts
    ];
    const { records } = packLines(lines);
    expect(records).toHaveLength(1);
    expect(records[0].toString("utf8")).toBe(lines.map((l) => l.line).join("\n"));
    expect(records[0].toString("utf8").split("\n")[1]).toBe('{"_meta":{"idempotencyKey":"k-€"}}');
    // A record JSON size that is not the text's (too small or too large) is refused, never shipped cut.
    const wrong = inParts('{"name":"Zoë"}', tail);
    for (const jsonBytes of [wrong.jsonBytes! - 1, wrong.jsonBytes! + 1]) {
      const lineBytes = wrong.lineBytes + (jsonBytes - wrong.jsonBytes!);
      expect(() => packLines([{ ...wrong, jsonBytes, lineBytes }])).toThrow(RangeError);
    }
  });

  it("packs by UTF-8 bytes up to 1,000 KiB per record, delimiters included", () => {
    // 250,000 three-byte characters: 750,000 bytes but 250,002 UTF-16 units per line.
    const wide = lakeLine(`"${"€".repeat(250_000)}"`);
    const { records } = packLines([wide, wide, wide]);
    expect(records.map((r) => r.length)).toEqual([750_002, 750_002, 750_002]);
    // 341,333 + 341,333 + 341,332 bytes and 2 newlines fill a record exactly (1,024,000 bytes);
    // one byte more and the third line starts the next record.
    const a = lakeLine(`"${"a".repeat(341_331)}"`);
    const b = lakeLine(`"${"b".repeat(341_330)}"`);
    const tiny = lakeLine("{}");
    const exact = packLines([a, a, b, tiny]);
    expect(exact.records.map((r) => r.length)).toEqual([SINK_LIMITS.firehoseMaxRecordBytes, 2]);
    expect(exact.first).toEqual([0, 3]);
    const over = packLines([a, a, a, tiny]);
    expect(over.records.map((r) => r.length)).toEqual([682_667, 341_336]);
    expect(over.first).toEqual([0, 2]);
  });

  it("reports the lines of the records Firehose does not accept", async () => {
    const lines = Array.from({ length: 1100 }, (_, i) => lakeLine(JSON.stringify({ i })));
    // The record holding lines 500-999 is refused whatever the attempt.
    const firehose = new FakeFirehose({
      entryError: (_call, _i, data) =>
        data.startsWith('{"i":500}') ? "ServiceUnavailableException" : undefined,
    });
    // The invocation's time runs out after a few retries (each call takes 100 ms of it).
    const out = await deliver(
      {
        port: firehose,
        deliveryStreamName: "lake",
        budget: { remainingMs: () => 1_000 - 100 * firehose.calls.length },
        retry: { baseDelayMs: 1, maxDelayMs: 1 },
        timing: { random: () => 0, sleep: async () => undefined },
        log: () => undefined,
      },
      lines,
    );
    expect([...out.failed]).toEqual(Array.from({ length: 500 }, (_, i) => 500 + i));
    expect(out.retries).toBeGreaterThan(0);
    expect(firehose.delivered.map((l) => JSON.parse(l).i)).toEqual([
      ...Array.from({ length: 500 }, (_, i) => i),
      ...Array.from({ length: 100 }, (_, i) => 1000 + i),
    ]);
  });
});

describe("dead letters", () => {
  const stored: { Key?: string; Body?: unknown }[] = [];
  const ctx = (awsRequestId?: string): DeadLetterContext => ({
    port: {
      putObject: async (input) => {
        stored.push(input);
        return {};
      },
    },
    bucket: "dlq",
    prefix: "dead-letters/",
    dataProduct: "clickstream",
    eventSourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks "quoted"',
    shardId: "shardId-000000000002",
    ...(awsRequestId === undefined ? {} : { awsRequestId }),
    concurrency: 4,
    budget: { remainingMs: () => 1_000 },
    retry: { baseDelayMs: 1, maxDelayMs: 1 },
    timing: { random: () => 0, sleep: async () => undefined },
    now: () => Date.UTC(2026, 10, 27, 12, 0, 0),
    log: () => undefined,
  });
  const poison: PoisonRecord[] = [
    {
      sequenceNumber: "49590338271490256608559692538361571095921575989136588802",
      partitionKey: 'pk\n"1"',
      approximateArrivalTimestamp: 1764244800.123,
      data: "eyJiYWQiOg==",
      reason: "not-json",
      detail: 'SyntaxError: Unexpected end of JSON input at "\u2028"',
    },
    {
      sequenceNumber: "49590338271490256608559692538361571095921575989136588804",
      partitionKey: "pk-3",
      approximateArrivalTimestamp: 1764244802,
      data: 'not "base64" \\ at all',
      reason: "not-base64",
      detail: "record data is not base64",
    },
    {
      sequenceNumber: "49590338271490256608559692538361571095921575989136588803",
      subSequenceNumber: 3,
      partitionKey: "pk-2",
      approximateArrivalTimestamp: 1764244801,
      data: "e30=",
      reason: "schema-violation",
      detail: "eventType: Invalid option",
    },
  ];

  it.each([undefined, "req-1"])(
    "stores one JSON document per record, with every field and in the declared order (request id %s)",
    async (awsRequestId) => {
      stored.length = 0;
      const out = await deadLetter(ctx(awsRequestId), poison);
      expect(out.failed.size).toBe(0);
      const c = ctx(awsRequestId);
      const expected = poison.map((p) => ({
        dataProduct: c.dataProduct,
        eventSourceARN: c.eventSourceARN,
        shardId: c.shardId,
        sequenceNumber: p.sequenceNumber,
        ...(p.subSequenceNumber === undefined ? {} : { subSequenceNumber: p.subSequenceNumber }),
        partitionKey: p.partitionKey,
        approximateArrivalTimestamp: p.approximateArrivalTimestamp,
        reason: p.reason,
        detail: p.detail,
        attempt: 1,
        deadLetteredAt: "2026-11-27T12:00:00.000Z",
        ...(awsRequestId === undefined ? {} : { awsRequestId }),
        data: p.data,
      }));
      // Byte for byte what JSON.stringify of the document object gives.
      expect(stored.map((s) => s.Body)).toEqual(expected.map((d) => JSON.stringify(d)));
      expect(stored.map((s) => s.Key)).toEqual([
        `dead-letters/clickstream/shardId-000000000002/${poison[0].sequenceNumber}.json`,
        `dead-letters/clickstream/shardId-000000000002/${poison[1].sequenceNumber}.json`,
        `dead-letters/clickstream/shardId-000000000002/${poison[2].sequenceNumber}-3.json`,
      ]);
      // Data that is not base64 is escaped; it round-trips.
      expect(JSON.parse(String(stored[1].Body)).data).toBe(poison[1].data);
    },
  );
});

describe("marshalling", () => {
  const item: Item = { pk: "a", n: 12345, f: -1.5, ok: true, none: null, list: ["x", 1], map: { ü: "é" } };

  it("round-trips JSON values through DynamoDB attribute values", () => {
    expect(unmarshallItem(marshallItem(item))).toEqual(item);
  });

  it("marshals exactly like @aws-sdk/util-dynamodb, for both data products' items", () => {
    const clickstream = defineClickstream();
    const orders = defineOrders();
    const items: Item[] = [
      item,
      { pk: "", empty: "", nested: { list: [[], {}, [null, { deep: [1.25, -0.5, "x"] }]] }, zero: 0 },
      { big: 9007199254740991, tiny: 1.5e-7, neg: -1200.05, exp: 1e21, e: { a: { b: { c: "ü" } } } },
      ...Array.from({ length: 20 }, (_, i) =>
        clickstream.toItem(clickstream.schema.parse(clickstreamEvent(i))),
      ),
      ...Array.from({ length: 20 }, (_, i) =>
        orders.toItem(
          orders.schema.parse(
            orderEvent(
              i,
              i % 2 ? { shippingAddress: { country: "FR", postalCode: "75011", city: "Paris" } } : {},
              1 + (i % 4),
            ),
          ),
        ),
      ),
    ];
    // JSON numbers beyond 2^53 already lost precision in JSON.parse: stored as printed, not refused.
    const OPTIONS = { removeUndefinedValues: true, allowImpreciseNumbers: true };
    for (const it of items) {
      expect(marshallItem(it)).toEqual(marshall(it, OPTIONS));
      expect(marshallSized(it).bytes).toBe(referenceItemSize(marshall(it, OPTIONS)));
      expect(unmarshallItem(marshallItem(it))).toEqual(it);
    }
    // Undefined values are left out (util-dynamodb's removeUndefinedValues), in maps and lists.
    const sparse = { a: "x", gone: undefined, list: ["y", undefined] } as unknown as Item;
    expect(marshallItem(sparse)).toEqual(marshall(sparse, { removeUndefinedValues: true }));
  });

  it("marshals every item shape the same, including names that are not identifiers and __proto__", () => {
    const shapes = [
      { pk: "a", "weird name": 1, 'quote"d': true, "1": null },
      { pk: "a", "weird name": 1, 'quote"d': true, "1": null },
      JSON.parse('{"pk":"b","__proto__":{"polluted":"yes"},"m":{"__proto__":"x"}}') as Item,
    ];
    for (const it of shapes) {
      const { item: out } = marshallSized(it);
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(Object.keys(out)).toEqual(Object.keys(it));
      expect(unmarshallItem(out)).toEqual(it);
    }
    const polluted = marshallSized(shapes[2]).item;
    expect(Object.getOwnPropertyDescriptor(polluted, "__proto__")?.value).toEqual({
      M: { polluted: { S: "yes" } },
    });
    expect(Object.getOwnPropertyDescriptor(polluted.m.M, "__proto__")?.value).toEqual({ S: "x" });
  });

  it("sizes items by DynamoDB's rules: UTF-8 names and strings, significant digits, list and map overhead", () => {
    expect(marshallSized({ pk: "a" }).bytes).toBe(3);
    // "map" + map overhead 3 + 1 per element + "ü"(2) + "é"(2).
    expect(marshallSized({ map: { ü: "é" } }).bytes).toBe(3 + 3 + 1 + 2 + 2);
    // Numbers: 1 byte per two significant digits (leading and trailing zeros trimmed) + 1.
    expect(marshallSized({ n: 1000 }).bytes).toBe(1 + 1 + 1);
    expect(marshallSized({ n: 0.0012 }).bytes).toBe(1 + 1 + 1);
    expect(marshallSized({ n: 12345 }).bytes).toBe(1 + 3 + 1);
    expect(marshallSized({ n: -1200.05 }).bytes).toBe(1 + 3 + 1);
    expect(marshallSized({ n: 0 }).bytes).toBe(1 + 0 + 1);
    expect(["0", "1000", "-0.0012", "1.5e-7", "1e+21", "10.01", "120.5"].map(significantDigits)).toEqual([
      0, 1, 2, 2, 1, 4, 4,
    ]);
    // Lists: 3 + 1 per element; booleans and nulls 1.
    expect(marshallSized({ l: [true, null, "ab"] }).bytes).toBe(1 + 3 + 3 + 1 + 1 + 2);
    expect(marshallSized({ l: [], m: {} }).bytes).toBe(1 + 3 + 1 + 3);
  });

  it("measures a serving item of about 400 KB as DynamoDB does, so the limit is enforced at the right size", () => {
    const limit = SINK_LIMITS.dynamodbMaxItemBytes;
    // "pk" + "a" + "notes" + notes: exactly at the limit, then one byte (or one multi-byte character) over it.
    const at = { pk: "a", notes: "x".repeat(limit - 8) };
    expect(marshallSized(at).bytes).toBe(limit);
    expect(marshallSized({ ...at, notes: at.notes + "y" }).bytes).toBe(limit + 1);
    expect(marshallSized({ ...at, notes: at.notes.slice(1) + "é" }).bytes).toBe(limit + 1);
    expect(itemSize(at)).toBe(limit);
  });

  it("bounds item sizes cheaply far from the limit and sizes exactly near it (the processor's path)", () => {
    const limit = SINK_LIMITS.dynamodbMaxItemBytes;
    const items: Item[] = [
      { pk: "a", s: "plain", n: 12.5, m: { clé: "€uro", l: ["😀", 1, null] } },
      defineOrders().toItem(defineOrders().schema.parse(orderEvent(3))),
      defineClickstream().toItem(defineClickstream().schema.parse(clickstreamEvent(3))),
    ];
    for (const item of items) {
      const bounded = marshallBounded(item, limit);
      expect(bounded.item).toEqual(marshallSized(item).item);
      expect(bounded.bytes).toBeGreaterThanOrEqual(marshallSized(item).bytes);
      expect(bounded.bytes).toBeLessThanOrEqual(3 * JSON.stringify(item).length);
    }
    // 136,600 "é" are 273,200 bytes, bound at 409,800: past the 409,600-byte limit, so measured exactly.
    const near = { pk: "a", notes: "é".repeat(136_600) };
    expect(marshallBounded(near, limit).bytes).toBe(2 + 1 + 5 + 273_200);
    // Far from it, the bound: names exactly, strings at 3 bytes per unit.
    expect(marshallBounded({ pk: "é" }, limit).bytes).toBe(2 + 3);
    // At the limit and one byte over: exactly as marshallSized says, whatever the bound.
    const at = { pk: "a", notes: "x".repeat(limit - 8) };
    expect(marshallBounded(at, limit).bytes).toBe(limit);
    expect(marshallBounded({ ...at, notes: at.notes.slice(1) + "é" }, limit).bytes).toBe(limit + 1);
  });
});

describe("transform", () => {
  const product = defineClickstream();
  const prepare = createTransformer(product, { ttlDays: 1 });
  const value = product.schema.parse(clickstreamEvent(5));
  const origin = { sequenceNumber: "123", subSequenceNumber: 2, shardId: "shardId-000000000001" };

  it("keeps the producer's bytes in the lake line and adds _meta, one line per record", () => {
    const raw = Buffer.from(JSON.stringify({ ...clickstreamEvent(5), extra: "kept" }) + "  ");
    const out = prepare(value, origin, raw);
    if (isRefused(out)) throw new Error(out.detail);
    const line = out.line;
    expect(line.startsWith(raw.toString().trimEnd().slice(0, -1) + ',"_meta":{')).toBe(true);
    expect(line.endsWith("}")).toBe(true);
    expect(line.includes("\n")).toBe(false);
    expect(out.lineBytes).toBe(Buffer.byteLength(line));
    expect(JSON.parse(line)).toMatchObject({
      extra: "kept",
      eventId: value.eventId,
      _meta: {
        idempotencyKey: value.eventId,
        sequenceNumber: "123",
        subSequenceNumber: 2,
        partition: { hour: "14" },
      },
    });
  });

  it("counts the lake line's UTF-8 bytes exactly, whatever characters its fields and _meta hold", () => {
    // Firehose records are packed up to 1,000 KiB by these counts: an undercount overflows a record.
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...clickstreamEvent(5), note: "héllo 😀 \u2028 ☃" }, "123", "shardId-000000000001"],
      [{ ...clickstreamEvent(6), eventId: "évènement-😀-1" }, "456", "shard-é"],
      [{ ...clickstreamEvent(7), note: "\ud800 lone surrogate" }, "9".repeat(80), "s"],
      [{ ...clickstreamEvent(8), blob: "ü".repeat(200) }, "1", "shardId-000000000001"],
    ];
    for (const [event, sequenceNumber, shardId] of cases) {
      const parsed = product.schema.safeParse(event);
      if (!parsed.success) throw new Error(parsed.error.message);
      const out = prepare(parsed.data, { sequenceNumber, shardId }, Buffer.from(JSON.stringify(event)));
      if (isRefused(out)) throw new Error(out.detail);
      expect(out.lineBytes).toBe(Buffer.byteLength(out.line));
    }
  });

  it("re-serializes pretty-printed records so every lake record stays on one line", () => {
    const out = prepare(value, origin, Buffer.from(JSON.stringify(clickstreamEvent(5), null, 2)));
    if (isRefused(out)) throw new Error(out.detail);
    expect(out.line.includes("\n")).toBe(false);
    expect(JSON.parse(out.line)._meta.shardId).toBe("shardId-000000000001");
  });

  it("versions items so that string order is sequence order, and sets the TTL from event time", () => {
    expect(versionOf("9", 0) < versionOf("10", 0)).toBe(true);
    expect(versionOf("10", 1) < versionOf("10", 2)).toBe(true);
    const out = prepare(value, origin);
    if (isRefused(out)) throw new Error(out.detail);
    expect(Number(out.item.expiresAt.N)).toBe(Math.floor(Date.parse(value.occurredAt) / 1000) + 86_400);
  });

  it("partitions by UTC hour, also for times with an offset", () => {
    expect(partitionOf("2026-01-02T03:04:05Z")).toEqual({ year: "2026", month: "01", day: "02", hour: "03" });
    expect(partitionOf("2026-01-01T23:30:00-02:00")).toEqual({
      year: "2026",
      month: "01",
      day: "02",
      hour: "01",
    });
  });
});

describe("retries", () => {
  const timing = { random: () => 0.999, sleep: async () => undefined };
  const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it("backs off exponentially with jitter, capped, and never past the remaining time", () => {
    const budget = { remainingMs: () => 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => nextDelay(a, policy, budget, timing))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(nextDelay(5, policy, { remainingMs: () => 500 }, timing)).toBeUndefined();
  });

  it("retries throttling and server faults, not bad requests", () => {
    const err = (name: string, status: number) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    expect(isRetryable(err("ProvisionedThroughputExceededException", 400))).toBe(true);
    expect(isRetryable(err("Whatever", 503))).toBe(true);
    expect(isRetryable(err("ValidationException", 400))).toBe(false);
    expect(isRetryable(err("AccessDenied", 403))).toBe(false);
  });
});

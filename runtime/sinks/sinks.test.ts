import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { SINK_LIMITS } from "../constants";
import { createTransformer, isRefused, partitionOf, versionOf } from "../processor/transform";
import { defineClickstream, defineOrders, type Item } from "../schemas";
import { clickstreamEvent, orderEvent } from "../testing/events";
import { chunkWrites } from "./dynamodb";
import { chunkRecords } from "./firehose";
import { itemSize, marshallItem, marshallSized, significantDigits, unmarshallItem } from "./marshall";
import { isRetryable, nextDelay } from "./retry";

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
      expect(marshallSized(it).bytes).toBe(referenceSize(marshall(it, OPTIONS)));
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
});

/** An independent item size from util-dynamodb's attribute values, straight from the published rules. */
function referenceSize(item: Record<string, AttributeValue>): number {
  const value = (v: AttributeValue): number => {
    if (v.S !== undefined) return Buffer.byteLength(v.S);
    if (v.N !== undefined) {
      const digits = v.N.split(/e/i)[0].replace(/[-.]/g, "").replace(/^0+/, "").replace(/0+$/, "");
      return Math.ceil(digits.length / 2) + 1;
    }
    if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
    if (v.L !== undefined) return 3 + v.L.reduce((n, e) => n + 1 + value(e), 0);
    if (v.M !== undefined)
      return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + value(e), 0);
    throw new Error(`unexpected attribute ${JSON.stringify(v)}`);
  };
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + value(v), 0);
}

describe("transform", () => {
  const product = defineClickstream();
  const prepare = createTransformer(product, { ttlDays: 1 });
  const value = product.schema.parse(clickstreamEvent(5));
  const origin = { sequenceNumber: "123", subSequenceNumber: 2, shardId: "shardId-000000000001" };

  it("keeps the producer's bytes in the lake line and adds _meta, one line per record", () => {
    const raw = Buffer.from(JSON.stringify({ ...clickstreamEvent(5), extra: "kept" }) + "  ");
    const out = prepare(value, origin, raw);
    if (isRefused(out)) throw new Error(out.detail);
    const line = out.line.toString();
    expect(line.endsWith("}\n")).toBe(true);
    expect(line.indexOf("\n")).toBe(line.length - 1);
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

  it("re-serializes pretty-printed records so every lake record stays on one line", () => {
    const out = prepare(value, origin, Buffer.from(JSON.stringify(clickstreamEvent(5), null, 2)));
    if (isRefused(out)) throw new Error(out.detail);
    expect(out.line.toString().split("\n")).toHaveLength(2);
    expect(JSON.parse(out.line.toString())._meta.shardId).toBe("shardId-000000000001");
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

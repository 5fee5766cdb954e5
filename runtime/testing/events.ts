import type { ClickstreamEvent, OrderEvent } from "../schemas";
import type { InvocationContext, KinesisEventRecord, KinesisStreamEvent } from "../types";
import { ACCOUNT, REGION } from "./identity";

/** A small seeded PRNG (mulberry32) so randomized tests and benchmarks are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAGES = ["/", "/products", "/products/42", "/cart", "/checkout", "/search", "/account", "/help"];

/** A realistic clickstream event of about 300 bytes of JSON. */
export function clickstreamEvent(i: number, overrides: Partial<ClickstreamEvent> = {}): ClickstreamEvent {
  const page = PAGES[i % PAGES.length];
  return {
    eventId: `evt-${String(i).padStart(10, "0")}-7f3a9c`,
    sessionId: `sess-${String(Math.floor(i / 20)).padStart(8, "0")}`,
    userId: `user-${i % 997}`,
    eventType: i % 3 === 0 ? "click" : "page_view",
    page,
    url: `https://shop.example.com${page}?ref=campaign-${i % 13}`,
    referrer: "https://example.org/",
    occurredAt: new Date(Date.UTC(2026, 10, 27, 14, 0, 0) + i * 37).toISOString(),
    userAgent: "Mozilla/5.0 Firefox/133.0",
    properties: { viewport: "1280x720" },
    ...overrides,
  };
}

/** A realistic order event; `lines` sets the number of order lines (items grow with it). */
export function orderEvent(i: number, overrides: Partial<OrderEvent> = {}, lines = 3): OrderEvent {
  const items = Array.from({ length: lines }, (_, j) => ({
    sku: `SKU-${(i * 7 + j) % 5000}`,
    qty: 1 + (j % 3),
    price: 9.99 + j,
  }));
  return {
    orderId: `order-${String(i).padStart(8, "0")}`,
    customerId: `cust-${i % 311}`,
    status: "created",
    items,
    total: Math.round(items.reduce((s, x) => s + x.qty * x.price, 0) * 100) / 100,
    currency: "EUR",
    occurredAt: new Date(Date.UTC(2026, 10, 27, 14, 0, 0) + i * 1000).toISOString(),
    ...overrides,
  };
}

/** A 56-digit sequence number like Kinesis's, `n` steps after a fixed base. */
export function sequenceNumber(n: number): string {
  return (BigInt("49590338271490256608559692538361571095921575989136588802") + BigInt(n) * 1000n).toString();
}

export const TEST_STREAM_ARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/test-stream`;

/** One Lambda Kinesis record around raw bytes (or already-base64 `data` with `rawBase64`). */
export function kinesisRecord(
  data: Buffer | string,
  n: number,
  options: { shardId?: string; rawBase64?: boolean; arrivalMs?: number; partitionKey?: string } = {},
): KinesisEventRecord {
  const shardId = options.shardId ?? "shardId-000000000000";
  const seq = sequenceNumber(n);
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: options.partitionKey ?? `pk-${n % 10}`,
      sequenceNumber: seq,
      data: options.rawBase64 ? (data as string) : Buffer.from(data).toString("base64"),
      approximateArrivalTimestamp: (options.arrivalMs ?? Date.UTC(2026, 10, 27, 14, 0, 0) + n) / 1000,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${shardId}:${seq}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/stream-processor`,
    awsRegion: REGION,
    eventSourceARN: TEST_STREAM_ARN,
  };
}

/** An event of JSON payloads with consecutive sequence numbers starting at `first`. */
export function eventOf(payloads: readonly (object | Buffer | string)[], first = 0): KinesisStreamEvent {
  return {
    Records: payloads.map((p, i) =>
      kinesisRecord(Buffer.isBuffer(p) || typeof p === "string" ? p : JSON.stringify(p), first + i),
    ),
  };
}

/** A virtual clock for retries and timeouts: sleeping advances it instantly. */
export function virtualTime(seed = 1): {
  now: () => number;
  advance: (ms: number) => void;
  timing: { random: () => number; sleep: (ms: number) => Promise<void> };
  context: (timeoutMs: number) => InvocationContext;
} {
  let t = Date.UTC(2026, 10, 27, 15, 0, 0);
  const random = seededRandom(seed);
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    timing: {
      random,
      sleep: async (ms) => {
        t += ms;
      },
    },
    context: (timeoutMs) => {
      const deadline = t + timeoutMs;
      return { getRemainingTimeInMillis: () => deadline - t, awsRequestId: "req-test" };
    },
  };
}

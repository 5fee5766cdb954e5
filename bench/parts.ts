/*
 * Where the time of one valid record goes: each step of the processor's per-record path timed
 * alone on the benchmark's clickstream records, in nanoseconds of CPU per record (one core), then
 * the serving item's marshalling for orders (line items as nested maps, an optional address).
 * A profile, not a comparison: `npm run bench` is the benchmark.
 *
 *   npx tsc -p bench/tsconfig.json && taskset -c 0 node out/bench/bench/parts.js [filter]
 *
 * With a filter, only the steps whose name contains it run (e.g. `marshall`).
 */
import { decodeBinary, textOf } from "../runtime/processor/decode";
import { createTransformer, eventVersion } from "../runtime/processor/transform";
import { clickstreamSchema, defineClickstream } from "../runtime/schemas";
import type { Item } from "../runtime/schemas/types";
import { packLines } from "../runtime/sinks/firehose";
import { marshallBounded, marshallSized } from "../runtime/sinks/marshall";
import { clickstreamEvent, orderEvent } from "../runtime/testing/events";
import { defineOrders } from "../stacks/orders/schema";

const product = defineClickstream();
const plainSchema = clickstreamSchema();
const prepare = createTransformer(product);
const N = 400;
const texts = Array.from({ length: N }, (_, i) => JSON.stringify(clickstreamEvent(i)));
const data = texts.map((t) => Buffer.from(t).toString("base64"));
const parsed = texts.map((t) => JSON.parse(t) as unknown);
const values = parsed.map((v) => product.schema.parse(v));
const seq = "49590338271490256608559692538361571095921575989136588802";
// Built the way the transform builds them (toItem, then the runtime's attributes).
const items = values.map((v): Item => {
  const item = product.toItem(v);
  item._idempotencyKey = v.eventId;
  item._sequenceNumber = seq;
  item._version = seq;
  return item;
});

const only = process.argv[2];
let sink = 0;
function time(name: string, step: (i: number) => unknown): void {
  if (only !== undefined && !name.includes(only)) return;
  for (let i = 0; i < 20_000; i++) step(i % N);
  const reps = 200_000;
  const start = process.cpuUsage();
  for (let i = 0; i < reps; i++) if (step(i % N)) sink++;
  const used = process.cpuUsage(start);
  const ns = ((used.user + used.system) * 1000) / reps;
  process.stdout.write(`${name.padEnd(48)} ${ns.toFixed(0).padStart(6)} ns\n`);
}

time("base64: Buffer.from + toString (baselines)", (i) => Buffer.from(data[i], "base64").toString("utf8"));
time("base64: atob + ASCII check (processor)", (i) => textOf(decodeBinary(data[i])!));
time("JSON.parse", (i) => JSON.parse(texts[i]));
time("zod safeParse, schema as built", (i) => plainSchema.safeParse(parsed[i]));
time("zod safeParse, z.compile'd (the products')", (i) => product.schema.safeParse(parsed[i]));
const validate = product.schema["~standard"].validate;
time("zod ~standard.validate, z.compile'd (processor)", (i) => validate(parsed[i]));
// Invalid records: the per-record cost of a schema violation with its issues.
const invalid = parsed.map((v) => ({ ...(v as object), eventType: "teleport" }));
time("invalid: safeParse + error.issues", (i) => {
  const r = product.schema.safeParse(invalid[i]);
  return !r.success && r.error.issues.length;
});
time("invalid: ~standard.validate issues (processor)", (i) => {
  const r = validate(invalid[i]);
  return !(r instanceof Promise) && r.issues?.length;
});
time("marshall + size the serving item exactly", (i) => marshallSized(items[i]));
time("marshall + bound its size (processor)", (i) => marshallBounded(items[i], 400 * 1024));
// The processor passes the parsed record and its text: the lake line is spliced from the text
// when it is canonical (every record here), re-serialized from the parsed record otherwise.
time("whole transform, lake line re-serialized", (i) =>
  prepare(values[i], { sequenceNumber: seq, shardId: "shardId-000000000000" }, parsed[i]),
);
time("whole transform, lake line spliced (processor)", (i) =>
  prepare(values[i], { sequenceNumber: seq, shardId: "shardId-000000000000" }, parsed[i], texts[i]),
);
const prepared = values.map((v, i) => {
  const out = prepare(v, { sequenceNumber: seq, shardId: "shardId-000000000000" }, texts[i]);
  if ("reason" in out) throw new Error(out.detail);
  return out;
});
const BATCH = 100;
time("lake line: one Firehose record each (baselines)", (i) => Buffer.from(`${prepared[i].line}\n`));
// Per line: one packLines call over a 100-line batch, divided by 100.
let batchStart = 0;
time("lake line: packed, 100 per record (processor)", (i) => {
  if (i % BATCH !== 0) return 1;
  batchStart = (batchStart + BATCH) % (N - BATCH);
  return packLines(prepared.slice(batchStart, batchStart + BATCH)).records.length;
});

// Orders: the benchmark's records (3 lines, no address), then a mix closer to production (1-6
// lines, some named, half with a shipping address), each item built as the transform builds it.
const orders = defineOrders();
const orderItem = (event: unknown): Item => {
  const v = orders.schema.parse(event);
  const item = orders.toItem(v);
  item._idempotencyKey = orders.idempotencyKey(v);
  item._sequenceNumber = seq;
  item._version = eventVersion(orders, v, seq);
  return item;
};
const benchOrders = Array.from({ length: N }, (_, i) => orderItem(orderEvent(i)));
const address = { country: "FR", postalCode: "75011", city: "Paris" };
const mixedOrders = Array.from({ length: N }, (_, i) => {
  const e = orderEvent(i, i % 2 ? { shippingAddress: address } : {}, 1 + (i % 6));
  for (const [j, line] of e.items.entries()) if ((i + j) % 3 === 0) line.name = `Product ${j} of order ${i}`;
  return orderItem(e);
});
time("orders: marshall + size exactly", (i) => marshallSized(benchOrders[i]));
time("orders: marshall + bound its size (processor)", (i) => marshallBounded(benchOrders[i], 400 * 1024));
time("orders, mixed: marshall + size exactly", (i) => marshallSized(mixedOrders[i]));
time("orders, mixed: marshall + bound (processor)", (i) => marshallBounded(mixedOrders[i], 400 * 1024));
const prepareOrder = createTransformer(orders);
const orderTexts = Array.from({ length: N }, (_, i) => JSON.stringify(orderEvent(i)));
const orderParsed = orderTexts.map((t) => JSON.parse(t) as unknown);
const orderValues = orderParsed.map((v) => orders.schema.parse(v));
time("orders: whole transform, lake line spliced (processor)", (i) =>
  prepareOrder(
    orderValues[i],
    { sequenceNumber: seq, shardId: "shardId-000000000000" },
    orderParsed[i],
    orderTexts[i],
  ),
);
if (sink === 0) process.stdout.write("\n");

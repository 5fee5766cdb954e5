import { LIMITS } from "../../config/limits";
import { buildDataProduct } from "../../runtime/schemas";
import { clickstreamEvent, orderEvent, seededRandom } from "../../runtime/testing/events";

/*
 * Sample records per data product of the runtime's registry (`runtime/schemas`): valid ones from
 * the runtime's realistic event factories, varied by a seeded PRNG (the same seed gives the same
 * records), and a few malformed ones the platform must dead-letter or refuse.
 */

type Generator = (i: number, random: () => number) => object;

const ORDER_STATUS_FLOW = ["created", "paid", "shipped"] as const;
const CURRENCIES = ["EUR", "USD", "GBP"] as const;

/** One generator per data product; a product without one fails with what to add. */
const GENERATORS: Record<string, Generator> = {
  orders: (i, random) => {
    // Every third record moves an earlier order forward (latest-state writes, versions).
    const order = i % 3 === 2 ? i - 2 : i;
    const status = ORDER_STATUS_FLOW[i % 3 === 2 ? 1 : 0];
    return orderEvent(
      order,
      {
        status,
        currency: CURRENCIES[Math.floor(random() * CURRENCIES.length)],
        occurredAt: new Date(Date.now() - 60_000 + i).toISOString(),
      },
      1 + Math.floor(random() * 4),
    );
  },
  clickstream: (i, random) =>
    clickstreamEvent(i, {
      eventId: `evt-${i}-${Math.floor(random() * 1e9).toString(36)}`,
      occurredAt: new Date(Date.now() - 60_000 + i).toISOString(),
    }),
};

export class NoSampleGeneratorError extends Error {
  constructor(product: string) {
    super(
      `no sample generator for data product "${product}": add one to GENERATORS in cli/local/sample.ts (known: ${Object.keys(GENERATORS).join(", ")})`,
    );
    this.name = "NoSampleGeneratorError";
  }
}

/**
 * `count` valid records of `product`, deterministic for a seed (event times are relative to now so
 * the lake partitions and windows are current). Each one is checked against the product's schema.
 */
export function validSamples(product: string, count: number, seed = 1): string[] {
  const gen = GENERATORS[product];
  if (!gen) throw new NoSampleGeneratorError(product);
  const schema = buildDataProduct(product).schema;
  const random = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const value = gen(i, random);
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new Error(
        `sample generator of "${product}" produced an invalid record (${parsed.error.issues[0]?.message}); fix cli/local/sample.ts`,
      );
    }
    out.push(JSON.stringify(value));
  }
  return out;
}

/** A malformed record and what the platform should do with it. */
export interface MalformedSample {
  readonly data: Buffer;
  readonly kind: "not-json" | "binary" | "schema-violation" | "oversized";
}

/**
 * Malformed records: text that is not JSON, binary garbage, JSON that violates the schema (a valid
 * record with a required field removed), and one record over the 1 MiB Kinesis limit (the producer
 * must refuse it).
 */
export function malformedSamples(product: string, seed = 1): MalformedSample[] {
  const random = seededRandom(seed + 7);
  const valid = JSON.parse(validSamples(product, 1, seed)[0]) as Record<string, unknown>;
  const firstKey = Object.keys(valid)[0];
  const { [firstKey]: _dropped, ...violating } = valid;
  const garbage = Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256)));
  garbage[0] = 0xff; // never valid UTF-8 JSON
  return [
    { kind: "not-json", data: Buffer.from(`{"${firstKey}": unterminated`) },
    { kind: "binary", data: garbage },
    { kind: "schema-violation", data: Buffer.from(JSON.stringify(violating)) },
    { kind: "oversized", data: Buffer.alloc(LIMITS.kinesisMaxRecordBytes + 1, "x") },
  ];
}

import { z } from "zod";
import { seededRandom } from "../../runtime/testing/events";
import { deriveGenerator } from "./derive-sample";
import { UsageError } from "./errors";
import { sampleGenerator, sampleProduct, validSamples } from "./sample";

/** An event schema with the constraints a domain's schema typically uses. */
const payments = z.object({
  paymentId: z.string().min(1).max(40),
  orderRef: z.string().regex(/^ORD-[0-9]{6}$/),
  currency: z.string().regex(/^[A-Z]{3}$/),
  amount: z.number().positive().max(10_000).multipleOf(0.01),
  installments: z.number().int().min(1).max(12),
  method: z.enum(["card", "transfer", "wallet"]),
  kind: z.literal("payment"),
  captured: z.boolean(),
  occurredAt: z.iso.datetime({ offset: true }),
  settledOn: z.iso.date().optional(),
  payer: z.object({ email: z.email(), id: z.uuid(), ip: z.ipv4().optional() }),
  lines: z
    .array(z.object({ sku: z.string().min(3).max(8), qty: z.number().int().positive() }))
    .min(1)
    .max(4),
  tags: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  note: z.string().max(5).nullable(),
});

describe("the sample generator derived from a zod schema", () => {
  it("draws records the schema accepts, with distinct identifiers", () => {
    const gen = deriveGenerator(payments);
    const random = seededRandom(11);
    const records = Array.from({ length: 200 }, (_, i) => gen(i, random));
    for (const r of records) expect(payments.safeParse(r).error).toBeUndefined();
    expect(new Set(records.map((r) => (r as { paymentId: string }).paymentId)).size).toBe(200);
  });

  it("gives the same records for the same seed, others for another seed", () => {
    const draw = (seed: number) => {
      const gen = deriveGenerator(payments);
      const random = seededRandom(seed);
      return JSON.stringify(Array.from({ length: 20 }, (_, i) => gen(i, random))).replace(
        /"occurredAt":"[^"]+"/g,
        "",
      );
    };
    expect(draw(5)).toBe(draw(5));
    expect(draw(5)).not.toBe(draw(6));
  });

  it("puts event times in the last minute, so lake partitions and windows are current", () => {
    const gen = deriveGenerator(payments);
    const at = Date.parse((gen(0, seededRandom(1)) as { occurredAt: string }).occurredAt);
    expect(Date.now() - at).toBeGreaterThanOrEqual(0);
    expect(Date.now() - at).toBeLessThan(120_000);
  });
});

describe("samples of the discovered domains", () => {
  it("use a domain's own sample.ts when it has one", () => {
    const random = seededRandom(3);
    expect(sampleGenerator("orders")(0, random)).toMatchObject({
      orderId: "order-00000000",
      status: "created",
    });
  });

  it("are valid for every domain and the same for the same seed", () => {
    for (const product of ["orders", "clickstream"]) {
      const strip = (xs: string[]) => xs.map((x) => x.replace(/"occurredAt":"[^"]+"/, ""));
      expect(strip(validSamples(product, 30, 9))).toEqual(strip(validSamples(product, 30, 9)));
    }
  });

  it("refuse an unknown domain with a usage error (exit 2) that lists the domains", () => {
    expect(() => sampleProduct("nope")).toThrow(
      new UsageError(
        '--domain "nope": no such domain (known: clickstream, orders; a domain is a stacks/<name>/ folder with a schema.ts, npm run new-domain scaffolds one)',
      ),
    );
    expect(() => sampleProduct(undefined)).toThrow(/--domain <name> is required: one of clickstream, orders/);
    expect(() => sampleProduct("orders", "clickstream")).toThrow(
      /--product clickstream: orders has one data product, orders/,
    );
    expect(sampleProduct("orders")).toBe("orders");
  });
});

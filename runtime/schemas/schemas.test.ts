import { UnknownDataProductError } from "../errors";
import { clickstreamEvent, orderEvent } from "../testing/events";
import { clickstreamSchema } from "../../stacks/clickstream/schema";
import { buildDataProduct, dataProductNames, defineClickstream, defineOrders } from "./index";
import { ordersSchema } from "../../stacks/orders/schema";

describe("data product registry", () => {
  it("builds every registered product by name, each with a fresh compiled schema", () => {
    expect(dataProductNames()).toEqual(["clickstream", "orders"]);
    const a = buildDataProduct("clickstream");
    const b = buildDataProduct("clickstream");
    expect(a.name).toBe("clickstream");
    expect(a.schema).not.toBe(b.schema);
  });

  it("names the known products when asked for an unknown one", () => {
    expect(() => buildDataProduct("payments")).toThrow(
      new UnknownDataProductError("payments", ["clickstream", "orders"]),
    );
    expect(() => buildDataProduct("__proto__")).toThrow(UnknownDataProductError);
  });
});

describe("clickstream", () => {
  const product = defineClickstream();

  it("accepts a realistic event and keys it by session and time", () => {
    const e = product.schema.parse(clickstreamEvent(7));
    expect(product.toItem(e)).toMatchObject({
      pk: "SESSION#sess-00000000",
      sk: `${e.occurredAt}#${e.eventId}`,
      page: e.page,
    });
    expect(product.idempotencyKey(e)).toBe(e.eventId);
    expect(product.eventTime(e)).toBe(e.occurredAt);
  });

  it.each([
    ["an unknown event type", { eventType: "teleport" }],
    ["a relative URL", { url: "/products" }],
    ["a non-http URL", { url: "javascript:alert(1)" }],
    ["a time without zone", { occurredAt: "2026-11-27 14:00:00" }],
    ["a missing event id", { eventId: undefined }],
    ["a nested property value", { properties: { a: { b: 1 } } }],
  ])("refuses %s", (_label, patch) => {
    expect(product.schema.safeParse({ ...clickstreamEvent(1), ...patch }).success).toBe(false);
  });

  it("counts page views by page and skips other event types in the window aggregate", () => {
    const view = product.schema.parse(clickstreamEvent(1));
    const click = product.schema.parse(clickstreamEvent(3));
    expect([product.aggregate!.key(view), product.aggregate!.key(click)]).toEqual([view.page, undefined]);
  });
});

describe("orders", () => {
  const product = defineOrders();

  it("keeps the latest state per order id, with its lines", () => {
    const e = product.schema.parse(orderEvent(3, { status: "paid" }, 2));
    expect(product.tableKey).toEqual({ hashKey: "orderId" });
    expect(product.writeMode).toBe("latest");
    expect(product.toItem(e)).toMatchObject({
      orderId: e.orderId,
      status: "paid",
      items: [{ sku: expect.any(String), qty: 1 }, { qty: 2 }],
    });
    expect(product.idempotencyKey(e)).toBe(`${e.orderId}:paid:${e.occurredAt}`);
  });

  it.each([
    ["an empty order", { items: [] }],
    ["a negative total", { total: -1 }],
    ["a lowercase currency", { currency: "eur" }],
    ["a fractional quantity", { items: [{ sku: "A", qty: 1.5, price: 1 }] }],
  ])("refuses %s", (_label, patch) => {
    expect(product.schema.safeParse({ ...orderEvent(1), ...patch }).success).toBe(false);
  });
});

describe("compiled schemas", () => {
  // The products validate with z.compile(...) clones: a generated fast path for valid records.
  const cases = [
    { product: defineClickstream(), schema: clickstreamSchema(), sample: (i: number) => clickstreamEvent(i) },
    {
      product: defineOrders(),
      schema: ordersSchema(),
      sample: (i: number) => orderEvent(i, {}, 1 + (i % 5)),
    },
  ];

  it.each(cases.map((c) => [c.product.name, c] as const))(
    "%s: accepts, strips and refuses exactly what the schema does, with the same issues",
    (_name, { product, schema, sample }) => {
      const inputs: unknown[] = [null, [], "text", 42, {}];
      for (let i = 0; i < 30; i++) {
        const valid = JSON.parse(JSON.stringify(sample(i))) as Record<string, unknown>;
        inputs.push(valid, { ...valid, unknownField: i });
        // Break one field at a time: wrong type, empty, or missing.
        const key = Object.keys(valid)[i % Object.keys(valid).length];
        inputs.push({ ...valid, [key]: i % 3 === 0 ? 12 : i % 3 === 1 ? "" : undefined });
      }
      let refused = 0;
      for (const input of inputs) {
        const compiled = product.schema.safeParse(input);
        const runtime = schema.safeParse(input);
        expect(compiled.success).toBe(runtime.success);
        if (runtime.success) expect(compiled.data).toEqual(runtime.data);
        else {
          refused++;
          expect(compiled.error?.issues).toEqual(runtime.error.issues);
        }
      }
      expect(refused).toBeGreaterThan(20);
    },
  );
});

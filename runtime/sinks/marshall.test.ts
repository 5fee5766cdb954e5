import { marshall } from "@aws-sdk/util-dynamodb";
import { SINK_LIMITS } from "../constants";
import { createTransformer, isRefused } from "../processor/transform";
import { defineOrders, type Item } from "../schemas";
import { orderEvent, seededRandom } from "../testing/events";
import {
  marshallBounded,
  marshallGeneric,
  marshallItem,
  marshallSized,
  numberText,
  unmarshallItem,
} from "./marshall";
import { referenceItemSize } from "../testing/item-size";

const LIMIT = SINK_LIMITS.dynamodbMaxItemBytes;
// JSON numbers beyond 2^53 already lost precision in JSON.parse: stored as printed, not refused.
const UTIL_OPTIONS = { removeUndefinedValues: true, allowImpreciseNumbers: true };

/** Sets `o[k]`, keeping an own "__proto__" as a property, as JSON.parse does. */
function own(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * Random JSON items, seeded: maps from a small pool of shapes (so compiled shapes are reused, as
 * with a product's items) and with random keys, lists of maps of one shape, empty maps and lists,
 * undefined values, `__proto__` and integer-like keys, strings of every width, numbers of every kind.
 */
function itemGenerator(seed: number, options: { specialKeys: boolean }) {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const names = [
    "pk",
    "sku",
    "qty",
    "price",
    "name",
    "é",
    "1",
    "10",
    "a b",
    'q"',
    "x".repeat(30),
    ...(options.specialKeys ? ["constructor"] : []),
  ];
  const SHAPES = [
    ["sku", "qty", "price"],
    ["sku", "qty", "price", "name"],
    ["country", "postalCode", "city"],
    ["pk", "sk", "1", "é"],
    ["viewport"],
  ];
  const STRINGS = [
    "",
    "a",
    "plain ascii",
    "é",
    "€uro",
    "😀 emoji",
    "日本語のテキスト",
    "y".repeat(40),
    "ü".repeat(30),
  ];
  const number = (): number => {
    switch (Math.floor(rnd() * 12)) {
      case 0:
        return Math.floor(rnd() * 1000);
      case 1:
        return -Math.floor(rnd() * 1e6);
      case 2:
        return pick([0, -0, 1e21, 1.5e-7, 5e-324, Number.MAX_VALUE, 2 ** 53 + 2, 2 ** 60, -1e-7, 0.1 + 0.2]);
      case 3:
        return Math.round(rnd() * 1e6) / 100;
      case 4:
        return -Math.round(rnd() * 1e4) / 1000;
      case 5:
        return rnd() * 10 ** Math.floor(rnd() * 30 - 10);
      case 6:
        return Math.round(rnd() * 1e5) / 10 ** Math.floor(rnd() * 6);
      default:
        return 9.99 + Math.floor(rnd() * 5);
    }
  };
  const map = (depth: number, keys: readonly string[], optional: boolean): Record<string, unknown> => {
    const m: Record<string, unknown> = {};
    for (const k of keys) {
      if (optional && rnd() < 0.1) continue;
      own(m, k, rnd() < 0.03 ? undefined : value(depth + 1));
    }
    if (options.specialKeys && rnd() < 0.05) own(m, "__proto__", value(depth + 1));
    return m;
  };
  const value = (depth: number): unknown => {
    const r = rnd();
    if (r < 0.3) return pick(STRINGS);
    if (r < 0.55) return number();
    if (r < 0.6) return rnd() < 0.5;
    if (r < 0.65) return null;
    if (depth > 3) return pick(STRINGS);
    if (r < 0.75) {
      // A list: empty, mixed, or maps of one shape (order lines), sometimes with holes.
      const n = Math.floor(rnd() * 5);
      if (rnd() < 0.5) {
        const shape = pick(SHAPES);
        return Array.from({ length: n }, () => map(depth, shape, true));
      }
      return Array.from({ length: n }, () => (rnd() < 0.05 ? undefined : value(depth + 1)));
    }
    if (r < 0.8) return {};
    if (r < 0.9) return map(depth, pick(SHAPES), true);
    return map(
      depth,
      Array.from(new Set(Array.from({ length: Math.floor(rnd() * 5) }, () => pick(names)))),
      false,
    );
  };
  const TOP = [
    ["orderId", "customerId", "status", "items", "total", "currency", "occurredAt"],
    ["pk", "sk", "eventId", "page", "properties"],
  ];
  return (): Item => {
    const keys =
      rnd() < 0.7
        ? pick(TOP)
        : Array.from(new Set(Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => pick(names))));
    return map(0, keys, rnd() < 0.3) as Item;
  };
}

describe("marshalling with compiled shapes", () => {
  it("gives the generic walk's item and size for thousands of random items (seeded)", () => {
    const next = itemGenerator(16, { specialKeys: true });
    for (let n = 0; n < 5_000; n++) {
      const item = next();
      const reference = marshallGeneric(item, true);
      const bound = marshallGeneric(item, false);
      const sized = marshallSized(item);
      const bounded = marshallBounded(item, LIMIT);
      // Same attribute values, same key order, no prototype set by a "__proto__" key.
      expect(JSON.stringify(sized.item)).toBe(JSON.stringify(reference.item));
      expect(sized.item).toEqual(reference.item);
      expect(bounded.item).toEqual(reference.item);
      expect(JSON.stringify(bounded.item)).toBe(JSON.stringify(reference.item));
      expect(Object.getPrototypeOf(sized.item)).toBe(Object.prototype);
      // Exact sizes agree; the bound is the generic walk's bound, never below the exact size.
      expect(sized.bytes).toBe(reference.bytes);
      expect(bounded.bytes).toBe(bound.bytes);
      expect(bounded.bytes).toBeGreaterThanOrEqual(sized.bytes);
      // Exact whenever the bound passes the threshold, the bound otherwise.
      const threshold = n % (bounded.bytes + 1);
      expect(marshallBounded(item, threshold).bytes).toBe(
        bounded.bytes > threshold ? sized.bytes : bounded.bytes,
      );
    }
  });

  it("marshals random items exactly like @aws-sdk/util-dynamodb and sizes them by DynamoDB's rules", () => {
    // Without "__proto__" and "constructor" keys, which util-dynamodb mishandles: it assigns the
    // first (setting the prototype, dropping the attribute) and refuses a map with the second.
    const next = itemGenerator(7, { specialKeys: false });
    for (let n = 0; n < 3_000; n++) {
      const item = next();
      const expected = marshall(item, UTIL_OPTIONS);
      const { item: out, bytes } = marshallSized(item);
      expect(JSON.stringify(out)).toBe(JSON.stringify(expected));
      expect(bytes).toBe(referenceItemSize(expected));
      expect(marshallBounded(item, LIMIT).bytes).toBeGreaterThanOrEqual(bytes);
      expect(marshallItem(unmarshallItem(out))).toEqual(out);
    }
  });

  it("keeps an own __proto__ of a nested map or a list element as an attribute", () => {
    const line = JSON.parse('{"sku":"a","qty":1,"price":2.5,"__proto__":{"polluted":"yes"}}') as Item;
    const item: Item = { pk: "o", items: [line, line], address: line };
    for (const out of [marshallSized(item).item, marshallBounded(item, LIMIT).item]) {
      for (const m of [out.items.L![0].M!, out.items.L![1].M!, out.address.M!]) {
        expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
        expect(Object.keys(m)).toEqual(["sku", "qty", "price", "__proto__"]);
        expect(Object.getOwnPropertyDescriptor(m, "__proto__")?.value).toEqual({
          M: { polluted: { S: "yes" } },
        });
      }
    }
    expect(marshallSized(item).bytes).toBe(marshallGeneric(item, true).bytes);
  });

  it("leaves out undefined values of nested maps and lists, whatever shape was compiled before", () => {
    const full = { sku: "a", qty: 1, price: 2.5 };
    const sparse = { sku: "b", qty: undefined, price: 3 } as unknown as Item;
    const item = { pk: "o", items: [full, sparse, full], list: [1, undefined, 2] } as unknown as Item;
    const { item: out, bytes } = marshallSized(item);
    expect(out).toEqual({
      pk: { S: "o" },
      items: {
        L: [
          { M: { sku: { S: "a" }, qty: { N: "1" }, price: { N: "2.5" } } },
          { M: { sku: { S: "b" }, price: { N: "3" } } },
          { M: { sku: { S: "a" }, qty: { N: "1" }, price: { N: "2.5" } } },
        ],
      },
      list: { L: [{ N: "1" }, { N: "2" }] },
    });
    expect(bytes).toBe(referenceItemSize(marshall(item, UTIL_OPTIONS)));
  });

  it("marshals maps of every shape the same past the compiled-shape cap", () => {
    const items: Item[] = Array.from({ length: 300 }, (_, i) => ({
      pk: `p${i}`,
      [`attr${i}`]: { [`k${i}`]: i + 0.25, [`l${i % 7}`]: [{ [`m${i}`]: "v" }] },
    }));
    for (const item of [...items, ...items]) {
      const { item: out, bytes } = marshallSized(item);
      expect(JSON.stringify(out)).toBe(JSON.stringify(marshall(item, UTIL_OPTIONS)));
      expect(bytes).toBe(marshallGeneric(item, true).bytes);
    }
  });

  it("keeps numbers as today: NaN and infinities printed, -0 as 0, huge and tiny in exponent form", () => {
    const out = marshallSized({
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
      z: -0,
      big: 1e21,
      tiny: 1.5e-7,
    }).item;
    expect(out).toEqual({
      nan: { N: "NaN" },
      inf: { N: "Infinity" },
      ninf: { N: "-Infinity" },
      z: { N: "0" },
      big: { N: "1e+21" },
      tiny: { N: "1.5e-7" },
    });
  });

  it("sizes a large order exactly when its bound passes the limit, and refuses it when over", () => {
    // 3,000 lines with long names: the bound (3 bytes per character) passes 400 KB, the exact size decides.
    const orders = defineOrders();
    const event = orderEvent(1, {}, 3_000);
    for (const [j, line] of event.items.entries()) line.name = `${"n".repeat(60)} ${j}`;
    const item = orders.toItem(orders.schema.parse(event));
    const exact = marshallSized(item).bytes;
    expect(exact).toBe(referenceItemSize(marshall(item, UTIL_OPTIONS)));
    expect(exact).toBeLessThan(LIMIT);
    expect(marshallBounded(item, LIMIT).bytes).toBe(marshallSized(item).bytes);
    // With enough lines more (each over 70 bytes) the processor's transform refuses it.
    const extra = Math.ceil((LIMIT - exact) / 70) + 1;
    const big = orderEvent(1, {}, 3_000 + extra);
    for (const [j, line] of big.items.entries()) line.name = `${"n".repeat(60)} ${j}`;
    const out = createTransformer(orders)(orders.schema.parse(big), { sequenceNumber: "1", shardId: "s" });
    expect(isRefused(out) && out.reason).toBe("item-too-large");
  });
});

describe("numberText", () => {
  it("prints every number exactly as String does", () => {
    const rnd = seededRandom(3);
    const edge = [
      0,
      -0,
      1,
      -1,
      0.1,
      0.2,
      0.1 + 0.2,
      0.001,
      0.000999,
      -0.001,
      0.0015,
      9.99,
      10.05,
      1.005,
      999_999_999.9999,
      1e9 - 0.0001,
      1e9 + 0.5,
      123_456_789.1234,
      2 ** 31 + 0.5,
      2 ** 53,
      2 ** 53 + 2,
      1e21,
      1e-7,
      5e-324,
      Number.MAX_VALUE,
      Number.EPSILON,
      NaN,
      Infinity,
      -Infinity,
      4.35,
      0.035,
      1.0001,
      8.0005,
      0.9999,
    ];
    const numbers = [...edge];
    for (let i = 0; i < 400_000; i++) {
      const decimals = Math.floor(rnd() * 9);
      const magnitude = 10 ** Math.floor(rnd() * 22 - 4);
      let n = Math.round(rnd() * magnitude * 10 ** decimals) / 10 ** decimals;
      if (i % 5 === 0) n = rnd() * magnitude;
      if (i % 3 === 0) n = -n;
      numbers.push(n);
    }
    const wrong = numbers.filter((n) => numberText(n) !== String(n));
    expect(wrong).toEqual([]);
  });
});

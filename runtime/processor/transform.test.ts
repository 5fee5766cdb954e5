import { validSamples } from "../../cli/local/sample";
import { buildDataProduct, type DataProduct } from "../schemas";
import { clickstreamEvent, orderEvent, seededRandom } from "../testing/events";
import { packLines } from "../sinks/firehose";
import { createTransformer, isCanonicalJson, isRefused } from "./transform";

/*
 * The lake line is spliced from the producer's text when that text is canonical, and re-serialized
 * otherwise. Both must give the same line: each case runs the transform the way the processor
 * does (parse, validate, then transform with the parsed record and its text) and compares it with
 * the transform given only the parsed record (the re-serializing path, `JSON.stringify`).
 */

const origin = {
  sequenceNumber: "49590338271490256608559692538361571095921575989136588802",
  shardId: "shardId-000000000003",
};
const kplOrigin = { ...origin, subSequenceNumber: 7 };

function compare(product: DataProduct<unknown>, text: string): { spliced: boolean } {
  const validate = product.schema["~standard"].validate;
  const run = (withText: boolean) => {
    const prepare = createTransformer(product, { ttlDays: 3 });
    const value: unknown = JSON.parse(text);
    const checked = validate(value);
    if (checked instanceof Promise || checked.issues !== undefined) {
      throw new Error(`not a valid ${product.name} record: ${text}`);
    }
    // With the text, its UTF-8 size too, as the processor passes the decoded record's byte count.
    const bytes = withText ? Buffer.byteLength(text) : undefined;
    return [
      prepare(checked.value, origin, value, withText ? text : undefined, bytes),
      prepare(checked.value, kplOrigin, value, withText ? text : undefined, bytes),
    ];
  };
  const prepared = run(true);
  expect(prepared).toEqual(run(false));
  for (const p of prepared) {
    if (isRefused(p)) continue;
    // Packed from its parts, the line is the same bytes as the line itself, and as many as said.
    const packed = packLines([p, p]).records[0];
    expect(packed.toString("utf8")).toBe(`${p.line}\n${p.line}`);
    expect(packed.length).toBe(2 * p.lineBytes + 1);
    expect(p.lineBytes).toBe(Buffer.byteLength(p.line));
  }
  return { spliced: isCanonicalJson(text, JSON.parse(text)) };
}

/** A valid clickstream record's text with `insert` added as its last fields. */
function clickWith(insert: string, i = 3): string {
  return JSON.stringify(clickstreamEvent(i)).slice(0, -1) + "," + insert + "}";
}

describe("lake line spliced from the producer's text", () => {
  const clickstream = buildDataProduct("clickstream");
  const orders = buildDataProduct("orders");

  it("is the re-serialized line for every sample record, and is spliced for them", () => {
    for (const [product, texts] of [
      [clickstream, validSamples("clickstream", 200, 11)],
      [orders, validSamples("orders", 200, 12)],
      [clickstream, Array.from({ length: 50 }, (_, i) => JSON.stringify(clickstreamEvent(i)))],
      [orders, Array.from({ length: 50 }, (_, i) => JSON.stringify(orderEvent(i, {}, 1 + (i % 5))))],
    ] as const) {
      for (const text of texts) expect(compare(product, text)).toEqual({ spliced: true });
    }
  });

  it.each([
    ["pretty-printed", JSON.stringify(clickstreamEvent(3), null, 2)],
    ["padded", ` ${JSON.stringify(clickstreamEvent(3))}\t`],
    ["a space after a colon", JSON.stringify(clickstreamEvent(3)).replace('"page":', '"page": ')],
    ["a top-level duplicate key", clickWith('"userId":"user-other"')],
    ["a duplicate key inside an object", clickWith('"extra":{"a":1,"b":2,"a":3}')],
    ["a duplicate key in an array's object", clickWith('"extra":[{"a":1},{"b":2,"b":2}]')],
    ["a producer `_meta`", clickWith('"_meta":{"idempotencyKey":"forged"}')],
    ["a producer `_meta` and a duplicate", clickWith('"_meta":1,"_meta":{"partition":null}')],
    ["an escaped slash", clickWith('"extra":"a\\/b"')],
    ["a unicode escape", clickWith('"extra":"\\u0041"')],
    ["an escaped quote and colon", clickWith('"extra":"a\\":b","more":1')],
    ["an escaped newline", clickWith('"extra":"x\\ny"')],
    ["an escaped lone surrogate", clickWith('"extra":"\\ud800"')],
    ["a raw lone surrogate", clickWith('"extra":"\ud800"')],
    ["an integer-like key", clickWith('"10":"first in JSON.stringify","2":true')],
    ["an exponent", clickWith('"extra":1e3')],
    ["a capital exponent", clickWith('"extra":2.5E-3')],
    ["a trailing fraction zero", clickWith('"extra":1.50')],
    ["a zero fraction", clickWith('"extra":1.0')],
    ["minus zero", clickWith('"extra":-0')],
    ["minus zero with a fraction", clickWith('"extra":-0.0')],
    ["a tiny number", clickWith('"extra":0.0000001')],
    ["a number past 2^53", clickWith('"extra":12345678901234567890')],
    ["sixteen significant digits", clickWith('"extra":0.1234567890123456')],
  ])("falls back to re-serializing for %s, with the same line", (_, text) => {
    expect(compare(clickstream, text)).toEqual({ spliced: false });
  });

  it.each([
    [
      "unknown fields of every JSON type",
      clickWith('"extra":{"n":[1,-2,0.5,-0.25,100,0,true,false,null,"s"],"e":{},"a":[]}'),
    ],
    ["strings that look like JSON", clickWith('"extra":"{a:1}, [b]","x:y":"a,b:{c}[d]"')],
    ["non-ASCII text", clickWith('"extra":"Grüße, 東京 🚀","ключ":"значение"')],
    ["a nested `_meta` (kept as data)", clickWith('"extra":{"_meta":{"k":1}}')],
    ["small and large canonical numbers", clickWith('"extra":[0.0001,123456789012345,-999.125,3.14159]')],
    ["an empty key and __proto__", clickWith('"":1,"__proto__":{"x":2}')],
  ])("splices %s, with the same line", (_, text) => {
    expect(compare(clickstream, text)).toEqual({ spliced: true });
  });

  it("never splices text that JSON.stringify would write differently (randomized)", () => {
    const random = seededRandom(5);
    const pieces = [
      '"a"',
      '"b"',
      '"1"',
      "1",
      "-0",
      "0.5",
      "1.0",
      "1e2",
      '"x\\/"',
      "null",
      "true",
      " ",
      "[]",
      "{}",
    ];
    const pick = () => pieces[Math.floor(random() * pieces.length)];
    let spliced = 0;
    for (let n = 0; n < 20_000; n++) {
      const fields: string[] = [];
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
        const value =
          random() < 0.3 ? `{${pick()}:${pick()}}` : random() < 0.5 ? `[${pick()},${pick()}]` : pick();
        fields.push(`${pick()}:${value}`);
      }
      const text = `{${fields.join(",")}}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        continue;
      }
      if (isCanonicalJson(text, parsed)) {
        spliced++;
        expect(JSON.stringify(parsed)).toBe(text);
      }
    }
    // The generator produces canonical records too, so the check is exercised both ways.
    expect(spliced).toBeGreaterThan(200);
  });
});

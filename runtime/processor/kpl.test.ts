import { createHash } from "crypto";
import { KplDecodeError } from "../errors";
import { aggregateWithKpl } from "../testing/kpl";
import { compareSequenceNumbers, decodeBase64, decodeBinary, textOf } from "./decode";
import { deaggregate, isAggregated } from "./kpl";

describe("KPL de-aggregation", () => {
  it("recovers every user record, in order, from records aggregated by the AWS Labs KPL aggregator", async () => {
    const users = Array.from({ length: 40 }, (_, i) => ({
      data: Buffer.from(JSON.stringify({ n: i, text: "x".repeat(i * 3) })),
      partitionKey: `pk-${i % 4}`,
      ...(i % 5 === 0 ? { explicitHashKey: String(BigInt(i) * 10n ** 30n) } : {}),
    }));
    const aggregated = await aggregateWithKpl(users);
    expect(aggregated.length).toBeGreaterThanOrEqual(1);
    const decoded = aggregated.flatMap((buf) => {
      expect(isAggregated(buf)).toBe(true);
      return deaggregate(buf);
    });
    expect(decoded.map((d) => d.data.toString())).toEqual(users.map((u) => u.data.toString()));
    expect(decoded.map((d) => d.partitionKey)).toEqual(users.map((u) => u.partitionKey));
    expect(decoded.filter((d) => d.explicitHashKey).map((d) => d.explicitHashKey)).toEqual(
      users.filter((u) => u.explicitHashKey).map((u) => u.explicitHashKey),
    );
  });

  it("treats plain JSON and magic bytes with a wrong checksum as plain records", async () => {
    expect(isAggregated(Buffer.from('{"a":1,"padding":"..................."}'))).toBe(false);
    const [agg] = await aggregateWithKpl([{ data: Buffer.from("{}"), partitionKey: "a" }]);
    const tampered = Buffer.from(agg);
    tampered[tampered.length - 1] ^= 0xff;
    expect(isAggregated(tampered)).toBe(false);
  });

  it("refuses a checksummed body that is not a valid AggregatedRecord", () => {
    // Field 3 (records) claims 100 bytes but only 2 follow.
    const body = Buffer.from([0x1a, 100, 0x08, 0x00]);
    const buf = Buffer.concat([
      Buffer.from([0xf3, 0x89, 0x9a, 0xc2]),
      body,
      createHash("md5").update(body).digest(),
    ]);
    expect(isAggregated(buf)).toBe(true);
    expect(() => deaggregate(buf)).toThrow(KplDecodeError);
  });
});

describe("record decoding", () => {
  it("accepts base64 and refuses text with characters outside the alphabet or bad padding", () => {
    expect(decodeBase64(Buffer.from('{"ok":true}').toString("base64"))?.toString()).toBe('{"ok":true}');
    expect(decodeBase64("")?.length).toBe(0);
    expect(decodeBase64("not base64!")).toBeUndefined();
    expect(decodeBase64("ab$d")).toBeUndefined();
    expect(decodeBase64("abc")).toBeUndefined();
    expect(decodeBase64("a===")).toBeUndefined();
  });

  it("decodes record data straight to text with the same strictness, UTF-8 included", () => {
    const json = '{"city":"Zürich","emoji":"🚲"}';
    const binary = decodeBinary(Buffer.from(json).toString("base64"));
    expect(binary).toBeDefined();
    expect(textOf(binary!)).toBe(json);
    expect(textOf(decodeBinary(Buffer.from('{"ok":true}').toString("base64"))!)).toBe('{"ok":true}');
    expect(decodeBinary("")).toBe("");
    for (const bad of ["not base64!", "ab$d", "abc", "a===", "ab=c", "ab c", "YW Jj", "ab-_"]) {
      expect([bad, decodeBinary(bad)]).toEqual([bad, undefined]);
    }
    // Every byte value survives (KPL aggregates are binary).
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(Buffer.from(decodeBinary(bytes.toString("base64"))!, "latin1").equals(bytes)).toBe(true);
  });

  it("compares 56-digit sequence numbers numerically, not as text", () => {
    const a = "49590338271490256608559692538361571095921575989136588802";
    const b = "49590338271490256608559692538361571095921575989136588810";
    expect(compareSequenceNumbers(a, b)).toBe(-1);
    expect(compareSequenceNumbers("9", "10")).toBe(-1);
    expect(compareSequenceNumbers(b, b)).toBe(0);
  });
});

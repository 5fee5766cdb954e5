import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/**
 * An item's DynamoDB size computed independently of `runtime/sinks/marshall.ts`, straight from the
 * published rules, over attribute values built by `@aws-sdk/util-dynamodb`: UTF-8 bytes of names and
 * strings; for a number one byte per two significant digits plus one; one byte for booleans and
 * nulls; three bytes for a list or map plus one per element. Tests compare the runtime's sizes with it.
 */
export function referenceItemSize(item: Record<string, AttributeValue>): number {
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

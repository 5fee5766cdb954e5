import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Item, JsonValue } from "../schemas/types";

/** Converts a JSON value to a DynamoDB attribute value (numbers as `N`, objects as `M`). */
export function toAttribute(value: JsonValue): AttributeValue {
  if (typeof value === "string") return { S: value };
  if (typeof value === "number") return { N: String(value) };
  if (typeof value === "boolean") return { BOOL: value };
  if (value === null) return { NULL: true };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  const m: Record<string, AttributeValue> = {};
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v !== undefined) m[k] = toAttribute(v);
  }
  return { M: m };
}

/** Marshals an item for PutItem / BatchWriteItem. */
export function marshallItem(item: Item): Record<string, AttributeValue> {
  return (toAttribute(item) as { M: Record<string, AttributeValue> }).M;
}

/** Converts a DynamoDB attribute value back to JSON (tests and tools read items with it). */
export function fromAttribute(value: AttributeValue): JsonValue {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.M !== undefined) return unmarshallItem(value.M);
  throw new TypeError(`unsupported attribute value ${JSON.stringify(value)}`);
}

/** Converts a marshalled item back to JSON. */
export function unmarshallItem(item: Record<string, AttributeValue>): Item {
  const out: Item = {};
  for (const k of Object.keys(item)) out[k] = fromAttribute(item[k]);
  return out;
}

/**
 * DynamoDB's size of an item: UTF-8 bytes of attribute names and strings, about one byte per two
 * digits of a number plus one, one byte for booleans and nulls, three bytes plus one per element
 * for lists and maps. Used to dead-letter items over 400 KB before DynamoDB rejects the batch.
 */
export function itemSize(item: Item): number {
  let size = 0;
  for (const k of Object.keys(item)) size += Buffer.byteLength(k) + valueSize(item[k]);
  return size;
}

function valueSize(v: JsonValue): number {
  if (typeof v === "string") return Buffer.byteLength(v);
  if (typeof v === "number") return Math.ceil(String(Math.abs(v)).replace(/[.e+-]/g, "").length / 2) + 1;
  if (typeof v === "boolean" || v === null) return 1;
  if (Array.isArray(v)) {
    let s = 3;
    for (const e of v) s += 1 + valueSize(e);
    return s;
  }
  let s = 3;
  for (const k of Object.keys(v)) s += 1 + Buffer.byteLength(k) + valueSize(v[k]);
  return s;
}

/**
 * `marshallItem` and `itemSize` in one walk over the item (the processor needs both per record).
 *
 * @example
 * const { item, bytes } = marshallSized({ pk: "a", n: 1 }); // bytes === 5
 */
export function marshallSized(item: Item): { item: Record<string, AttributeValue>; bytes: number } {
  const acc = { bytes: 0 };
  const out: Record<string, AttributeValue> = {};
  for (const k of Object.keys(item)) {
    const v = item[k];
    if (v === undefined) continue;
    acc.bytes += byteLength(k);
    out[k] = sized(v, acc);
  }
  return { item: out, bytes: acc.bytes };
}

/** UTF-8 length; ASCII strings (the common case) are measured without encoding. */
function byteLength(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s);
  return s.length;
}

function sized(value: JsonValue, acc: { bytes: number }): AttributeValue {
  if (typeof value === "string") {
    acc.bytes += byteLength(value);
    return { S: value };
  }
  if (typeof value === "number") {
    const text = String(value);
    acc.bytes += Math.ceil(text.replace(/[.e+-]/g, "").length / 2) + 1;
    return { N: text };
  }
  if (typeof value === "boolean") {
    acc.bytes += 1;
    return { BOOL: value };
  }
  if (value === null) {
    acc.bytes += 1;
    return { NULL: true };
  }
  acc.bytes += 3;
  if (Array.isArray(value)) {
    acc.bytes += value.length;
    return { L: value.map((v) => sized(v, acc)) };
  }
  const m: Record<string, AttributeValue> = {};
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v === undefined) continue;
    acc.bytes += 1 + byteLength(k);
    m[k] = sized(v, acc);
  }
  return { M: m };
}

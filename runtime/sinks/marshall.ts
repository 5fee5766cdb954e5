import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Item, JsonValue } from "../schemas/types";

/** Converts a JSON value to a DynamoDB attribute value (numbers as `N`, objects as `M`). */
export function toAttribute(value: JsonValue): AttributeValue {
  return attributeOf(value);
}

/** Marshals an item for PutItem / BatchWriteItem. */
export function marshallItem(item: Item): Record<string, AttributeValue> {
  return marshallSized(item).item;
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
  for (const k of Object.keys(item)) setOwn(out, k, fromAttribute(item[k]));
  return out;
}

/**
 * DynamoDB's size of an item, per the published rules: UTF-8 bytes of attribute names and strings;
 * for a number one byte per two significant digits (leading and trailing zeros trimmed) plus one;
 * one byte for booleans and nulls; three bytes for a list or map plus one per element. Used to
 * dead-letter items over 400 KB before DynamoDB rejects the whole batch.
 */
export function itemSize(item: Item): number {
  return marshallSized(item).bytes;
}

/** Size of the current walk; one walk runs at a time (it is synchronous), so no object carries it. */
let walked = 0;
/** Whether the current walk sizes strings exactly, or at 3 bytes per UTF-16 unit (`marshallBounded`). */
let exact = true;

/**
 * `marshallItem` and `itemSize` in one walk over the item (the processor needs both per record).
 * Same attribute values as `marshall(item, { removeUndefinedValues: true })` of
 * `@aws-sdk/util-dynamodb` for JSON items (the equivalence test compares them), without its
 * generic type dispatch and with the size measured on the way.
 *
 * @example
 * const { item, bytes } = marshallSized({ pk: "a", n: 1 }); // bytes === 5
 */
export function marshallSized(item: Item): { item: Record<string, AttributeValue>; bytes: number } {
  exact = true;
  return walk(item);
}

/**
 * `marshallSized` for the processor's hot path, where the size only has to answer "over the
 * limit?" exactly: strings are counted at 3 bytes per UTF-16 unit, an upper bound of their UTF-8
 * size (a BMP character is at most 3 bytes, a surrogate pair 4 bytes for 2 units), without reading
 * them; only when that bound passes `exactAbove` is the item sized exactly. `bytes` is therefore
 * exact above `exactAbove` and an upper bound below it (the batch chunker's 16 MB rule stays safe).
 * Reading every string to size it was about a twelfth of a record's processing.
 *
 * @example
 * marshallBounded({ pk: "é" }, 400 * 1024).bytes; // 5 (an upper bound: exactly 4)
 */
export function marshallBounded(
  item: Item,
  exactAbove: number,
): { item: Record<string, AttributeValue>; bytes: number } {
  exact = false;
  const bounded = walk(item);
  if (bounded.bytes <= exactAbove) return bounded;
  return marshallSized(item);
}

function walk(item: Item): { item: Record<string, AttributeValue>; bytes: number } {
  walked = 0;
  const keys = Object.keys(item);
  const shape = shapeOf(keys);
  let out = shape?.build(item, attributeOf);
  if (out === undefined) out = mapOf(item, 0);
  else walked += shape!.nameBytes;
  return { item: out, bytes: walked };
}

/**
 * A marshaller specialised for one top-level item shape (the attribute names a product's `toItem`
 * produces, in order): it builds the marshalled item as one object literal of that shape instead
 * of adding attributes one by one, and knows the names' size. It returns undefined when a value
 * is undefined, and the generic walk takes over.
 */
interface Shape {
  readonly keys: readonly string[];
  readonly nameBytes: number;
  readonly build: (
    item: Item,
    attr: (v: JsonValue) => AttributeValue,
  ) => Record<string, AttributeValue> | undefined;
}

/** Shapes seen so far. Products produce a handful; past the cap, new shapes take the generic walk. */
const shapes: Shape[] = [];
const MAX_SHAPES = 32;

function shapeOf(keys: readonly string[]): Shape | undefined {
  for (let s = 0; s < shapes.length; s++) {
    const known = shapes[s].keys;
    if (known.length !== keys.length) continue;
    let i = 0;
    while (i < keys.length && known[i] === keys[i]) i++;
    if (i === keys.length) return shapes[s];
  }
  if (shapes.length >= MAX_SHAPES) return undefined;
  const shape = compileShape(keys);
  shapes.push(shape);
  return shape;
}

const generic = (): undefined => undefined;

/**
 * Generates the shape's marshaller. Names enter the code only as JSON string literals (valid,
 * inert JavaScript string literals); `__proto__`, which a literal would treat as the prototype,
 * and environments that forbid code generation get the generic walk.
 */
function compileShape(keys: readonly string[]): Shape {
  let nameBytes = 0;
  for (const k of keys) nameBytes += stringBytes(k);
  if (keys.includes("__proto__")) return { keys, nameBytes, build: generic };
  const names = keys.map((k) => JSON.stringify(k));
  const code =
    `"use strict"; return function (item, attr) {\n` +
    names.map((n, i) => `  const v${i} = item[${n}];\n`).join("") +
    (keys.length > 0
      ? `  if (${names.map((_, i) => `v${i} === undefined`).join(" || ")}) return undefined;\n`
      : "") +
    `  return { ${names.map((n, i) => `${n}: attr(v${i})`).join(", ")} };\n};`;
  try {
    return { keys, nameBytes, build: new Function(code)() as Shape["build"] };
  } catch {
    return { keys, nameBytes, build: generic };
  }
}

/**
 * The map of a JSON object, sized. It starts as a copy of the object (same keys, same order, one
 * allocation with the object's shape) whose values are then replaced by their attribute values,
 * which is cheaper than growing an empty object key by key. Counts names and one byte per entry.
 */
function mapOf(value: { [key: string]: JsonValue }, entryBytes: 0 | 1): Record<string, AttributeValue> {
  const m = { ...value } as Record<string, unknown>;
  const keys = Object.keys(m);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = m[k] as JsonValue | undefined;
    if (v === undefined) {
      delete m[k];
      continue;
    }
    walked += (exact ? stringBytes(k) : k.length * 3) + entryBytes;
    // An own "__proto__" (JSON.parse makes one) stays an attribute: assigning it would set the prototype.
    if (k === "__proto__")
      Object.defineProperty(m, k, { value: attributeOf(v), enumerable: true, writable: true });
    else m[k] = attributeOf(v);
  }
  return m as Record<string, AttributeValue>;
}

/** `o[k] = v`, except that an own "__proto__" (JSON.parse makes one) stays a property, not the prototype. */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__")
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** UTF-8 length: short ASCII strings (names, ids) measured in place, others by one native call. */
function stringBytes(s: string): number {
  if (s.length > 24) return Buffer.byteLength(s);
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s);
  return s.length;
}

function attributeOf(value: JsonValue): AttributeValue {
  switch (typeof value) {
    case "string":
      walked += exact ? stringBytes(value) : value.length * 3;
      return { S: value };
    case "number": {
      const text = String(value);
      walked += (significantDigits(text) + 1) >> 1;
      walked += 1;
      return { N: text };
    }
    case "boolean":
      walked += 1;
      return { BOOL: value };
  }
  if (value === null) {
    walked += 1;
    return { NULL: true };
  }
  // A list or map: 3 bytes, and 1 per element (its name, for a map, is counted by `mapOf`).
  walked += 3;
  if (Array.isArray(value)) {
    const l: AttributeValue[] = [];
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v === undefined) continue;
      walked += 1;
      l.push(attributeOf(v));
    }
    return { L: l };
  }
  return { M: mapOf(value, 1) };
}

/**
 * Significant digits of a number as JavaScript prints it (`-0.0012`, `1.5e-7`, `1e+21`): the
 * digits of the mantissa without leading and trailing zeros.
 */
export function significantDigits(text: string): number {
  let end = text.indexOf("e");
  if (end < 0) end = text.length;
  let first = 0;
  while (first < end && (text.charCodeAt(first) < 49 || text.charCodeAt(first) > 57)) first++; // skip -, 0, .
  let last = end - 1;
  while (last >= first && (text.charCodeAt(last) === 48 || text.charCodeAt(last) === 46)) last--; // 0 or .
  if (last < first) return 0;
  const dot = text.indexOf(".", first);
  return last - first + 1 - (dot >= 0 && dot < last ? 1 : 0);
}

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
/**
 * Whether the current walk sizes strings and numbers exactly, or by a bound that reads nothing
 * (`marshallBounded`): 3 bytes per UTF-16 unit of a string, and for a number one byte per two
 * characters of its text (at least its significant digits) plus one. Attribute names are sized
 * exactly either way (short, and a compiled shape knows their size).
 */
let exact = true;
/** Whether maps take their compiled shape (false only in `marshallGeneric`, the reference walk). */
let compiled = true;

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
 * them, and numbers by the length of their text (which holds at least their significant digits);
 * only when that bound passes `exactAbove` is the item sized exactly. `bytes` is therefore exact
 * above `exactAbove` and an upper bound below it (the batch chunker's 16 MB rule stays safe).
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

/**
 * The generic walk alone: every map marshalled key by key, no compiled shape. Same item and bytes
 * as `marshallSized` (`exactSize`) or `marshallBounded` below its threshold; it is what items and
 * maps past the shape cap take, and the reference the compiled marshallers are tested against.
 */
export function marshallGeneric(
  item: Item,
  exactSize: boolean,
): { item: Record<string, AttributeValue>; bytes: number } {
  exact = exactSize;
  compiled = false;
  try {
    return walk(item);
  } finally {
    compiled = true;
  }
}

function walk(item: Item): { item: Record<string, AttributeValue>; bytes: number } {
  walked = 0;
  let out: Record<string, AttributeValue> | undefined;
  if (compiled) {
    const shape = shapeOf(itemShapes, Object.keys(item));
    out = shape?.build(item);
    if (out !== undefined) walked += shape!.nameBytes;
  }
  if (out === undefined) out = mapOf(item, 0);
  return { item: out, bytes: walked };
}

/**
 * A marshaller specialised for one map shape (its keys, in order: the attribute names a product's
 * `toItem` produces, the keys of a line item or an address): it builds the marshalled map as one
 * object literal of that shape instead of adding attributes one by one, and knows the names'
 * size. It returns undefined, having walked nothing, when a value is undefined; the generic walk
 * takes over.
 */
interface Shape {
  readonly keys: readonly string[];
  /** UTF-8 bytes of the names, exact on both paths (short, mostly ASCII). */
  readonly nameBytes: number;
  readonly build: (map: { readonly [key: string]: JsonValue }) => Record<string, AttributeValue> | undefined;
}

/**
 * Shapes compiled so far, in the order first seen, items' and nested maps' apart: a product's
 * handful (orders: the item with or without an address; a line with or without a name, the
 * address) come first, as every record has them, and a scan in that order measured cheaper than a
 * `Map` keyed by first name. Maps with arbitrary keys (a clickstream event's `properties`) may add
 * nested shapes, never crowding out the items'. Past a list's cap, and for maps of more than
 * `MAX_SHAPE_KEYS` keys, new shapes take the generic walk; shapes compiled earlier stay.
 */
const itemShapes: Shape[] = [];
const mapShapes: Shape[] = [];
const MAX_SHAPES = 32;
const MAX_SHAPE_KEYS = 64;

function shapeOf(shapes: Shape[], keys: readonly string[]): Shape | undefined {
  const n = keys.length;
  if (n === 0 || n > MAX_SHAPE_KEYS) return undefined;
  for (let s = 0; s < shapes.length; s++) {
    const known = shapes[s].keys;
    if (known.length !== n) continue;
    let i = 0;
    while (i < n && known[i] === keys[i]) i++;
    if (i === n) return shapes[s];
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
  for (const k of keys) nameBytes += Buffer.byteLength(k);
  keys = keys.slice();
  if (keys.includes("__proto__")) return { keys, nameBytes, build: generic };
  const names = keys.map((k) => JSON.stringify(k));
  const code =
    `"use strict"; return function (map) {\n` +
    names.map((n, i) => `  const v${i} = map[${n}];\n`).join("") +
    `  if (${names.map((_, i) => `v${i} === undefined`).join(" || ")}) return undefined;\n` +
    `  return { ${names.map((n, i) => `${n}: attr(v${i})`).join(", ")} };\n};`;
  try {
    const build = new Function("attr", code)(attributeOf) as Shape["build"];
    return { keys, nameBytes, build };
  } catch {
    return { keys, nameBytes, build: generic };
  }
}

/**
 * The map of a JSON object, sized, key by key. It starts as a copy of the object (same keys, same
 * order, one allocation with the object's shape) whose values are then replaced by their attribute
 * values, which is cheaper than growing an empty object key by key. Counts names (exactly on both
 * paths, like a compiled shape) and `entryBytes` per entry.
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
    walked += stringBytes(k) + entryBytes;
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

/**
 * The attribute value of a JSON value, sized. Strings, booleans and nulls are handled here; numbers,
 * lists and maps in their own functions, which keeps this one small enough for V8 to inline into
 * the compiled shapes' marshallers (a clickstream item measured 137 ns with them in, 115 ns split).
 */
function attributeOf(value: JsonValue): AttributeValue {
  if (typeof value === "string") {
    walked += exact ? stringBytes(value) : value.length * 3;
    return { S: value };
  }
  if (typeof value === "number") return numberOf(value);
  if (typeof value === "boolean") {
    walked += 1;
    return { BOOL: value };
  }
  if (value === null) {
    walked += 1;
    return { NULL: true };
  }
  return Array.isArray(value) ? listOf(value) : objectOf(value);
}

/** 1 byte per two significant digits, plus 1; bounded by the text's length (digits, sign, dot, exponent). */
function numberOf(value: number): AttributeValue {
  const text = numberText(value);
  walked += (((exact ? significantDigits(text) : text.length) + 1) >> 1) + 1;
  return { N: text };
}

/** A list: 3 bytes, and 1 per element. */
function listOf(value: readonly (JsonValue | undefined)[]): AttributeValue {
  walked += 3;
  const l: AttributeValue[] = [];
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (v === undefined) continue;
    walked += 1;
    l.push(attributeOf(v));
  }
  return { L: l };
}

/** A map: 3 bytes, and 1 per element and its name. */
function objectOf(value: { [key: string]: JsonValue }): AttributeValue {
  walked += 3;
  if (compiled && typeof value === "object") {
    const keys = Object.keys(value);
    const shape = shapeOf(mapShapes, keys);
    const m = shape?.build(value);
    if (m !== undefined) {
      walked += shape!.nameBytes + keys.length;
      return { M: m };
    }
  }
  return { M: mapOf(value, 1) };
}

const POWERS = [1, 10, 100, 1000, 10_000];
const ZEROS = "0000";

/**
 * `String(n)`, faster for the numbers items hold besides integers: prices and amounts with a few
 * decimals, which V8 prints by its general shortest-round-trip algorithm (40-90 ns each, about a
 * third of an order item's marshalling). For a non-integer |n| < 10^9 the fewest decimals `d ≤ 4`
 * whose integer `y = round(|n|·10^d)` gives back `y / 10^d === |n|` give the digits `String`
 * prints: `y / 10^d` is the correctly rounded quotient of two exact doubles, so that decimal
 * reads back as `n`; below 10^13 (`y`'s bound) only one integer per step of `10^-d` lies within
 * half an ulp of `|n|`, so it is the closest; and a decimal with fewer significant digits that
 * reads back as `n` would have fewer decimals. `|n| ≥ 0.0001` then, so `String` prints no exponent.
 * Anything else (integers, more decimals, exponents, NaN, infinities) is printed by `String`; a
 * test compares the two on hundreds of thousands of numbers.
 */
export function numberText(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const a = n < 0 ? -n : n;
  if (a < 1e9) {
    for (let d = 1; d <= 4; d++) {
      const p = POWERS[d];
      const y = Math.round(a * p);
      if (y / p === a) {
        const whole = Math.floor(y / p);
        const fraction = String(y - whole * p);
        const text =
          fraction.length < d
            ? `${whole}.${ZEROS.slice(0, d - fraction.length)}${fraction}`
            : `${whole}.${fraction}`;
        return n < 0 ? `-${text}` : text;
      }
    }
  }
  return String(n);
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

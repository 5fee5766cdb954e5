import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { LAKE_PROJECTION_YEARS, POISON_REASONS, SINK_LIMITS, type PoisonReason } from "../constants";
import type { DataProduct, Item } from "../schemas/types";
import { VERSION_ATTRIBUTE } from "../sinks/dynamodb";
import { marshallBounded } from "../sinks/marshall";
import { epochMillis } from "../schemas/time";

/** Where a user record came from. */
export interface RecordOrigin {
  readonly sequenceNumber: string;
  /** Index inside a KPL aggregate; undefined for plain records. */
  readonly subSequenceNumber?: number;
  readonly shardId: string;
}

/** A validated record ready for the sinks. */
export interface Prepared {
  /** Marshalled serving-table item (with `_version`, `_idempotencyKey`, optional `expiresAt`). */
  readonly item: Record<string, AttributeValue>;
  /** DynamoDB size of the item: an upper bound of it far from the 400 KB limit, exact near it. */
  readonly itemBytes: number;
  /**
   * The lake record: one line of JSON (no newline inside or at the end) with `_meta` for
   * partitioning and dedup. The delivery sink packs lines into Firehose records (see `deliver`).
   */
  readonly line: string;
  /** UTF-8 bytes of `line`. */
  readonly lineBytes: number;
  /** The line's parts (`LakeLine` in sinks/firehose): the record's JSON object and its size... */
  readonly json: string;
  readonly jsonBytes: number;
  /** ...and the `_meta` member that closes it. */
  readonly tail: string;
}

/** A record the transformer refused, with the reason it is poison. */
export interface Refused {
  readonly reason: PoisonReason;
  readonly detail: string;
}

/** Attribute holding the TTL (epoch seconds) when item expiry is configured. */
export const TTL_ATTRIBUTE = "expiresAt";

/**
 * The Firehose dynamic-partitioning query (JQ) matching the `_meta.partition` that the runtime
 * writes into every lake record. The delivery stream's prefix is then
 * `year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/`.
 */
export const FIREHOSE_PARTITION_QUERY =
  "{year: ._meta.partition.year, month: ._meta.partition.month, day: ._meta.partition.day, hour: ._meta.partition.hour}";

/**
 * The version of a stored item: event time (UTC milliseconds), then the product's event rank, then
 * the Kinesis position (sequence and subsequence number), each zero-padded so that comparing two
 * versions as strings orders them by the event's own time first. An older event that arrives
 * later (a higher sequence number) therefore still compares lower. Versions written before the
 * event time was part of them (`<64-digit sequence>:<subsequence>`, 8 leading zeros) compare
 * lower than every version of an event after 1970 (2 leading zeros), so the new scheme supersedes them.
 */
export function versionOf(
  sequenceNumber: string,
  subSequenceNumber: number | undefined,
  eventTimeMs = 0,
  rank = 0,
): string {
  const time = String(eventTimeMs);
  const rankText = String(rank);
  // Zeros sliced off one constant: `padStart` per field measured ~3 % of a clickstream record.
  return (
    (time.length < 15 ? ZEROS.slice(0, 15 - time.length) + time : time) +
    ":" +
    (rankText.length < 4 ? ZEROS.slice(0, 4 - rankText.length) + rankText : rankText) +
    ":" +
    (sequenceNumber.length < 64
      ? ZEROS.slice(0, 64 - sequenceNumber.length) + sequenceNumber
      : sequenceNumber) +
    (subSequenceNumber === undefined ? ":0000000000" : `:${String(subSequenceNumber).padStart(10, "0")}`)
  );
}

const ZEROS = "0".repeat(64);

/** The stored version of one event of `product` at a Kinesis position (see `versionOf`). */
export function eventVersion<T>(
  product: DataProduct<T>,
  event: T,
  sequenceNumber: string,
  subSequenceNumber?: number,
): string {
  return versionOf(
    sequenceNumber,
    subSequenceNumber,
    epochMillis(product.eventTime(event)),
    product.eventRank ? product.eventRank(event) : 0,
  );
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** UTC `year/month/day/hour` of an ISO-8601 time; read straight from the text when it is UTC (`Z`). */
export function partitionOf(iso: string): { year: string; month: string; day: string; hour: string } {
  if (
    iso.length >= 14 &&
    iso.charCodeAt(iso.length - 1) === 90 /* Z */ &&
    iso.charCodeAt(10) === 84 /* T */
  ) {
    return { year: iso.slice(0, 4), month: iso.slice(5, 7), day: iso.slice(8, 10), hour: iso.slice(11, 13) };
  }
  const at = new Date(iso);
  return {
    year: String(at.getUTCFullYear()),
    month: pad2(at.getUTCMonth() + 1),
    day: pad2(at.getUTCDate()),
    hour: pad2(at.getUTCHours()),
  };
}

/** `_meta.partition` as JSON text; read straight from the text when the time is UTC (`Z`). */
function partitionJson(iso: string): string {
  const p = partitionOf(iso);
  return `{"year":"${p.year}","month":"${p.month}","day":"${p.day}","hour":"${p.hour}"}`;
}

/** First and last instant (UTC ms) of the years the lake's partition projection covers. */
const PROJECTED_FROM_MS = Date.UTC(LAKE_PROJECTION_YEARS.first, 0, 1);
const PROJECTED_UNTIL_MS = Date.UTC(LAKE_PROJECTION_YEARS.last + 1, 0, 1);

/**
 * Builds the per-record transform of a data product: validated value → serving item and lake line.
 * Everything that does not depend on the record (the product, the TTL) is resolved here, once.
 * `sent` is the record as the producer sent it, parsed (`JSON.parse` of its text; text or bytes are
 * parsed here): the lake line is built from it, so fields the schema does not know are kept.
 * Without it the lake line holds the validated value only. `text`, when given, is the JSON text
 * `sent` was parsed from: when it is canonical (`isCanonicalJson`) the lake line is spliced from it.
 * `textBytes`, when given, is the UTF-8 size of `text` (the decoded record's byte count): it saves
 * measuring the text again (`packLines` refuses a line whose parts do not encode to the sizes given).
 *
 * Refused (poison): an event time outside the projected years (`LAKE_PROJECTION_YEARS`), a serving
 * item over 400 KB, a lake line over 1,000 KiB.
 *
 * @example
 * const prepare = createTransformer(defineOrders(), { ttlDays: 30 });
 * const out = prepare(value, { sequenceNumber: "4959...", shardId: "shardId-000000000000" }, JSON.parse(text));
 */
export function createTransformer<T>(
  product: DataProduct<T>,
  options: { ttlDays?: number } = {},
): (value: T, origin: RecordOrigin, sent?: unknown, text?: string, textBytes?: number) => Prepared | Refused {
  const ttlSeconds = options.ttlDays === undefined ? undefined : options.ttlDays * 86_400;
  const rankOf = product.eventRank;
  // A batch comes from one shard: its id is escaped once, not per record.
  let shardId = "";
  let shardJson = '""';
  return (value, origin, sent, text, textBytes) => {
    const eventTime = product.eventTime(value);
    const eventMs = epochMillis(eventTime);
    if (!(eventMs >= PROJECTED_FROM_MS && eventMs < PROJECTED_UNTIL_MS)) {
      return {
        reason: POISON_REASONS.eventTimeOutOfRange,
        detail:
          `event time ${JSON.stringify(eventTime)} is outside the lake's projected years ` +
          `${LAKE_PROJECTION_YEARS.first}-${LAKE_PROJECTION_YEARS.last}: Athena would never see its partition`,
      };
    }
    const idempotencyKey = product.idempotencyKey(value);
    const sub = origin.subSequenceNumber;
    const item: Item = product.toItem(value);
    item._idempotencyKey = idempotencyKey;
    item._sequenceNumber = origin.sequenceNumber;
    if (sub !== undefined) item._subSequenceNumber = sub;
    item[VERSION_ATTRIBUTE] = versionOf(origin.sequenceNumber, sub, eventMs, rankOf ? rankOf(value) : 0);
    // Positive: the event time is within the projected years (after 2025).
    if (ttlSeconds !== undefined) item[TTL_ATTRIBUTE] = Math.floor(eventMs / 1000) + ttlSeconds;
    // Exact when it decides: an item near or over the limit is sized exactly.
    const { item: marshalled, bytes: itemBytes } = marshallBounded(item, SINK_LIMITS.dynamodbMaxItemBytes);
    if (itemBytes > SINK_LIMITS.dynamodbMaxItemBytes) {
      return {
        reason: POISON_REASONS.itemTooLarge,
        detail: `serving item is ${itemBytes} bytes; DynamoDB accepts ${SINK_LIMITS.dynamodbMaxItemBytes}`,
      };
    }
    if (origin.shardId !== shardId) {
      shardId = origin.shardId;
      shardJson = JSON.stringify(shardId);
    }
    // `_meta` as JSON text: only the idempotency key can need escaping (the rest is digits and ids).
    const tail =
      `"_meta":{"idempotencyKey":${JSON.stringify(idempotencyKey)},"sequenceNumber":"${origin.sequenceNumber}"` +
      (sub === undefined ? "" : `,"subSequenceNumber":${sub}`) +
      `,"shardId":${shardJson},"partition":${partitionJson(eventTime)}}}`;
    // The producer's own text when re-serializing it would give the same characters (one pass,
    // no second JSON.stringify); otherwise re-serialized. Same line either way (transform.test.ts).
    const spliced =
      text !== undefined && sent !== undefined && isCanonicalJson(text, sent, textBytes === text.length);
    const json = spliced ? text : lakeJson(sent === undefined ? value : sent);
    const line = `${json.slice(0, -1)}${json.length > 2 ? "," : ""}${tail}`;
    // UTF-8 size from its two parts: measuring `line` itself would first copy the whole line into
    // one flat string (V8 flattens a concatenation before measuring it), ~4 % of a clickstream record.
    // The producer's text is measured already when the caller knows its bytes (the decoded record).
    const jsonBytes = spliced && textBytes !== undefined ? textBytes : Buffer.byteLength(json);
    const lineBytes = jsonBytes - (json.length > 2 ? 0 : 1) + Buffer.byteLength(tail);
    if (lineBytes > SINK_LIMITS.firehoseMaxRecordBytes) {
      return {
        reason: POISON_REASONS.deliveryRecordTooLarge,
        detail: `lake record is ${lineBytes} bytes; Firehose accepts ${SINK_LIMITS.firehoseMaxRecordBytes}`,
      };
    }
    return { item: marshalled, itemBytes, line, lineBytes, json, jsonBytes, tail };
  };
}

/**
 * The JSON of one NDJSON line for the raw zone, before `_meta` is appended as its last key: the
 * record as the producer sent it, re-serialized from its parsed value. Re-serializing (rather than splicing `_meta` into the
 * producer's text) gives one line whatever the producer's whitespace, every field it sent (known to
 * the schema or not), each key once (a key the producer repeated keeps the value `JSON.parse` and
 * the validation saw: the last), and exactly one `_meta`: a `_meta` the producer sent is replaced.
 * Encoded to UTF-8 later, once per Firehose record.
 */
function lakeJson(sent: unknown): string {
  let record = sent;
  if (typeof sent === "string") record = JSON.parse(sent);
  else if (Buffer.isBuffer(sent)) record = JSON.parse(sent.toString("utf8"));
  const fields = record as Record<string, unknown>;
  // Undefined properties are left out by JSON.stringify (no `delete`, which would slow the object).
  if (fields._meta !== undefined) fields._meta = undefined;
  return JSON.stringify(fields);
}

/**
 * True when `text` is exactly `JSON.stringify(parsed)` for a record whose lake line can be spliced
 * from it: `parsed` is `JSON.parse(text)` (unmodified), an object without a top-level `_meta`, and
 * the text is in the form `JSON.stringify` writes. Checked in one scan of the text (no
 * allocation) plus a count of the parsed object's keys; anything the scan does not prove
 * canonical answers false, and the caller re-serializes (`lakeJson`). Refused, conservatively:
 * - whitespace outside strings (pretty-printed or padded records);
 * - any backslash (escapes such as `\/` or `\u0041` that `JSON.stringify` writes differently);
 * - text that is not well-formed UTF-16 (a lone surrogate, which `JSON.stringify` escapes);
 * - a key starting with a digit (integer-like keys, which `JSON.stringify` writes first);
 * - numbers with an exponent, a fraction ending in 0, `-0`, more than 15 digits, or five or
 *   more zeros after `0.` (their shortest round-trip form can differ from the text);
 * - duplicate keys at any depth (the scan counts more keys than the parsed object holds).
 * `ascii`: the caller knows the text is ASCII (one UTF-16 unit per byte), hence well-formed.
 */
export function isCanonicalJson(text: string, parsed: unknown, ascii = false): boolean {
  const n = text.length;
  if (
    n < 2 ||
    text.charCodeAt(0) !== 123 /* { */ ||
    typeof parsed !== "object" ||
    parsed === null ||
    Array.isArray(parsed) ||
    (parsed as Record<string, unknown>)._meta !== undefined ||
    text.indexOf("\\") !== -1 ||
    (!ascii && !(text as unknown as WellFormedCheck).isWellFormed())
  ) {
    return false;
  }
  let keys = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // No backslash anywhere: a string ends at the next quote.
      const end = text.indexOf('"', i + 1);
      if (end < 0) return false;
      if (text.charCodeAt(end + 1) === 58 /* : */) {
        const first = text.charCodeAt(i + 1);
        if (first >= 48 && first <= 57) return false;
        keys++;
        i = end + 2;
      } else i = end + 1;
    } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let j = c === 45 ? i + 1 : i;
      const intStart = j;
      while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      let digits = j - intStart;
      const zeroInt = digits === 1 && text.charCodeAt(intStart) === 48;
      if (text.charCodeAt(j) === 46 /* . */) {
        const fracStart = ++j;
        while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
        if (j === fracStart || text.charCodeAt(j - 1) === 48) return false;
        digits += j - fracStart;
        // 0.00001 and smaller: JSON.stringify switches to exponent form below 1e-6.
        if (zeroInt && j - fracStart >= 5 && text.startsWith("00000", fracStart)) return false;
      } else if (zeroInt && c === 45) return false; // -0 is written 0
      const next = text.charCodeAt(j);
      if (next === 101 || next === 69 /* e E */ || digits > 15) return false;
      i = j;
    } else if (c <= 32) {
      return false;
    } else i++;
  }
  return keys === keyCount(parsed);
}

/** `String.prototype.isWellFormed` (ES2024, native in Node ≥ 20; the project's `lib` is older). */
interface WellFormedCheck {
  isWellFormed(): boolean;
}

/** Keys of every object in a parsed JSON value, at any depth. */
function keyCount(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) count += keyCount(value[i]);
    return count;
  }
  const fields = value as Record<string, unknown>;
  for (const key in fields) count += 1 + keyCount(fields[key]);
  return count;
}

/** Narrows a transform result. */
export function isRefused(r: Prepared | Refused): r is Refused {
  return (r as Refused).reason !== undefined;
}

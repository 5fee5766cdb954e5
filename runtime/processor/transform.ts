import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { POISON_REASONS, SINK_LIMITS, type PoisonReason } from "../constants";
import type { DataProduct, Item } from "../schemas/types";
import { VERSION_ATTRIBUTE } from "../sinks/dynamodb";
import { marshallBounded } from "../sinks/marshall";

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

/** Zero-padded version string: comparing two of them as strings compares the sequence numbers. */
export function versionOf(sequenceNumber: string, subSequenceNumber: number | undefined): string {
  const sub =
    subSequenceNumber === undefined ? ":0000000000" : `:${String(subSequenceNumber).padStart(10, "0")}`;
  return sequenceNumber.padStart(64, "0") + sub;
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

/**
 * Builds the per-record transform of a data product: validated value → serving item and lake line.
 * Everything that does not depend on the record (the product, the TTL) is resolved here, once.
 * `raw` is the record as the producer sent it (decoded text, or its bytes): the lake line keeps it.
 *
 * @example
 * const prepare = createTransformer(defineOrders(), { ttlDays: 30 });
 * const out = prepare(value, { sequenceNumber: "4959...", shardId: "shardId-000000000000" });
 */
export function createTransformer<T>(
  product: DataProduct<T>,
  options: { ttlDays?: number } = {},
): (value: T, origin: RecordOrigin, raw?: Buffer | string) => Prepared | Refused {
  const ttlSeconds = options.ttlDays === undefined ? undefined : options.ttlDays * 86_400;
  // A batch comes from one shard: its id is escaped once, not per record.
  let shardId = "";
  let shardJson = '""';
  return (value, origin, raw) => {
    const eventTime = product.eventTime(value);
    const idempotencyKey = product.idempotencyKey(value);
    const sub = origin.subSequenceNumber;
    const item: Item = product.toItem(value);
    item._idempotencyKey = idempotencyKey;
    item._sequenceNumber = origin.sequenceNumber;
    if (sub !== undefined) item._subSequenceNumber = sub;
    item[VERSION_ATTRIBUTE] = versionOf(origin.sequenceNumber, sub);
    if (ttlSeconds !== undefined) item[TTL_ATTRIBUTE] = Math.floor(Date.parse(eventTime) / 1000) + ttlSeconds;
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
    const line = lakeLine(
      value,
      tail,
      typeof raw === "string" || raw === undefined ? raw : raw.toString("utf8"),
    );
    const lineBytes = Buffer.byteLength(line);
    if (lineBytes > SINK_LIMITS.firehoseMaxRecordBytes) {
      return {
        reason: POISON_REASONS.deliveryRecordTooLarge,
        detail: `lake record is ${lineBytes} bytes; Firehose accepts ${SINK_LIMITS.firehoseMaxRecordBytes}`,
      };
    }
    return { item: marshalled, itemBytes, line, lineBytes };
  };
}

/**
 * One NDJSON line for the raw zone: the record as the producer sent it (it passed validation) with
 * `_meta` spliced in before its closing brace, so the raw zone keeps the producer's text and the
 * record is not re-serialized. Records spanning lines (pretty-printed JSON) or without `raw` are
 * serialized from the validated value instead. Encoded to UTF-8 later, once per Firehose record.
 */
function lakeLine(value: unknown, tail: string, raw: string | undefined): string {
  if (raw !== undefined && raw.indexOf("\n") === -1 && raw.indexOf("\r") === -1) {
    const end = raw.lastIndexOf("}");
    let prev = end - 1;
    while (prev >= 0 && (raw.charCodeAt(prev) === 0x20 || raw.charCodeAt(prev) === 0x09)) prev--;
    if (end > 0 && prev >= 0) {
      return raw.slice(0, end) + (raw.charCodeAt(prev) === 0x7b ? tail : `,${tail}`);
    }
  }
  const json = JSON.stringify(value);
  return `${json.slice(0, -1)}${json.length > 2 ? "," : ""}${tail}`;
}

/** Narrows a transform result. */
export function isRefused(r: Prepared | Refused): r is Refused {
  return (r as Refused).reason !== undefined;
}

import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { POISON_REASONS, SINK_LIMITS, type PoisonReason } from "../constants";
import type { DataProduct, Item } from "../schemas/types";
import { VERSION_ATTRIBUTE } from "../sinks/dynamodb";
import { itemSize, marshallItem } from "../sinks/marshall";

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
  readonly itemBytes: number;
  /** One newline-terminated JSON line for Firehose, with `_meta` for partitioning and dedup. */
  readonly line: Buffer;
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
  return `${sequenceNumber.padStart(64, "0")}:${String(subSequenceNumber ?? 0).padStart(10, "0")}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Builds the per-record transform of a data product: validated value → serving item and lake line.
 * Everything that does not depend on the record (the product, the TTL) is resolved here, once.
 *
 * @example
 * const prepare = createTransformer(defineOrders(), { ttlDays: 30 });
 * const out = prepare(value, { sequenceNumber: "4959...", shardId: "shardId-000000000000" });
 */
export function createTransformer<T>(
  product: DataProduct<T>,
  options: { ttlDays?: number } = {},
): (value: T, origin: RecordOrigin) => Prepared | Refused {
  const ttlSeconds = options.ttlDays === undefined ? undefined : options.ttlDays * 86_400;
  return (value, origin) => {
    const eventTime = product.eventTime(value);
    const at = new Date(eventTime);
    const epochMs = at.getTime();
    const idempotencyKey = product.idempotencyKey(value);
    const item: Item = product.toItem(value);
    item._idempotencyKey = idempotencyKey;
    item._sequenceNumber = origin.sequenceNumber;
    if (origin.subSequenceNumber !== undefined) item._subSequenceNumber = origin.subSequenceNumber;
    item[VERSION_ATTRIBUTE] = versionOf(origin.sequenceNumber, origin.subSequenceNumber);
    if (ttlSeconds !== undefined) item[TTL_ATTRIBUTE] = Math.floor(epochMs / 1000) + ttlSeconds;
    const itemBytes = itemSize(item);
    if (itemBytes > SINK_LIMITS.dynamodbMaxItemBytes) {
      return {
        reason: POISON_REASONS.itemTooLarge,
        detail: `serving item is ${itemBytes} bytes; DynamoDB accepts ${SINK_LIMITS.dynamodbMaxItemBytes}`,
      };
    }
    const meta = {
      idempotencyKey,
      sequenceNumber: origin.sequenceNumber,
      ...(origin.subSequenceNumber === undefined ? {} : { subSequenceNumber: origin.subSequenceNumber }),
      shardId: origin.shardId,
      partition: {
        year: String(at.getUTCFullYear()),
        month: pad2(at.getUTCMonth() + 1),
        day: pad2(at.getUTCDate()),
        hour: pad2(at.getUTCHours()),
      },
    };
    const line = Buffer.from(JSON.stringify({ ...(value as object), _meta: meta }) + "\n");
    if (line.length > SINK_LIMITS.firehoseMaxRecordBytes) {
      return {
        reason: POISON_REASONS.deliveryRecordTooLarge,
        detail: `lake record is ${line.length} bytes; Firehose accepts ${SINK_LIMITS.firehoseMaxRecordBytes}`,
      };
    }
    return { item: marshallItem(item), itemBytes, line };
  };
}

/** Narrows a transform result. */
export function isRefused(r: Prepared | Refused): r is Refused {
  return (r as Refused).reason !== undefined;
}

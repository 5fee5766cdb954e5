import type { z } from "zod";

/** A JSON value as stored in DynamoDB items and lake records. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A DynamoDB item before marshalling. */
export type Item = Record<string, JsonValue>;

/**
 * How records of a data product reach the serving table.
 * - `immutable`: one item per event, keyed by the event id. A redelivered event rewrites the
 *   identical item, so plain `BatchWriteItem` puts (25 per call) are idempotent.
 * - `latest`: one item per entity (e.g. an order) updated by successive events. Each write is a
 *   conditional `PutItem` that applies only if the stored version is older, so a redelivery or an
 *   out-of-order retry never overwrites newer state and never duplicates.
 */
export const WRITE_MODES = { immutable: "immutable", latest: "latest" } as const;
export type WriteMode = (typeof WRITE_MODES)[keyof typeof WRITE_MODES];

/** Key attributes of a serving table (all strings). */
export interface TableKey {
  readonly hashKey: string;
  readonly rangeKey?: string;
}

/** A per-window aggregate of a data product (tumbling windows). */
export interface Aggregate<T> {
  /** What the aggregate measures, for logs and docs. */
  readonly description: string;
  /** The group a record counts toward, or undefined to skip the record. */
  key(event: T): string | undefined;
  /** The amount summed per group (the count is kept separately). */
  value(event: T): number;
}

/**
 * Everything the runtime needs to know about one data product. Built by a `define*` function so
 * that the zod schema is compiled once per Lambda container, inside `callbackFactory`.
 */
export interface DataProduct<T> {
  readonly name: string;
  /** Validates one decoded JSON record. */
  readonly schema: z.ZodType<T>;
  readonly tableKey: TableKey;
  readonly writeMode: WriteMode;
  /** The serving-table item (key attributes included; runtime metadata is added by the processor). */
  toItem(event: T): Item;
  /** ISO-8601 event time, used for the lake partition `year=/month=/day=/hour=`. */
  eventTime(event: T): string;
  /** A key that identifies the event across producer retries and redeliveries. */
  idempotencyKey(event: T): string;
  /**
   * Orders events of the same entity that share an event time (`latest` products), e.g. an order's
   * lifecycle rank: `created` before `paid`. The stored version is event time, then this rank, then
   * the Kinesis sequence number, so an older event arriving later never overwrites newer state.
   * Default: 0 for every event.
   */
  eventRank?(event: T): number;
  readonly aggregate?: Aggregate<T>;
}

import { POISON_REASONS, type PoisonReason } from "../constants";
import { describe } from "./dynamodb";
import type { ObjectStorePort } from "./ports";
import { isRetryable, mapLimit, nextDelay, type Budget, type RetryPolicy, type Timing } from "./retry";

/** A record the processor will not retry: it goes to the dead-letter bucket, then is acknowledged. */
export interface PoisonRecord {
  readonly sequenceNumber: string;
  /** Position of the user record inside a KPL aggregate; absent for plain records. */
  readonly subSequenceNumber?: number;
  readonly partitionKey: string;
  readonly approximateArrivalTimestamp: number;
  /** The record's data exactly as delivered (base64, as in the event). */
  readonly data: string;
  readonly reason: PoisonReason;
  /** Human-readable detail: the JSON error, the failing schema paths, the item size... */
  readonly detail: string;
}

/**
 * The JSON document stored per dead letter. Its key is deterministic
 * (`<prefix><dataProduct>/<shardId>/<sequenceNumber>[-<subSequenceNumber>].json`), so a poison record
 * that is redelivered overwrites its own dead letter instead of adding a second one.
 */
export interface DeadLetterDocument {
  readonly dataProduct: string;
  readonly eventSourceARN: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly subSequenceNumber?: number;
  readonly partitionKey: string;
  readonly approximateArrivalTimestamp: number;
  readonly reason: PoisonReason;
  readonly detail: string;
  /** The write attempt (1-based) that stored this document. */
  readonly attempt: number;
  readonly deadLetteredAt: string;
  readonly awsRequestId?: string;
  /** Base64 of the raw record data. */
  readonly data: string;
}

export interface DeadLetterContext {
  readonly port: ObjectStorePort;
  readonly bucket: string;
  readonly prefix: string;
  readonly dataProduct: string;
  readonly eventSourceARN: string;
  readonly shardId: string;
  readonly awsRequestId?: string;
  readonly concurrency: number;
  readonly budget: Budget;
  readonly retry: RetryPolicy;
  readonly timing: Timing;
  readonly now: () => number;
  readonly log: (level: "warn" | "error", message: string, fields: Record<string, unknown>) => void;
}

/** The object key of a dead letter. */
export function deadLetterKey(prefix: string, dataProduct: string, shardId: string, p: PoisonRecord): string {
  const sub = p.subSequenceNumber === undefined ? "" : `-${p.subSequenceNumber}`;
  return `${prefix}${dataProduct}/${shardId}/${p.sequenceNumber}${sub}.json`;
}

/**
 * Stores each poison record as one S3 object (S3, unlike SQS, holds records of any size with
 * their raw data). Returns the indexes of records whose dead letter could not be written: the
 * processor reports those as failed, so nothing is dropped silently.
 */
export async function deadLetter(
  ctx: DeadLetterContext,
  poison: readonly PoisonRecord[],
): Promise<{ failed: Set<number>; retries: number }> {
  const failed = new Set<number>();
  let retries = 0;
  const body = documentWriter(ctx);
  // One timestamp for every first attempt of the call; retries take the time of their attempt.
  const firstAttemptAt = new Date(ctx.now()).toISOString();
  await mapLimit(poison, ctx.concurrency, async (p, i) => {
    const key = deadLetterKey(ctx.prefix, ctx.dataProduct, ctx.shardId, p);
    for (let attempt = 1; ; attempt++) {
      if (ctx.budget.remainingMs() <= 0) {
        failed.add(i);
        return;
      }
      try {
        await ctx.port.putObject(
          {
            Bucket: ctx.bucket,
            Key: key,
            Body: body(p, attempt, attempt === 1 ? firstAttemptAt : new Date(ctx.now()).toISOString()),
            ContentType: "application/json",
          },
          { abortSignal: ctx.budget.signal },
        );
        return;
      } catch (err) {
        const delay = isRetryable(err) ? nextDelay(attempt, ctx.retry, ctx.budget, ctx.timing) : undefined;
        if (delay === undefined) {
          ctx.log("error", "dead letter could not be written; the record is reported as failed", {
            error: describe(err),
            key,
          });
          failed.add(i);
          return;
        }
        retries++;
        await ctx.timing.sleep(delay);
      }
    }
  });
  return { failed, retries };
}

/**
 * A poison record's data as a JSON string. Data that decoded as base64 (every reason but
 * `not-base64`) is made of base64's alphabet only, which JSON never escapes: it is quoted as is,
 * without scanning its ~1.4 characters per byte for characters to escape.
 */
function dataJson(p: PoisonRecord): string {
  return p.reason === POISON_REASONS.notBase64 ? JSON.stringify(p.data) : `"${p.data}"`;
}

/**
 * The JSON text of a `DeadLetterDocument`, field by field in its declared order: the fields every
 * dead letter of a call shares are serialized once, each record's own values with
 * `JSON.stringify`. (`JSON.stringify` of the whole document per record, with two spreads to build
 * it, was most of what a poison record cost beyond its parse error.)
 */
function documentWriter(ctx: DeadLetterContext): (p: PoisonRecord, attempt: number, at: string) => string {
  const head =
    `{"dataProduct":${JSON.stringify(ctx.dataProduct)},"eventSourceARN":${JSON.stringify(ctx.eventSourceARN)}` +
    `,"shardId":${JSON.stringify(ctx.shardId)},"sequenceNumber":`;
  const requestId =
    ctx.awsRequestId === undefined ? "" : `,"awsRequestId":${JSON.stringify(ctx.awsRequestId)}`;
  return (p, attempt, at) =>
    head +
    JSON.stringify(p.sequenceNumber) +
    (p.subSequenceNumber === undefined ? "" : `,"subSequenceNumber":${JSON.stringify(p.subSequenceNumber)}`) +
    `,"partitionKey":${JSON.stringify(p.partitionKey)}` +
    `,"approximateArrivalTimestamp":${JSON.stringify(p.approximateArrivalTimestamp)}` +
    `,"reason":${JSON.stringify(p.reason)},"detail":${JSON.stringify(p.detail)}` +
    `,"attempt":${attempt},"deadLetteredAt":${JSON.stringify(at)}${requestId},"data":${dataJson(p)}}`;
}

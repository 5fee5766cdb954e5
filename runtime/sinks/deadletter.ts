import type { PoisonReason } from "../constants";
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
  await mapLimit(poison, ctx.concurrency, async (p, i) => {
    const key = deadLetterKey(ctx.prefix, ctx.dataProduct, ctx.shardId, p);
    for (let attempt = 1; ; attempt++) {
      if (ctx.budget.remainingMs() <= 0) {
        failed.add(i);
        return;
      }
      const doc: DeadLetterDocument = {
        dataProduct: ctx.dataProduct,
        eventSourceARN: ctx.eventSourceARN,
        shardId: ctx.shardId,
        sequenceNumber: p.sequenceNumber,
        ...(p.subSequenceNumber === undefined ? {} : { subSequenceNumber: p.subSequenceNumber }),
        partitionKey: p.partitionKey,
        approximateArrivalTimestamp: p.approximateArrivalTimestamp,
        reason: p.reason,
        detail: p.detail,
        attempt,
        deadLetteredAt: new Date(ctx.now()).toISOString(),
        ...(ctx.awsRequestId === undefined ? {} : { awsRequestId: ctx.awsRequestId }),
        data: p.data,
      };
      try {
        await ctx.port.putObject({
          Bucket: ctx.bucket,
          Key: key,
          Body: JSON.stringify(doc),
          ContentType: "application/json",
        });
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

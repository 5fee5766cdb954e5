import { chunkBySize } from "./chunk";
import { SINK_LIMITS } from "../constants";
import { describe } from "./dynamodb";
import type { FirehosePort } from "./ports";
import { isRetryable, nextDelay, type Budget, type RetryPolicy, type Timing } from "./retry";

export interface DeliveryContext {
  readonly port: FirehosePort;
  readonly deliveryStreamName: string;
  readonly budget: Budget;
  readonly retry: RetryPolicy;
  readonly timing: Timing;
  readonly log: (level: "warn" | "error", message: string, fields: Record<string, unknown>) => void;
}

export interface DeliveryOutcome {
  /** Indexes of records not accepted by Firehose; the caller reports their source records as failed. */
  readonly failed: ReadonlySet<number>;
  readonly retries: number;
}

/** Splits records (in order) into PutRecordBatch calls of at most 500 records and 4 MiB. */
export function chunkRecords(records: readonly Buffer[]): number[][] {
  return chunkBySize(
    records.map((r) => r.length),
    SINK_LIMITS.firehoseBatchRecords,
    SINK_LIMITS.firehoseBatchBytes,
  );
}

/**
 * Sends records to Firehose in order. Entries that come back with an `ErrorCode`
 * (`FailedPutCount > 0`) and retryable errors are retried with jittered backoff while the budget
 * lasts; at the first chunk that cannot be completed the sender stops and returns that chunk's
 * leftovers and every later chunk as failed. Records must already be ≤ 1,000 KiB each.
 */
export async function deliver(ctx: DeliveryContext, records: readonly Buffer[]): Promise<DeliveryOutcome> {
  const failed = new Set<number>();
  let retries = 0;
  const chunks = chunkRecords(records);
  for (let c = 0; c < chunks.length; c++) {
    let pending = chunks[c];
    let attempt = 0;
    while (pending.length > 0) {
      if (ctx.budget.remainingMs() <= 0) break;
      try {
        const out = await ctx.port.putRecordBatch({
          DeliveryStreamName: ctx.deliveryStreamName,
          Records: pending.map((i) => ({ Data: records[i] })),
        });
        if (!out.FailedPutCount) {
          pending = [];
          break;
        }
        const responses = out.RequestResponses ?? [];
        const sent = pending;
        pending = sent.filter((_, j) => responses[j] === undefined || responses[j].ErrorCode !== undefined);
        ctx.log("warn", "Firehose refused records, retrying", {
          failedPutCount: out.FailedPutCount,
          errorCode: responses.find((r) => r.ErrorCode)?.ErrorCode,
        });
      } catch (err) {
        if (!isRetryable(err)) {
          ctx.log("error", "Firehose rejected a batch", { error: describe(err), records: pending.length });
          break;
        }
        ctx.log("warn", "Firehose batch failed, retrying", { error: describe(err), records: pending.length });
      }
      attempt++;
      const delay = nextDelay(attempt, ctx.retry, ctx.budget, ctx.timing);
      if (delay === undefined) break;
      retries++;
      await ctx.timing.sleep(delay);
    }
    if (pending.length > 0) {
      pending.forEach((i) => failed.add(i));
      for (let later = c + 1; later < chunks.length; later++) chunks[later].forEach((i) => failed.add(i));
      break;
    }
  }
  return { failed, retries };
}

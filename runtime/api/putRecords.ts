import {
  PutRecordsCommand,
  type KinesisClient,
  type PutRecordsCommandInput,
  type PutRecordsCommandOutput,
} from "@aws-sdk/client-kinesis";
import { chunkBySize } from "../sinks/chunk";
import { isRetryable, nextDelay, systemTiming, type RetryPolicy, type Timing } from "../sinks/retry";
import { API_DEFAULTS } from "./config";
import type { CallOptions } from "./ports";

/** The Kinesis operation the API uses, in the SDK's shapes (tests wrap it to inject failures). */
export interface KinesisPort {
  putRecords(
    input: PutRecordsCommandInput,
    options?: CallOptions,
  ): Promise<Pick<PutRecordsCommandOutput, "FailedRecordCount" | "Records">>;
}

/** Adapts an SDK v3 Kinesis client. */
export function kinesisPort(client: KinesisClient): KinesisPort {
  return { putRecords: (input, options) => client.send(new PutRecordsCommand(input), options) };
}

/** One record to put. */
export interface OutgoingRecord {
  readonly data: Buffer;
  readonly partitionKey: string;
}

/** What happened to one record: stored (with its position) or given up on (with the last error). */
export type PutOutcome =
  | { readonly ok: true; readonly shardId: string; readonly sequenceNumber: string }
  | { readonly ok: false; readonly errorCode: string; readonly errorMessage: string };

export interface PutStats {
  /** PutRecords calls made, first attempts and retries. */
  calls: number;
  /** Records sent again after a partial failure or a retryable error. */
  retriedRecords: number;
}

/**
 * Writes records to a stream with PutRecords, in calls of at most 500 records and 5 MiB, in
 * order. Entries a call reports as failed (throttling, internal errors), and whole calls that fail
 * with a retryable error, are retried — only those entries — with full-jitter exponential backoff
 * until `deadline`; records that are still not stored then come back with their last error, so
 * the caller never reports them as accepted. `abortSignal` (the request's budget) is passed to every
 * call, so a call that hangs is abandoned when the budget ends: its records come back with the
 * error code `Timeout`. Returns one outcome per record, in input order.
 *
 * @example
 * const { outcomes } = await putAll(kinesisPort(client), "orders", records, { deadline: Date.now() + 10_000 });
 */
export async function putAll(
  port: KinesisPort,
  streamName: string,
  records: readonly OutgoingRecord[],
  options: {
    deadline: number;
    abortSignal?: AbortSignal;
    retry?: RetryPolicy;
    timing?: Timing;
    now?: () => number;
  },
): Promise<{ outcomes: PutOutcome[]; stats: PutStats }> {
  const timing = options.timing ?? systemTiming();
  const now = options.now ?? Date.now;
  const policy = options.retry ?? {
    baseDelayMs: API_DEFAULTS.retryBaseDelayMs,
    maxDelayMs: API_DEFAULTS.retryMaxDelayMs,
  };
  const budget = { remainingMs: () => options.deadline - now() };
  const outcomes = new Array<PutOutcome>(records.length);
  const stats: PutStats = { calls: 0, retriedRecords: 0 };
  const sizes = records.map((r) => r.data.length + Buffer.byteLength(r.partitionKey));
  for (const chunk of chunkBySize(
    sizes,
    API_DEFAULTS.putRecordsMaxRecords,
    API_DEFAULTS.putRecordsMaxBytes,
  )) {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const failed: number[] = [];
      stats.calls++;
      try {
        const res = await port.putRecords(
          {
            StreamName: streamName,
            Records: pending.map((i) => ({ Data: records[i].data, PartitionKey: records[i].partitionKey })),
          },
          options.abortSignal ? { abortSignal: options.abortSignal } : undefined,
        );
        const entries = res.Records ?? [];
        pending.forEach((index, j) => {
          const e = entries[j];
          if (e && !e.ErrorCode && e.SequenceNumber) {
            outcomes[index] = { ok: true, shardId: e.ShardId ?? "", sequenceNumber: e.SequenceNumber };
          } else {
            outcomes[index] = {
              ok: false,
              errorCode: e?.ErrorCode ?? "MissingResult",
              errorMessage: e?.ErrorMessage ?? "PutRecords returned no result for the record",
            };
            failed.push(index);
          }
        });
      } catch (err) {
        const e = err as { name?: string; message?: string };
        const timedOut = options.abortSignal?.aborted === true;
        for (const index of pending) {
          outcomes[index] = timedOut
            ? {
                ok: false,
                errorCode: "Timeout",
                errorMessage: "Kinesis did not answer within the request budget",
              }
            : { ok: false, errorCode: e.name ?? "Error", errorMessage: e.message ?? String(err) };
        }
        if (timedOut || !isRetryable(err)) break;
        failed.push(...pending);
      }
      if (failed.length === 0) break;
      const delay = nextDelay(attempt, policy, budget, timing);
      if (delay === undefined) break;
      await timing.sleep(delay);
      stats.retriedRecords += failed.length;
      pending = failed;
    }
  }
  return { outcomes, stats };
}

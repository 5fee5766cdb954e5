import type { FeatureValue } from "../features/types";
import { describe } from "./dynamodb";
import type { FeatureStorePort } from "./ports";
import { isRetryable, mapLimit, nextDelay, type Budget, type RetryPolicy, type Timing } from "./retry";

export interface FeatureContext {
  readonly port: FeatureStorePort;
  readonly featureGroupName: string;
  readonly budget: Budget;
  readonly retry: RetryPolicy;
  readonly timing: Timing;
  readonly log: (level: "warn" | "error", message: string, fields: Record<string, unknown>) => void;
}

/** Outcome of writing feature records (indexes into the records given). */
export interface FeatureOutcome {
  /** Records not stored (throttled past the budget, access or service errors): redeliver them. */
  readonly failed: ReadonlySet<number>;
  /** Records Feature Store refused as invalid (`ValidationError`): dead-letter them. */
  readonly rejected: ReadonlySet<number>;
  readonly retries: number;
}

/** Feature Store reports a bad record as `ValidationError` (the SDK's ValidationException too). */
function isValidation(err: unknown): boolean {
  const name = typeof err === "object" && err !== null ? (err as { name?: string }).name : undefined;
  return name === "ValidationError" || name === "ValidationException";
}

/**
 * Writes feature records with `PutRecord` (Feature Store has no batch write), `concurrency` at a
 * time. Throttling and transient errors are retried with jittered backoff while the invocation's
 * budget lasts. The order of the calls does not matter: the online store keeps the record with
 * the latest event time per identifier, and the offline store keeps every record.
 */
export async function putFeatureRecords(
  ctx: FeatureContext,
  records: readonly (readonly FeatureValue[])[],
  concurrency: number,
): Promise<FeatureOutcome> {
  const failed = new Set<number>();
  const rejected = new Set<number>();
  let retries = 0;
  await mapLimit(records, concurrency, async (record, i) => {
    for (let attempt = 1; ; attempt++) {
      if (ctx.budget.remainingMs() <= 0) {
        failed.add(i);
        return;
      }
      try {
        await ctx.port.putRecord(
          { FeatureGroupName: ctx.featureGroupName, Record: [...record] },
          { abortSignal: ctx.budget.signal },
        );
        return;
      } catch (err) {
        if (!isRetryable(err)) {
          ctx.log("error", "Feature Store refused a record", { error: describe(err) });
          (isValidation(err) ? rejected : failed).add(i);
          return;
        }
        const delay = nextDelay(attempt, ctx.retry, ctx.budget, ctx.timing);
        if (delay === undefined) {
          failed.add(i);
          return;
        }
        retries++;
        ctx.log("warn", "Feature Store put failed, retrying", { error: describe(err), attempt });
        await ctx.timing.sleep(delay);
      }
    }
  });
  return { failed, rejected, retries };
}

import { chunkBySize } from "./chunk";
import type { AttributeValue, PutItemCommandInput } from "@aws-sdk/client-dynamodb";
import { SINK_LIMITS } from "../constants";
import type { TableKey } from "../schemas/types";
import type { DynamoDbPort } from "./ports";
import { isRetryable, nextDelay, type Budget, type RetryPolicy, type Timing } from "./retry";

/** One item to write, with its marshalled size. */
export interface TableWrite {
  readonly item: Record<string, AttributeValue>;
  readonly bytes: number;
}

/** Outcome of writing a list of items: which ones are not stored (by index) and the effort spent. */
export interface WriteOutcome {
  /** Indexes of writes that are not stored; the caller reports their records as failed. */
  readonly failed: ReadonlySet<number>;
  /** Indexes of writes that DynamoDB rejected as invalid (not retryable: dead-letter them). */
  readonly rejected: ReadonlySet<number>;
  /** Retry calls made (whole-call retries and retries of unprocessed items). */
  readonly retries: number;
  /** Conditional writes skipped because the stored version was the same or newer (redeliveries). */
  readonly duplicates: number;
}

export interface WriteContext {
  readonly port: DynamoDbPort;
  readonly tableName: string;
  readonly key: TableKey;
  readonly budget: Budget;
  readonly retry: RetryPolicy;
  readonly timing: Timing;
  readonly log: (level: "warn" | "error", message: string, fields: Record<string, unknown>) => void;
}

/** Attribute holding the version (padded sequence number) of `latest`-mode items. */
export const VERSION_ATTRIBUTE = "_version";

/** A stable string of an item's primary key. */
export function keyOf(item: Record<string, AttributeValue>, key: TableKey): string {
  const h = item[key.hashKey];
  const r = key.rangeKey === undefined ? undefined : item[key.rangeKey];
  return `${h?.S ?? h?.N ?? ""}\u0000${r?.S ?? r?.N ?? ""}`;
}

/** Splits writes (in order) into BatchWriteItem chunks of at most 25 items and 16 MB. */
export function chunkWrites(writes: readonly TableWrite[]): number[][] {
  return chunkBySize(
    writes.map((w) => w.bytes),
    SINK_LIMITS.dynamodbBatchItems,
    SINK_LIMITS.dynamodbBatchBytes,
  );
}

/**
 * Writes immutable items with BatchWriteItem, chunk by chunk in order. `UnprocessedItems` and
 * retryable errors are retried with jittered backoff while the budget lasts; at the first chunk
 * that cannot be completed the writer stops, and that chunk's leftovers and every later chunk are
 * returned as failed (they will be redelivered; rewriting an identical item is harmless).
 */
export async function writeImmutable(
  ctx: WriteContext,
  writes: readonly TableWrite[],
): Promise<WriteOutcome> {
  const failed = new Set<number>();
  const rejected = new Set<number>();
  let retries = 0;
  const chunks = chunkWrites(writes);
  for (let c = 0; c < chunks.length; c++) {
    let pending = chunks[c];
    let attempt = 0;
    while (pending.length > 0) {
      if (ctx.budget.remainingMs() <= 0) break;
      try {
        const out = await ctx.port.batchWriteItem(
          {
            RequestItems: { [ctx.tableName]: pending.map((i) => ({ PutRequest: { Item: writes[i].item } })) },
          },
          { abortSignal: ctx.budget.signal },
        );
        const left = out.UnprocessedItems?.[ctx.tableName] ?? [];
        if (left.length === 0) {
          pending = [];
          break;
        }
        const leftKeys = new Set(left.map((r) => keyOf(r.PutRequest?.Item ?? {}, ctx.key)));
        pending = pending.filter((i) => leftKeys.has(keyOf(writes[i].item, ctx.key)));
      } catch (err) {
        if (!isRetryable(err)) {
          if (isValidation(err) && pending.length > 1) {
            // One bad item fails the whole call: isolate it with single puts.
            const single = await writeEach(ctx, writes, pending, false);
            single.failed.forEach((i) => failed.add(i));
            single.rejected.forEach((i) => rejected.add(i));
            retries += single.retries;
            pending = [];
            break;
          }
          ctx.log("error", "DynamoDB rejected a batch write", {
            error: describe(err),
            items: pending.length,
          });
          if (isValidation(err)) pending.forEach((i) => rejected.add(i));
          else pending.forEach((i) => failed.add(i));
          pending = [];
          break;
        }
        ctx.log("warn", "DynamoDB batch write failed, retrying", {
          error: describe(err),
          items: pending.length,
        });
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
  return { failed, rejected, retries, duplicates: 0 };
}

/**
 * Writes versioned items with conditional PutItem (`attribute_not_exists(key) OR _version < :v`),
 * at most `concurrency` in flight. A failed condition means the same or a newer version is
 * already stored: the write counts as done (a duplicate), which is what makes redelivery safe.
 */
export async function writeLatest(
  ctx: WriteContext,
  writes: readonly TableWrite[],
  concurrency: number,
): Promise<WriteOutcome> {
  return writeEach(
    ctx,
    writes,
    writes.map((_, i) => i),
    true,
    concurrency,
  );
}

/**
 * PutItem per write, at most `concurrency` in flight: each worker takes the next write and runs
 * its attempts in its own loop: no promise or closure per item beyond the SDK call's own (every
 * promise costs more where the X-Ray SDK tracks async resources, as in the package); the parts of
 * the input that do not depend on the item are built once.
 */
async function writeEach(
  ctx: WriteContext,
  writes: readonly TableWrite[],
  indexes: readonly number[],
  conditional: boolean,
  concurrency = 8,
): Promise<WriteOutcome> {
  const failed = new Set<number>();
  const rejected = new Set<number>();
  let retries = 0;
  let duplicates = 0;
  const names = conditional ? { "#h": ctx.key.hashKey, "#v": VERSION_ATTRIBUTE } : undefined;
  const call = { abortSignal: ctx.budget.signal };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < indexes.length) {
      const i = indexes[next++];
      const item = writes[i].item;
      const input: PutItemCommandInput = conditional
        ? {
            TableName: ctx.tableName,
            Item: item,
            ConditionExpression: "attribute_not_exists(#h) OR #v < :v",
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ":v": item[VERSION_ATTRIBUTE] },
          }
        : { TableName: ctx.tableName, Item: item };
      for (let attempt = 1; ; attempt++) {
        if (ctx.budget.remainingMs() <= 0) {
          failed.add(i);
          break;
        }
        try {
          await ctx.port.putItem(input, call);
          break;
        } catch (err) {
          if (conditional && errorName(err) === "ConditionalCheckFailedException") {
            duplicates++;
            break;
          }
          if (!isRetryable(err)) {
            ctx.log("error", "DynamoDB rejected an item", { error: describe(err) });
            (isValidation(err) ? rejected : failed).add(i);
            break;
          }
          const delay = nextDelay(attempt, ctx.retry, ctx.budget, ctx.timing);
          if (delay === undefined) {
            failed.add(i);
            break;
          }
          retries++;
          await ctx.timing.sleep(delay);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, indexes.length) }, worker));
  return { failed, rejected, retries, duplicates };
}

function errorName(err: unknown): string | undefined {
  return typeof err === "object" && err !== null ? (err as { name?: string }).name : undefined;
}

function isValidation(err: unknown): boolean {
  return errorName(err) === "ValidationException";
}

/** A short description of an error for structured logs. */
export function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { POISON_REASONS, RUNTIME_DEFAULTS, type PoisonReason } from "../constants";
import type { DataProduct } from "../schemas/types";
import { deadLetter, type PoisonRecord } from "../sinks/deadletter";
import {
  describe,
  VERSION_ATTRIBUTE,
  writeImmutable,
  writeLatest,
  type TableWrite,
  type WriteContext,
} from "../sinks/dynamodb";
import type { FeatureSet } from "../features/types";
import { putFeatureRecords } from "../sinks/featurestore";
import { deliver, type DeliveryOutcome } from "../sinks/firehose";
import type { DynamoDbPort, FeatureStorePort, FirehosePort, ObjectStorePort } from "../sinks/ports";
import { deadlineSignal, systemTiming, type Budget, type RetryPolicy, type Timing } from "../sinks/retry";
import { emfWriter, type MetricUnit } from "../telemetry/emf";
import type { Logger } from "../telemetry/log";
import type { BatchResponse, InvocationContext, KinesisEventRecord, KinesisStreamEvent } from "../types";
import { compareSequenceNumbers, decodeBinary, shardIdOf, textOf, utf8Text } from "./decode";
import { deaggregate, hasAggregateMagic, isAggregated, type UserRecord } from "./kpl";
import { createTransformer, isRefused, type Prepared } from "./transform";

const NOT_UTF8 = "record data is not valid UTF-8 (JSON text must be); kept as sent";

/** Everything a stream processor needs; clients come in as ports so tests can inject faults. */
export interface ProcessorOptions {
  readonly product: DataProduct<unknown>;
  /** The serving table; omit for a lake-only pipeline. */
  readonly table?: { readonly port: DynamoDbPort; readonly tableName: string; readonly ttlDays?: number };
  /** The Firehose delivery stream to the lake raw zone; omit for a table-only pipeline. */
  readonly delivery?: { readonly port: FirehosePort; readonly deliveryStreamName: string };
  /** A feature group written with PutRecord (the feature set maps events to records); omit for none. */
  readonly features?: {
    readonly port: FeatureStorePort;
    readonly featureGroupName: string;
    readonly featureSet: FeatureSet<unknown>;
    /** Parallel PutRecord calls. Default 16. */
    readonly concurrency?: number;
  };
  /** Where poison records go (one S3 object each). */
  readonly deadLetter: { readonly port: ObjectStorePort; readonly bucket: string; readonly prefix: string };
  readonly logger: Logger;
  /** Receives one EMF JSON line per batch. */
  readonly writeMetrics: (line: string) => void;
  readonly metricsNamespace?: string;
  readonly functionName?: string;
  /** Default `RUNTIME_DEFAULTS.safetyMarginMs`. */
  readonly safetyMarginMs?: number;
  readonly retry?: RetryPolicy;
  /** Parallel conditional writes (`latest` products). Default 16. */
  readonly writeConcurrency?: number;
  readonly deadLetterConcurrency?: number;
  readonly timing?: Timing;
  readonly now?: () => number;
}

/** Counters of one batch, logged and emitted as embedded metrics. */
export interface BatchStats {
  records: number;
  userRecords: number;
  aggregated: number;
  poison: number;
  deadLettered: number;
  stored: number;
  duplicates: number;
  delivered: number;
  featured: number;
  retried: number;
  failed: number;
  iteratorLagMs: number;
}

/** The embedded metrics of a batch: name, unit and where the value comes from. */
const BATCH_METRICS: readonly (readonly [string, MetricUnit, (s: BatchStats) => number])[] = [
  ["Records", "Count", (s) => s.records],
  ["UserRecords", "Count", (s) => s.userRecords],
  ["PoisonRecords", "Count", (s) => s.poison],
  ["DeadLettered", "Count", (s) => s.deadLettered],
  ["Stored", "Count", (s) => s.stored],
  ["Duplicates", "Count", (s) => s.duplicates],
  ["Delivered", "Count", (s) => s.delivered],
  // Only with a feature group.
  ["FeatureRecords", "Count", (s) => s.featured],
  ["Retried", "Count", (s) => s.retried],
  ["FailedRecords", "Count", (s) => s.failed],
  ["IteratorLag", "Milliseconds", (s) => s.iteratorLagMs],
];

/** A transformed user record (a plain record, or one record of a KPL aggregate) and its parent's position. */
interface Ready {
  readonly parent: number;
  /** Index inside the KPL aggregate. */
  readonly sub: number | undefined;
  /** The user record's bytes, for a record out of a KPL aggregate. */
  readonly kpl: Buffer | undefined;
  readonly prepared: Prepared;
  /** The validated event (the feature set maps it to a feature record). */
  readonly event: unknown;
}

/**
 * Creates the Kinesis stream processor of one data product: a Lambda handler for an event source
 * mapping with `ReportBatchItemFailures`.
 *
 * Per batch, in shard order: decode base64 once, de-aggregate KPL records, parse and validate
 * with the product's compiled schema, transform; then, in parallel, dead-letter poison records,
 * write the serving table (idempotently) and the lake delivery stream, retrying throttling and partial failures
 * with jittered backoff within the invocation's time. It then reports at most one batch item
 * failure: the first record (by sequence number) that is not fully stored or dead-lettered, so
 * Lambda resumes exactly there. It never throws: an unexpected error reports the first record.
 *
 * @example
 * const handler = createKinesisProcessor({
 *   product: defineOrders(),
 *   table: { port: dynamoDbPort(new DynamoDBClient({})), tableName: "orders" },
 *   deadLetter: { port: objectStorePort(new S3Client({})), bucket: "dlq", prefix: "dead-letters/" },
 *   logger: jsonLogger({}), writeMetrics: (l) => process.stdout.write(l + "\n"),
 * });
 * export const handler = (event, context) => handler(event, context);
 */
export function createKinesisProcessor(
  options: ProcessorOptions,
): (event: KinesisStreamEvent, context: InvocationContext) => Promise<BatchResponse> {
  if (!options.table && !options.delivery && !options.features) {
    throw new TypeError("a stream processor needs a serving table, a delivery stream or a feature group");
  }
  const product = options.product;
  const validate = product.schema["~standard"].validate;
  const prepare = createTransformer(product, { ttlDays: options.table?.ttlDays });
  const timing = options.timing ?? systemTiming();
  const now = options.now ?? Date.now;
  const retry = options.retry ?? {
    baseDelayMs: RUNTIME_DEFAULTS.retryBaseDelayMs,
    maxDelayMs: RUNTIME_DEFAULTS.retryMaxDelayMs,
  };
  const margin = options.safetyMarginMs ?? RUNTIME_DEFAULTS.safetyMarginMs;
  const namespace = options.metricsNamespace ?? RUNTIME_DEFAULTS.metricsNamespace;
  const logger = options.logger;
  // One EMF line per batch; what does not change between batches is serialized once, here.
  const metrics = BATCH_METRICS.filter(([name]) => name !== "FeatureRecords" || options.features);
  const emf = emfWriter({
    namespace,
    // Per data product (what alarms use) and, when known, per function as well.
    dimensions: {
      DataProduct: product.name,
      ...(options.functionName ? { FunctionName: options.functionName } : {}),
    },
    dimensionSets: options.functionName
      ? [["DataProduct"], ["DataProduct", "FunctionName"]]
      : [["DataProduct"]],
    units: Object.fromEntries(metrics.map(([name, unit]) => [name, unit])),
  });

  return async (event, context) => {
    const records = inShardOrder(event.Records ?? []);
    if (records.length === 0) return { batchItemFailures: [] };
    const startBudgetMs = context.getRemainingTimeInMillis() - margin;
    // Every SDK call is aborted when the invocation reaches the safety margin (a hung call cannot
    // outlive the invocation); the timers are cleared when the invocation returns.
    const deadline = deadlineSignal(startBudgetMs);
    const budget: Budget = {
      remainingMs: () => context.getRemainingTimeInMillis() - margin,
      signal: deadline.signal,
    };
    let tableDeadline: { signal: AbortSignal; clear: () => void } | undefined;
    const shardId = shardIdOf(records[0].eventID);
    const eventSourceARN = records[0].eventSourceARN;
    const requestId = context.awsRequestId;
    const log = (level: "warn" | "error" | "info", message: string, fields: Record<string, unknown>) =>
      logger.log(level, message, { shardId, awsRequestId: requestId, ...fields });
    const stats: BatchStats = {
      records: records.length,
      userRecords: 0,
      aggregated: 0,
      poison: 0,
      deadLettered: 0,
      stored: 0,
      duplicates: 0,
      delivered: 0,
      featured: 0,
      retried: 0,
      failed: 0,
      iteratorLagMs: Math.max(
        0,
        now() - records[records.length - 1].kinesis.approximateArrivalTimestamp * 1000,
      ),
    };
    const publish = (counts: BatchStats) =>
      options.writeMetrics(
        emf(
          now(),
          Object.fromEntries(metrics.map(([name, , value]) => [name, value(counts)])),
          requestId === undefined ? { shardId } : { shardId, awsRequestId: requestId },
        ),
      );
    // The first record (position) that is not done; everything from there on is redelivered.
    let firstFailed = records.length;
    const fail = (position: number) => {
      if (position < firstFailed) firstFailed = position;
    };

    try {
      // 1. Decode, de-aggregate, parse, validate, transform (CPU only). One synchronous loop, no
      //    per-record promise, closure or result object beyond what the sinks need.
      const poison: PoisonRecord[] = [];
      const poisonParents: number[] = [];
      const ready: Ready[] = [];
      const refuse = (
        r: KinesisEventRecord,
        parent: number,
        sub: number | undefined,
        data: string,
        reason: PoisonReason,
        detail: string,
      ) => {
        // One shape whether or not the record came out of an aggregate (no spread per record).
        poison.push({
          sequenceNumber: r.kinesis.sequenceNumber,
          subSequenceNumber: sub,
          partitionKey: r.kinesis.partitionKey,
          approximateArrivalTimestamp: r.kinesis.approximateArrivalTimestamp,
          data,
          reason,
          detail,
        });
        poisonParents.push(parent);
      };
      // One user record: parse, validate, transform. `kpl` holds its bytes when it came out of an aggregate.
      const handle = (
        r: KinesisEventRecord,
        p: number,
        sub: number | undefined,
        text: string,
        textBytes: number,
        kpl?: Buffer,
      ) => {
        stats.userRecords++;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          refuse(r, p, sub, rawData(r, kpl), POISON_REASONS.notJson, describe(err));
          return;
        }
        // Standard Schema's `validate` (zod implements it): on the fast path as cheap as
        // `safeParse`, and an invalid record's issues come without building a ZodError (a
        // schema violation costs about a third).
        const checked = validate(value);
        if (checked instanceof Promise) throw new TypeError(`the ${product.name} schema is asynchronous`);
        if (checked.issues !== undefined) {
          refuse(r, p, sub, rawData(r, kpl), POISON_REASONS.schemaViolation, issuesOf(checked.issues));
          return;
        }
        const event = checked.value;
        const out = prepare(
          event,
          sub === undefined
            ? { sequenceNumber: r.kinesis.sequenceNumber, shardId }
            : { sequenceNumber: r.kinesis.sequenceNumber, subSequenceNumber: sub, shardId },
          value,
          text,
          textBytes,
        );
        if (isRefused(out)) refuse(r, p, sub, rawData(r, kpl), out.reason, out.detail);
        else ready.push({ parent: p, sub, kpl, prepared: out, event });
      };
      // Poison records throw (JSON.parse) or build errors (zod) whose stack nobody reads: only
      // their message goes into the dead letter. Capturing the stacks was a third of the cost of
      // a poison record; the loop is synchronous, so the limit is restored before any other code runs.
      const stackTraceLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        for (let p = 0; p < records.length; p++) {
          const r = records[p];
          const binary = decodeBinary(r.kinesis.data);
          if (binary === undefined) {
            refuse(r, p, undefined, r.kinesis.data, POISON_REASONS.notBase64, "record data is not base64");
            continue;
          }
          if (hasAggregateMagic(binary)) {
            const buf = Buffer.from(binary, "latin1");
            if (isAggregated(buf)) {
              stats.aggregated++;
              let units: UserRecord[];
              try {
                units = deaggregate(buf);
              } catch (err) {
                refuse(r, p, undefined, r.kinesis.data, POISON_REASONS.kplCorrupt, describe(err));
                continue;
              }
              for (let sub = 0; sub < units.length; sub++) {
                const bytes = units[sub].data;
                const text = utf8Text(bytes);
                if (text === undefined) {
                  stats.userRecords++;
                  refuse(r, p, sub, bytes.toString("base64"), POISON_REASONS.notUtf8, NOT_UTF8);
                } else handle(r, p, sub, text, bytes.length, bytes);
              }
              continue;
            }
          }
          const text = textOf(binary);
          if (text === undefined) {
            stats.userRecords++;
            refuse(r, p, undefined, r.kinesis.data, POISON_REASONS.notUtf8, NOT_UTF8);
          } else handle(r, p, undefined, text, binary.length);
        }
      } finally {
        Error.stackTraceLimit = stackTraceLimit;
      }
      stats.poison = poison.length;

      if (budget.remainingMs() <= 0) {
        fail(0);
      } else {
        const dlCtx = {
          port: options.deadLetter.port,
          bucket: options.deadLetter.bucket,
          prefix: options.deadLetter.prefix,
          dataProduct: product.name,
          eventSourceARN,
          shardId,
          ...(requestId === undefined ? {} : { awsRequestId: requestId }),
          concurrency: options.deadLetterConcurrency ?? RUNTIME_DEFAULTS.deadLetterConcurrency,
          budget,
          retry,
          timing,
          now,
          log,
        };
        // 2. Dead letters, the serving table and the lake in parallel: each sink works in shard
        //    order and stops at its first record it cannot complete, so a slow sink still lets
        //    the batch make progress. Whatever was written past the first failure is rewritten
        //    idempotently on redelivery (the lake is at-least-once: records carry `_meta`).
        const deadLettering = poison.length > 0 ? deadLetter(dlCtx, poison) : Promise.resolve(undefined);
        const table = options.table;
        const { writes, writeOf } = table ? dedupe(ready, product) : { writes: [], writeOf: [] };
        // The lake is written after the table (below): the table stops early enough to leave the
        // lake its share of the time, so a slow table still lets both make progress.
        const lakeReserveMs =
          table && options.delivery ? Math.floor(startBudgetMs * RUNTIME_DEFAULTS.lakeTimeShare) : 0;
        if (lakeReserveMs > 0) tableDeadline = deadlineSignal(startBudgetMs - lakeReserveMs);
        const tableBudget: Budget = tableDeadline
          ? { remainingMs: () => budget.remainingMs() - lakeReserveMs, signal: tableDeadline.signal }
          : budget;
        const writing = table
          ? (() => {
              const ctx: WriteContext = {
                port: table.port,
                tableName: table.tableName,
                key: product.tableKey,
                budget: tableBudget,
                retry,
                timing,
                log,
              };
              return product.writeMode === "latest"
                ? writeLatest(ctx, writes, options.writeConcurrency ?? RUNTIME_DEFAULTS.writeConcurrency)
                : writeImmutable(ctx, writes);
            })()
          : Promise.resolve(undefined);
        // The lake gets what the table accepted: a record DynamoDB refuses (ValidationException)
        // is dead-lettered, not also delivered as if valid; one whose write did not finish is
        // redelivered, and delivered then. With a table, delivery therefore follows its writes.
        const delivery = options.delivery;
        const delivering: Promise<
          { lines: readonly number[] | undefined; out: DeliveryOutcome } | undefined
        > =
          delivery && ready.length > 0
            ? writing.then(async (written) => {
                const lines =
                  written && (written.failed.size > 0 || written.rejected.size > 0)
                    ? ready.flatMap((_, i) =>
                        written.failed.has(writeOf[i]) || written.rejected.has(writeOf[i]) ? [] : [i],
                      )
                    : undefined;
                const out = await deliver(
                  {
                    port: delivery.port,
                    deliveryStreamName: delivery.deliveryStreamName,
                    budget,
                    retry,
                    timing,
                    log,
                  },
                  lines === undefined ? ready.map((x) => x.prepared) : lines.map((i) => ready[i].prepared),
                );
                return { lines, out };
              })
            : Promise.resolve(undefined);
        const features = options.features;
        const featureRecords = features ? ready.map((x) => features.featureSet.toRecord(x.event)) : [];
        const featureIndex = featureRecords.flatMap((r, i) => (r ? [i] : []));
        const featuring =
          features && featureIndex.length > 0
            ? putFeatureRecords(
                {
                  port: features.port,
                  featureGroupName: features.featureGroupName,
                  budget,
                  retry,
                  timing,
                  log,
                },
                featureIndex.map((i) => featureRecords[i]!),
                features.concurrency ?? RUNTIME_DEFAULTS.writeConcurrency,
              )
            : Promise.resolve(undefined);
        const settled = await untilDeadline(
          Promise.all([deadLettering, writing, delivering, featuring]),
          budget.signal,
          Math.min(1_000, margin / 2),
        );
        if (settled === undefined) {
          // A port ignored the abort signal: the outcome of its calls is unknown, so nothing of the
          // batch counts as done. Return before Lambda's timeout; Lambda redelivers from record 0.
          log("error", "sink calls did not return before the safety margin; reporting the whole batch", {
            safetyMarginMs: margin,
          });
          throw new BatchDeadlineError();
        }
        const [dl, written, delivered, featured] = settled;

        if (dl) {
          stats.retried += dl.retries;
          stats.deadLettered += poison.length - dl.failed.size;
          dl.failed.forEach((i) => fail(poisonParents[i]));
        }
        if (delivered) {
          const { lines, out } = delivered;
          stats.retried += out.retries;
          if (lines === undefined) {
            ready.forEach((x, i) => {
              if (out.failed.has(i)) fail(x.parent);
              else stats.delivered++;
            });
          } else {
            lines.forEach((i, j) => {
              if (out.failed.has(j)) fail(ready[i].parent);
              else stats.delivered++;
            });
          }
        }
        // Records a sink refused as invalid (not retryable): poison, dead-letter them once.
        const rejected = new Map<number, string>();
        if (written) {
          stats.retried += written.retries;
          stats.duplicates += written.duplicates;
          ready.forEach((c, i) => {
            const w = writeOf[i];
            if (written.failed.has(w)) fail(c.parent);
            else if (written.rejected.has(w))
              rejected.set(i, "DynamoDB rejected the item (ValidationException)");
            else stats.stored++;
          });
        }
        if (featured) {
          stats.retried += featured.retries;
          featureIndex.forEach((readyIndex, j) => {
            if (featured.failed.has(j)) fail(ready[readyIndex].parent);
            else if (featured.rejected.has(j)) {
              if (!rejected.has(readyIndex))
                rejected.set(readyIndex, "Feature Store rejected the record (ValidationError)");
            } else stats.featured++;
          });
        }
        if (rejected.size > 0) {
          const refused: PoisonRecord[] = [];
          const refusedParents: number[] = [];
          for (const [i, detail] of rejected) {
            const c = ready[i];
            const r = records[c.parent];
            refused.push({
              sequenceNumber: r.kinesis.sequenceNumber,
              ...(c.sub === undefined ? {} : { subSequenceNumber: c.sub }),
              partitionKey: r.kinesis.partitionKey,
              approximateArrivalTimestamp: r.kinesis.approximateArrivalTimestamp,
              data: rawData(r, c.kpl),
              reason: POISON_REASONS.rejectedBySink,
              detail,
            });
            refusedParents.push(c.parent);
          }
          stats.poison += refused.length;
          const more = await deadLetter(dlCtx, refused);
          stats.retried += more.retries;
          stats.deadLettered += refused.length - more.failed.size;
          more.failed.forEach((i) => fail(refusedParents[i]));
        }
      }
    } catch (err) {
      if (err instanceof BatchDeadlineError) {
        fail(0);
      } else {
        // A bug, not a record problem (record problems are dead-lettered, sink errors reported per
        // record): throw, so Lambda retries and bisects the batch (`bisectBatchOnFunctionError`)
        // down to the record that triggers it, and the on-failure destination receives it after the
        // finite retries. Reporting record 0 instead would retry the same batch unchanged forever.
        log("error", "unexpected error; failing the invocation so Lambda bisects the batch", {
          error: describe(err),
        });
        stats.failed = records.length;
        publish(stats);
        throw err;
      }
    } finally {
      deadline.clear();
      tableDeadline?.clear();
    }

    stats.failed = records.length - firstFailed;
    const failures =
      firstFailed < records.length ? [{ itemIdentifier: records[firstFailed].kinesis.sequenceNumber }] : [];
    log(firstFailed < records.length ? "warn" : "info", "batch processed", {
      dataProduct: product.name,
      ...stats,
      ...(failures.length > 0 ? { failedSequenceNumber: failures[0].itemIdentifier } : {}),
    });
    publish(stats);
    return { batchItemFailures: failures };
  };
}

/** A key attribute's value as text (key attributes are strings or numbers). */
function keyText(v: AttributeValue | undefined): string {
  return v?.S ?? v?.N ?? "";
}

/** A poison record's data as stored in its dead letter: as delivered, or the KPL user record's bytes. */
function rawData(r: KinesisEventRecord, kpl: Buffer | undefined): string {
  return kpl === undefined ? r.kinesis.data : kpl.toString("base64");
}

/** The first schema issues, as one line for the dead letter. */
function issuesOf(
  issues: readonly { path?: readonly (PropertyKey | { key: PropertyKey })[]; message: string }[],
): string {
  return issues
    .slice(0, 5)
    .map(
      (i) =>
        `${(i.path ?? []).map((s) => String(typeof s === "object" ? s.key : s)).join(".") || "(root)"}: ${i.message}`,
    )
    .join("; ");
}

/** Records sorted by sequence number (BigInt); Lambda already delivers them so, this only checks. */
export function inShardOrder(records: readonly KinesisEventRecord[]): readonly KinesisEventRecord[] {
  for (let i = 1; i < records.length; i++) {
    if (
      compareSequenceNumbers(records[i - 1].kinesis.sequenceNumber, records[i].kinesis.sequenceNumber) > 0
    ) {
      return [...records].sort((a, b) =>
        compareSequenceNumbers(a.kinesis.sequenceNumber, b.kinesis.sequenceNumber),
      );
    }
  }
  return records;
}

/**
 * One write per table key: BatchWriteItem refuses duplicate keys in a call, and of several events
 * for the same key the one with the highest version (event time, rank, position) is written.
 *
 * Keys are found through an open-addressing table of write indexes, hashed from the last
 * characters of the hash and range key texts, and compared in full on a hash match, so a
 * collision costs a probe, never a wrong answer. A `Map` keyed by the full text spent about 5 % of
 * a record's processing here (hashing every whole key); this measured ~2.5 % faster per record.
 */
function dedupe(
  ready: readonly Ready[],
  product: DataProduct<unknown>,
): { writes: TableWrite[]; writeOf: number[] } {
  const writes: TableWrite[] = [];
  const writeOf: number[] = [];
  const hashes: number[] = [];
  const { hashKey, rangeKey } = product.tableKey;
  let size = 64;
  while (size < ready.length * 2) size *= 2;
  const mask = size - 1;
  // Write index + 1 per slot; 0 is empty. Half full at most, so probes stay short.
  const slots = new Int32Array(size);
  for (let i = 0; i < ready.length; i++) {
    const { item, itemBytes } = ready[i].prepared;
    const h = keyText(item[hashKey]);
    const r = rangeKey === undefined ? "" : keyText(item[rangeKey]);
    const code = rangeKey === undefined ? tailHash(h, 0x811c9dc5) : tailHash(r, tailHash(h, 0x811c9dc5));
    let slot = code & mask;
    let existing = -1;
    for (let w = slots[slot]; w !== 0; w = slots[slot]) {
      const c = w - 1;
      if (
        hashes[c] === code &&
        keyText(writes[c].item[hashKey]) === h &&
        (rangeKey === undefined || keyText(writes[c].item[rangeKey]) === r)
      ) {
        existing = c;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (existing < 0) {
      slots[slot] = writes.length + 1;
      hashes.push(code);
      writeOf.push(writes.length);
      writes.push({ item, bytes: itemBytes });
    } else {
      // The event with the higher version wins (latest: the newer event, whatever the arrival
      // order; immutable: the same event, the later copy).
      if ((writes[existing].item[VERSION_ATTRIBUTE]?.S ?? "") <= (item[VERSION_ATTRIBUTE]?.S ?? "")) {
        writes[existing] = { item, bytes: itemBytes };
      }
      writeOf.push(existing);
    }
  }
  return { writes, writeOf };
}

/** FNV-1a, from `seed`, over a key text's length and its last 12 characters (ids differ there). */
function tailHash(s: string, seed: number): number {
  const n = s.length;
  let h = Math.imul(seed ^ n, 0x01000193);
  for (let i = n > 12 ? n - 12 : 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Thrown inside the handler when sink calls outlive the safety margin (ports that ignore the abort). */
class BatchDeadlineError extends Error {}

/**
 * `work`'s result, or undefined when `signal` aborts and `work` has not settled `graceMs` later.
 * The SDK rejects an aborted call at once, so the sinks normally return their outcome (the first
 * unfinished record) well within the grace; the fallback covers ports that ignore the signal.
 */
function untilDeadline<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  graceMs: number,
): Promise<T | undefined> {
  if (!signal) return work;
  return Promise.race([
    work,
    new Promise<undefined>((resolve) => {
      const expire = () => setTimeout(() => resolve(undefined), graceMs).unref();
      if (signal.aborted) expire();
      else signal.addEventListener("abort", expire, { once: true });
    }),
  ]);
}

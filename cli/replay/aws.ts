import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
  type ShardIteratorType,
} from "@aws-sdk/client-kinesis";
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type LambdaClient,
  ListEventSourceMappingsCommand,
} from "@aws-sdk/client-lambda";
import {
  type Clock,
  type FailureDestination,
  type FailureRecord,
  type Invoker,
  type InvokeResult,
  type PollerStats,
  ShardConsumer,
  type ShardRecord,
  type ShardSource,
  systemClock,
} from "../local/poller";
import { nextDelay } from "../../runtime/sinks/retry";

/*
 * `npm run replay -- --env <dev|prod>`: Kappa-style reprocessing of a deployed stream through the
 * deployed processor function, with the Lambda Kinesis semantics of the local poller (`ShardConsumer`:
 * batches of the mapping's size, partial batch responses resumed from the lowest failed sequence
 * number, bisection, the mapping's parallelization factor) but bounded retries: what still fails is
 * reported (and written to a file by the command), never skipped silently.
 *
 * Shards come from ListShards, closed parent shards included (a reshard leaves them readable until
 * the retention ends); a child shard starts only once its parents are replayed, as Lambda does.
 * Each shard is read from the start point up to the records that arrived before the replay started,
 * so records produced meanwhile are left to the live mapping.
 */

/** Where a replay starts. */
export type ReplayFrom =
  { readonly type: "TRIM_HORIZON" } | { readonly type: "AT_TIMESTAMP"; readonly at: Date };

export interface ReplayOptions {
  readonly kinesis: KinesisClient;
  readonly lambda: LambdaClient;
  readonly stream: string;
  readonly functionName: string;
  readonly from: ReplayFrom;
  /** Retries of a failing batch before its records are reported as not reprocessed. Default 3. */
  readonly maxRetries?: number;
  /** Overrides the mapping's batch size (required when the function has no mapping from the stream). */
  readonly batchSize?: number;
  /** Records that arrived after this are not replayed. Default: when the replay starts. */
  readonly until?: Date;
  readonly say?: (line: string) => void;
  /** Pause between reads of a shard that returned nothing. Default 200 ms. */
  readonly idleMs?: number;
  /** Backoff on `ProvisionedThroughputExceededException`: first delay, cap, attempts. */
  readonly throttle?: { readonly baseMs: number; readonly maxMs: number; readonly attempts: number };
  /**
   * Longest wait for an `AT_TIMESTAMP` iterator; on timeout the shard has nothing that recent.
   * (Kinesis answers at once; kinesalite never answers when no record is that recent.) Default 10 s.
   */
  readonly iteratorTimeoutMs?: number;
  readonly clock?: Clock;
}

/** The event source mapping settings a replay follows. */
export interface MappingSettings {
  readonly uuid?: string;
  readonly batchSize: number;
  readonly parallelizationFactor: number;
  readonly reportBatchItemFailures: boolean;
  readonly bisectOnError: boolean;
}

/** One record that could not be reprocessed, with why. */
export interface UnprocessedRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly approximateArrivalTimestamp: string;
  /** Base64, as in the Lambda event. */
  readonly data: string;
  readonly condition: FailureRecord["condition"];
  readonly error: string;
  readonly invokes: number;
}

export interface ShardReport {
  readonly shardId: string;
  readonly parents: string[];
  readonly closed: boolean;
  readonly read: number;
  readonly throttled: number;
  readonly stats: PollerStats;
  readonly checkpoint?: string;
}

export interface ReplayReport {
  readonly stream: string;
  readonly streamArn: string;
  readonly functionArn: string;
  readonly mapping: MappingSettings;
  readonly from: ReplayFrom;
  readonly until: Date;
  readonly shards: ShardReport[];
  /** Records the function processed (acknowledged). */
  readonly reprocessed: number;
  readonly unprocessed: UnprocessedRecord[];
  readonly seconds: number;
}

export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReplayError";
  }
}

const errorName = (e: unknown) => (e as { name?: string } | undefined)?.name ?? "";

/** Every shard of the stream (ListShards, all pages), closed parents included. */
export async function listAllShards(kinesis: KinesisClient, stream: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const page = await kinesis.send(
      new ListShardsCommand(token ? { NextToken: token } : { StreamName: stream }),
    );
    shards.push(...(page.Shards ?? []));
    token = page.NextToken;
  } while (token);
  return shards;
}

/** The parents of a shard that are still in the stream (older ones have expired). */
export function parentsOf(shard: Shard, known: ReadonlySet<string>): string[] {
  return [shard.ParentShardId, shard.AdjacentParentShardId].filter(
    (p): p is string => p !== undefined && known.has(p),
  );
}

/**
 * Reads one shard from the start point up to `untilMs`: `GetShardIterator` (AT_TIMESTAMP or
 * TRIM_HORIZON), then `GetRecords`, backing off on `ProvisionedThroughputExceededException` and
 * renewing an expired iterator after the last record read. `done` once the shard's end (closed
 * shard), the tip, or a record that arrived after `untilMs` is reached.
 */
export class ReplayShardSource implements ShardSource {
  done = false;
  read = 0;
  throttled = 0;
  private iterator?: string;
  private lastSequence?: string;

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly stream: string,
    readonly shardId: string,
    private readonly from: ReplayFrom,
    private readonly untilMs: number,
    private readonly opts: {
      throttle: { baseMs: number; maxMs: number; attempts: number };
      iteratorTimeoutMs: number;
      clock: Clock;
    },
  ) {}

  async next(limit: number): Promise<ShardRecord[]> {
    if (this.done) return [];
    if (!this.iterator) {
      this.iterator = await this.startIterator();
      if (!this.iterator) {
        this.done = true;
        return [];
      }
    }
    const out = await this.getRecords(limit);
    const records: ShardRecord[] = [];
    for (const r of out.Records ?? []) {
      const arrivalMs = r.ApproximateArrivalTimestamp?.getTime() ?? 0;
      if (arrivalMs > this.untilMs) {
        this.done = true; // arrived after the replay started: the live mapping handles it
        break;
      }
      records.push({
        sequenceNumber: r.SequenceNumber!,
        partitionKey: r.PartitionKey!,
        data: Buffer.from(r.Data ?? new Uint8Array()),
        arrivalMs,
      });
    }
    this.read += records.length;
    if (records.length > 0) this.lastSequence = records[records.length - 1].sequenceNumber;
    this.iterator = out.NextShardIterator;
    if (!this.iterator)
      this.done = true; // a closed shard read to its end
    else if ((out.Records ?? []).length === 0 && out.MillisBehindLatest === 0) this.done = true; // the tip
    return records;
  }

  private async startIterator(): Promise<string | undefined> {
    if (this.from.type === "TRIM_HORIZON") return this.iteratorOf("TRIM_HORIZON");
    try {
      return await this.iteratorOf("AT_TIMESTAMP", { Timestamp: this.from.at }, this.opts.iteratorTimeoutMs);
    } catch (err) {
      if (errorName(err) === "TimeoutError" || errorName(err) === "AbortError") return undefined;
      throw err;
    }
  }

  private async iteratorOf(
    type: ShardIteratorType,
    extra: { Timestamp?: Date; StartingSequenceNumber?: string } = {},
    timeoutMs?: number,
  ): Promise<string | undefined> {
    const out = await this.withBackoff(() =>
      this.kinesis.send(
        new GetShardIteratorCommand({
          StreamName: this.stream,
          ShardId: this.shardId,
          ShardIteratorType: type,
          ...extra,
        }),
        timeoutMs ? { abortSignal: AbortSignal.timeout(timeoutMs) } : {},
      ),
    );
    return out.ShardIterator;
  }

  private async getRecords(limit: number): Promise<GetRecordsCommandOutput> {
    for (;;) {
      try {
        return await this.withBackoff(() =>
          this.kinesis.send(new GetRecordsCommand({ ShardIterator: this.iterator, Limit: limit })),
        );
      } catch (err) {
        if (errorName(err) !== "ExpiredIteratorException") throw err;
        // Iterators expire after 5 minutes (e.g. a long retry): continue after the last record read.
        this.iterator = this.lastSequence
          ? await this.iteratorOf("AFTER_SEQUENCE_NUMBER", { StartingSequenceNumber: this.lastSequence })
          : await this.startIterator();
        if (!this.iterator) throw err;
      }
    }
  }

  private async withBackoff<T>(call: () => Promise<T>): Promise<T> {
    const { baseMs, maxMs, attempts } = this.opts.throttle;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        const name = errorName(err);
        if (name !== "ProvisionedThroughputExceededException" && name !== "LimitExceededException") throw err;
        this.throttled++;
        if (attempt >= attempts) {
          throw new ReplayError(
            `${this.shardId}: still throttled (${name}) after ${attempts} attempts: other consumers use the shard's read throughput (5 reads/s, 2 MB/s); try again later`,
          );
        }
        // The runtime's full-jitter backoff; bounded by attempts here, not by a time budget.
        const delay = nextDelay(
          attempt,
          { baseDelayMs: baseMs, maxDelayMs: maxMs },
          { remainingMs: () => Number.POSITIVE_INFINITY },
          { random: Math.random, sleep: (ms) => this.opts.clock.sleep(ms) },
        );
        await this.opts.clock.sleep(delay ?? maxMs);
      }
    }
  }
}

/** Lambda errors that retrying a batch cannot fix: the replay stops with the message. */
const FATAL_INVOKE_ERRORS = new Set([
  "ResourceNotFoundException",
  "AccessDeniedException",
  "AccessDeniedError",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "ExpiredTokenException",
  "CredentialsProviderError",
  "KMSAccessDeniedException",
]);

/** Invokes the deployed function synchronously (`RequestResponse`) with a Kinesis event. */
export class LambdaInvoker implements Invoker {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionArn: string,
  ) {}

  async invoke(event: unknown): Promise<InvokeResult> {
    let out;
    try {
      out = await this.lambda.send(
        new InvokeCommand({
          FunctionName: this.functionArn,
          InvocationType: "RequestResponse",
          Payload: Buffer.from(JSON.stringify(event)),
        }),
      );
    } catch (err) {
      const name = errorName(err);
      const message = `${name || "Error"}: ${(err as Error).message}`;
      if (FATAL_INVOKE_ERRORS.has(name))
        throw new ReplayError(`invoking ${this.functionArn} failed: ${message}`);
      return { ok: false, error: `Invoke failed: ${message}` };
    }
    const text = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
    if (out.FunctionError) {
      let detail = text;
      try {
        const e = JSON.parse(text) as { errorType?: string; errorMessage?: string };
        detail = `${e.errorType ?? "Error"}: ${e.errorMessage ?? text}`;
      } catch {
        // not JSON: keep the text
      }
      return { ok: false, error: `${out.FunctionError} function error: ${detail}` };
    }
    try {
      return { ok: true, payload: text === "" ? null : (JSON.parse(text) as unknown) };
    } catch {
      return { ok: false, error: `the function's response is not JSON: ${text.slice(0, 200)}` };
    }
  }
}

/** The mapping from the stream to the function, as deployed. */
export async function mappingSettings(
  lambda: LambdaClient,
  functionName: string,
  streamArn: string,
  batchSize?: number,
): Promise<MappingSettings> {
  const out = await lambda.send(
    new ListEventSourceMappingsCommand({ FunctionName: functionName, EventSourceArn: streamArn }),
  );
  const m = out.EventSourceMappings?.[0];
  if (!m) {
    if (batchSize === undefined) {
      throw new ReplayError(
        `${functionName} has no event source mapping from ${streamArn}: pass --batch-size <n> to replay into it anyway`,
      );
    }
    return { batchSize, parallelizationFactor: 1, reportBatchItemFailures: true, bisectOnError: false };
  }
  if (m.TumblingWindowInSeconds) {
    throw new ReplayError(
      `${functionName} aggregates tumbling windows (${m.TumblingWindowInSeconds} s): replay the stream's processor, the windows follow from its data`,
    );
  }
  return {
    uuid: m.UUID,
    batchSize: batchSize ?? m.BatchSize ?? 100,
    parallelizationFactor: m.ParallelizationFactor ?? 1,
    reportBatchItemFailures: (m.FunctionResponseTypes ?? []).includes("ReportBatchItemFailures"),
    bisectOnError: m.BisectBatchOnFunctionError ?? false,
  };
}

/**
 * Replays a stream through a deployed function; resolves with what was reprocessed and what could
 * not be. Throws `ReplayError` when the replay cannot run at all (missing function, no access).
 *
 * @example
 * const report = await replayOnAws({ kinesis, lambda, stream: "orders-stream-1a2b", functionName: "orders-processor-3c4d",
 *   from: { type: "AT_TIMESTAMP", at: new Date("2026-11-27T15:00:00Z") } });
 */
export async function replayOnAws(opts: ReplayOptions): Promise<ReplayReport> {
  const say = opts.say ?? (() => undefined);
  const clock = opts.clock ?? systemClock;
  const started = clock.now();
  const until = opts.until ?? new Date(started);
  const maxRetries = opts.maxRetries ?? 3;

  const summary = await opts.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: opts.stream }));
  const streamArn = summary.StreamDescriptionSummary!.StreamARN!;
  let fn;
  try {
    fn = await opts.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: opts.functionName }));
  } catch (err) {
    if (errorName(err) === "ResourceNotFoundException")
      throw new ReplayError(`function ${opts.functionName} not found: ${(err as Error).message}`);
    throw err;
  }
  const functionArn = fn.FunctionArn!;
  const mapping = await mappingSettings(opts.lambda, functionArn, streamArn, opts.batchSize);
  const region = await opts.lambda.config.region();

  const shards = await listAllShards(opts.kinesis, opts.stream);
  const known = new Set(shards.map((s) => s.ShardId!));
  say(
    `replaying ${opts.stream} (${shards.length} shard${shards.length === 1 ? "" : "s"}) through ${functionArn}: batches of ${mapping.batchSize}, ` +
      `${mapping.parallelizationFactor} per shard at once, up to ${maxRetries} retries per batch, records that arrived up to ${until.toISOString()}`,
  );

  const invoker = new LambdaInvoker(opts.lambda, functionArn);
  const unprocessed: UnprocessedRecord[] = [];
  const reports: ShardReport[] = [];
  const consumers: ShardConsumer[] = [];
  const finished = new Map<string, Promise<void>>();
  let aborted: unknown;

  const replayShard = async (shard: Shard): Promise<void> => {
    const shardId = shard.ShardId!;
    const parents = parentsOf(shard, known);
    // Parents first (Lambda finishes a parent shard before its children).
    await Promise.all(parents.map((p) => finished.get(p)));
    if (aborted) return;
    const source = new ReplayShardSource(opts.kinesis, opts.stream, shardId, opts.from, until.getTime(), {
      throttle: opts.throttle ?? { baseMs: 200, maxMs: 5_000, attempts: 10 },
      iteratorTimeoutMs: opts.iteratorTimeoutMs ?? 10_000,
      clock,
    });
    const failures: FailureDestination = {
      send: async (f) => {
        for (const r of f.records) {
          unprocessed.push({
            shardId,
            sequenceNumber: r.sequenceNumber,
            partitionKey: r.partitionKey,
            approximateArrivalTimestamp: new Date(r.arrivalMs).toISOString(),
            data: r.data.toString("base64"),
            condition: f.condition,
            error: f.error,
            invokes: f.approximateInvokeCount,
          });
        }
      },
    };
    const consumer = new ShardConsumer(
      {
        shardId,
        eventSourceArn: streamArn,
        functionArn,
        invokeIdentityArn: fn.Role,
        region,
        batchSize: mapping.batchSize,
        batchingWindowMs: 0,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
        bisectOnError: mapping.bisectOnError,
        maximumRetryAttempts: maxRetries,
        maximumRecordAgeSeconds: -1,
        parallelizationFactor: mapping.parallelizationFactor,
        idleMs: opts.idleMs ?? 200,
      },
      source,
      invoker,
      failures,
      clock,
      (line) => say(`  ${shardId}: ${line}`),
    );
    consumers.push(consumer);
    const running = consumer.run();
    let failed: unknown;
    running.catch((err: unknown) => (failed = err));
    while (!(source.done && consumer.idle) && failed === undefined && !aborted) {
      await clock.sleep(Math.min(50, opts.idleMs ?? 200));
    }
    consumer.stop();
    await running.catch(() => undefined);
    if (failed !== undefined) throw failed;
    reports.push({
      shardId,
      parents,
      closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
      read: source.read,
      throttled: source.throttled,
      stats: consumer.stats,
      checkpoint: consumer.checkpoint,
    });
  };

  const progress = setInterval(() => {
    const done = consumers.reduce((n, c) => n + c.stats.delivered, 0);
    const rate = done / Math.max(0.001, (clock.now() - started) / 1000);
    say(
      `  ${done.toLocaleString("en-US")} records reprocessed (${Math.round(rate).toLocaleString("en-US")}/s), ${reports.length}/${shards.length} shards done, ${unprocessed.length} not reprocessed`,
    );
  }, 5_000);
  progress.unref();
  try {
    // Every shard starts as soon as its parents are done; a shard that fails stops the others.
    for (const s of shards) {
      const run = replayShard(s).catch((err: unknown) => {
        aborted ??= err;
        for (const c of consumers) c.stop();
      });
      finished.set(s.ShardId!, run);
    }
    await Promise.all(finished.values());
  } finally {
    clearInterval(progress);
  }
  if (aborted) throw aborted;

  const order = new Map(shards.map((s, i) => [s.ShardId!, i]));
  reports.sort((a, b) => order.get(a.shardId)! - order.get(b.shardId)!);
  return {
    stream: opts.stream,
    streamArn,
    functionArn,
    mapping,
    from: opts.from,
    until,
    shards: reports,
    reprocessed: reports.reduce((n, r) => n + r.stats.delivered, 0),
    unprocessed,
    seconds: (clock.now() - started) / 1000,
  };
}

/** The replay's summary, in the local run's style. */
export function formatReplayReport(r: ReplayReport, failuresFile?: string): string {
  const n = (v: number) => v.toLocaleString("en-US");
  const from = r.from.type === "TRIM_HORIZON" ? "TRIM_HORIZON" : r.from.at.toISOString();
  const lines = [
    `${r.stream} → ${r.functionArn}`,
    `  from ${from} to the records that arrived by ${r.until.toISOString()}`,
    "  shard                   parents                                  read   invokes  partial  retries  not reprocessed",
  ];
  for (const s of r.shards) {
    lines.push(
      `  ${(s.shardId + (s.closed ? " (closed)" : "")).padEnd(23)} ${(s.parents.join(", ") || "-").padEnd(38)} ${n(s.read).padStart(6)} ${n(s.stats.invocations).padStart(9)} ${n(s.stats.partialFailures).padStart(8)} ${n(s.stats.retries).padStart(8)} ${n(s.stats.discarded).padStart(16)}` +
        (s.throttled ? `  (throttled ${s.throttled}×)` : ""),
    );
  }
  const rate = r.reprocessed / Math.max(0.001, r.seconds);
  lines.push(
    `  reprocessed     ${n(r.reprocessed)} records in ${r.seconds.toFixed(1)} s (${n(Math.round(rate))}/s)`,
    `  not reprocessed ${n(r.unprocessed.length)}` +
      (r.unprocessed.length
        ? ` — still failing after the retries${failuresFile ? `; the records are in ${failuresFile}` : ""}:`
        : ""),
  );
  const ranges = new Map<string, UnprocessedRecord[]>();
  for (const u of r.unprocessed)
    ranges.set(`${u.shardId}\u0000${u.error}`, [...(ranges.get(`${u.shardId}\u0000${u.error}`) ?? []), u]);
  for (const group of ranges.values()) {
    lines.push(
      `    ${group[0].shardId} ${group[0].sequenceNumber}${group.length > 1 ? `..${group[group.length - 1].sequenceNumber}` : ""} (${group.length}): ${group[0].error}`,
    );
  }
  lines.push(
    "  idempotent: the processor writes the serving table with conditional writes (keyed by event, versioned) and",
    "  dead letters under deterministic keys, so records processed before are not stored twice; the lake's raw zone",
    "  receives them again through Firehose (at least once: deduplicate by event id downstream).",
  );
  return lines.join("\n");
}

/*
 * A local Kinesis event source mapping: what Lambda's poller does for one shard, as a pure module
 * (the stream, the function, the on-failure destination and the clock are injected), so the
 * semantics are unit-tested with a fake function.
 *
 * Semantics followed (Lambda, Kinesis source):
 * - Batches of at most `batchSize` records, in shard order; with a batching window the poller waits
 *   up to that long for a batch to fill before invoking.
 * - Success: the checkpoint moves past the batch.
 * - `ReportBatchItemFailures`: an empty list is success; otherwise the checkpoint moves to the
 *   *lowest* reported sequence number (compared as BigInt) and everything from there on is
 *   redelivered (one retry attempt). An identifier that is not a sequence number of the batch fails
 *   the whole batch.
 * - Function error (thrown error, timeout, crash, a response Lambda cannot read, a tumbling-window
 *   response without `state`): the whole batch failed. With `bisectOnError` a failed batch of more
 *   than one record is split in two halves retried separately (a split does not use a retry
 *   attempt); a single record, or a batch without bisection, is retried as a whole.
 * - `maximumRetryAttempts` (-1 = until the record expires) and `maximumRecordAgeSeconds` (-1 = no
 *   limit): when exceeded, the records are discarded and sent to the on-failure destination, and
 *   the shard moves on.
 * - Tumbling windows: records are grouped by arrival time into windows aligned on the window length;
 *   every invoke gets `window`, the `state` the previous invoke of that window returned, `shardId`,
 *   `eventSourceARN`, `isFinalInvokeForWindow` and `isWindowTerminatedEarly`; the final invoke (no
 *   records) happens once the window has ended — or when the poller is stopped with windows open,
 *   then flagged as terminated early.
 * - `ParallelizationFactor` N (1-10, `ShardConsumer`): up to N batches of one shard in flight at
 *   once. Records are spread over N lanes by a hash of their partition key, so records with the same
 *   key stay in order (each lane is a `ShardPoller` with all the rules above); the shard's
 *   checkpoint is the last record before the lowest one not yet finished, whichever lane holds it.
 * - A batch also stays under Lambda's 6 MB synchronous invocation payload.
 */
import { createHash } from "node:crypto";

/** Lambda's limit on a synchronous invocation's request payload. */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Bytes an event record takes besides its base64 data (identifiers, ARNs, field names). */
const RECORD_OVERHEAD_BYTES = 600;

/** A record as read from the shard. */
export interface ShardRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Buffer;
  /** Milliseconds since the epoch. */
  readonly arrivalMs: number;
}

/** Reads a shard from a position the poller owns (the source keeps its iterator). */
export interface ShardSource {
  /** Up to `limit` next records; an empty array when the shard has nothing new right now. */
  next(limit: number): Promise<ShardRecord[]>;
}

export type InvokeResult =
  { readonly ok: true; readonly payload: unknown } | { readonly ok: false; readonly error: string };

export interface Invoker {
  invoke(event: unknown): Promise<InvokeResult>;
}

/** What Lambda writes to an on-failure destination (the S3 form, which includes the records). */
export interface FailureRecord {
  readonly condition: "RetryAttemptsExhausted" | "RecordAgeExceeded";
  readonly error: string;
  readonly approximateInvokeCount: number;
  readonly records: readonly ShardRecord[];
}

export interface FailureDestination {
  send(failure: FailureRecord, event: unknown): Promise<void>;
}

export interface PollerConfig {
  readonly shardId: string;
  readonly eventSourceArn: string;
  readonly functionArn: string;
  readonly region: string;
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  readonly reportBatchItemFailures: boolean;
  readonly bisectOnError: boolean;
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeSeconds: number;
  readonly tumblingWindowSeconds?: number;
  /** Pause between reads of an idle shard (Lambda polls about once a second). Default 250 ms. */
  readonly idleMs?: number;
  /** Concurrent batches per shard, 1-10 (`ShardConsumer` only). Default 1. */
  readonly parallelizationFactor?: number;
  /** `invokeIdentityArn` of the events (the mapping's execution role). Default derived from `functionArn`. */
  readonly invokeIdentityArn?: string;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** Counters a run reports per mapping. */
export interface PollerStats {
  invocations: number;
  functionErrors: number;
  partialFailures: number;
  bisections: number;
  retries: number;
  discarded: number;
  delivered: number;
  windowsClosed: number;
}

function zeroStats(): PollerStats {
  return {
    invocations: 0,
    functionErrors: 0,
    partialFailures: 0,
    bisections: 0,
    retries: 0,
    discarded: 0,
    delivered: 0,
    windowsClosed: 0,
  };
}

/** The outcome of one invocation, as the poller judged it. */
export type Outcome =
  | { kind: "success"; state?: unknown }
  | { kind: "partial"; lowestFailed: number }
  | { kind: "error"; error: string };

interface Batch {
  records: ShardRecord[];
  /** Retry attempts already made for these records. */
  retries: number;
  invokes: number;
  lastError: string;
}

function compareSeq(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function isSequenceNumber(v: unknown): v is string {
  return typeof v === "string" && /^\d{1,128}$/.test(v);
}

/**
 * Judges a function response the way Lambda does for a Kinesis batch. Exported for tests.
 * `indexOf` maps a sequence number to its position in the batch.
 */
export function judgeResponse(
  payload: unknown,
  records: readonly ShardRecord[],
  reportBatchItemFailures: boolean,
  windowed: boolean,
): Outcome {
  const obj =
    payload !== null && typeof payload === "object" ? (payload as Record<string, unknown>) : undefined;
  if (windowed && (!obj || !("state" in obj) || obj.state === undefined)) {
    return { kind: "error", error: "tumbling-window response has no `state`" };
  }
  const state = windowed ? obj!.state : undefined;
  if (
    !reportBatchItemFailures ||
    !obj ||
    obj.batchItemFailures === undefined ||
    obj.batchItemFailures === null
  )
    return { kind: "success", ...(windowed ? { state } : {}) };
  const failures = obj.batchItemFailures;
  if (!Array.isArray(failures)) return { kind: "error", error: "batchItemFailures is not a list" };
  if (failures.length === 0) return { kind: "success", ...(windowed ? { state } : {}) };
  let lowest: number | undefined;
  for (const f of failures) {
    const id =
      f !== null && typeof f === "object" ? (f as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (!isSequenceNumber(id)) {
      return { kind: "error", error: `malformed batch item identifier ${JSON.stringify(id)}` };
    }
    const at = records.findIndex((r) => compareSeq(r.sequenceNumber, id) === 0);
    if (at < 0) return { kind: "error", error: `batch item identifier ${id} is not in the batch` };
    if (lowest === undefined || compareSeq(id, records[lowest].sequenceNumber) < 0) lowest = at;
  }
  return { kind: "partial", lowestFailed: lowest! };
}

/** The Lambda Kinesis event for a batch. */
export function kinesisEvent(records: readonly ShardRecord[], cfg: PollerConfig): { Records: unknown[] } {
  return {
    Records: records.map((r) => ({
      kinesis: {
        kinesisSchemaVersion: "1.0",
        partitionKey: r.partitionKey,
        sequenceNumber: r.sequenceNumber,
        data: r.data.toString("base64"),
        approximateArrivalTimestamp: r.arrivalMs / 1000,
      },
      eventSource: "aws:kinesis",
      eventVersion: "1.0",
      eventID: `${cfg.shardId}:${r.sequenceNumber}`,
      eventName: "aws:kinesis:record",
      invokeIdentityArn:
        cfg.invokeIdentityArn ??
        cfg.functionArn.replace(/:lambda:[^:]+:(\d+):function:.*/, ":iam::$1:role/local"),
      awsRegion: cfg.region,
      eventSourceARN: cfg.eventSourceArn,
    })),
  };
}

/** Start of the tumbling window a timestamp falls in (windows align on multiples of the length). */
export function windowStart(ms: number, seconds: number): number {
  const len = seconds * 1000;
  return Math.floor(ms / len) * len;
}

/**
 * Polls one shard and invokes one function, following the Lambda semantics above. `run()` loops
 * until `stop()`; `step()` does one unit of work (tests drive it directly).
 */
export class ShardPoller {
  readonly stats: PollerStats = zeroStats();
  /** Records read from the shard and not yet handed to a batch. */
  private readonly pending: ShardRecord[] = [];
  /** Batches in progress, front first (bisected halves and redeliveries go to the front). */
  private readonly queue: Batch[] = [];
  private gatherSince?: number;
  private stopping = false;
  private exhausted = false;
  private lastEmptyReadAt?: number;
  /** Tumbling windows: the open window and its committed state. */
  private window?: { start: number; end: number; state: unknown };
  /** The last sequence number checkpointed (processed or discarded). */
  checkpoint?: string;

  constructor(
    private readonly cfg: PollerConfig,
    private readonly source: ShardSource,
    private readonly fn: Invoker,
    private readonly onFailure: FailureDestination | undefined,
    private readonly clock: Clock = systemClock,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** True when everything read so far has been processed (or discarded) and the shard had nothing new. */
  get idle(): boolean {
    return this.pending.length === 0 && this.queue.length === 0 && this.exhausted;
  }

  /** True when a tumbling window is still open. */
  get windowOpen(): boolean {
    return this.window !== undefined;
  }

  stop(): void {
    this.stopping = true;
  }

  async run(): Promise<void> {
    while (!this.stopping) {
      const worked = await this.step();
      if (!worked) await this.clock.sleep(this.cfg.idleMs ?? 250);
    }
    // Stopping with a window open: its final invoke, flagged as terminated early.
    if (this.window) await this.closeWindow(true);
  }

  /** One unit of work; false when there was nothing to do. */
  async step(): Promise<boolean> {
    if (this.queue.length === 0) {
      await this.fill();
      const batch = this.takeBatch();
      if (!batch) {
        // A window ends once its time is over and a read after its end found nothing more: every
        // record that arrived within it has been processed.
        if (
          this.window &&
          this.pending.length === 0 &&
          this.exhausted &&
          this.lastEmptyReadAt !== undefined &&
          this.lastEmptyReadAt >= this.window.end
        ) {
          await this.closeWindow(false);
          return true;
        }
        return false;
      }
      this.queue.push(batch);
    }
    await this.process(this.queue[0]);
    return true;
  }

  /** Ends the open window now (final invoke), e.g. before a summary. */
  async flushWindow(): Promise<void> {
    if (this.window && this.queue.length === 0 && this.pending.length === 0) await this.closeWindow(true);
  }

  private async fill(): Promise<void> {
    const want = this.cfg.batchSize - this.pending.length;
    if (want <= 0) return;
    const got = await this.source.next(want);
    this.exhausted = got.length === 0;
    if (this.exhausted) this.lastEmptyReadAt = this.clock.now();
    if (got.length > 0 && this.pending.length === 0) this.gatherSince = this.clock.now();
    this.pending.push(...got);
  }

  private takeBatch(): Batch | undefined {
    if (this.pending.length === 0) return undefined;
    const full = this.pending.length >= this.cfg.batchSize;
    const waited = this.clock.now() - (this.gatherSince ?? this.clock.now());
    if (!full && waited < this.cfg.batchingWindowMs && !this.stopping) return undefined;
    let n = Math.min(this.cfg.batchSize, this.pending.length);
    // The event must fit one synchronous invocation (at least one record always goes).
    let bytes = 0;
    for (let k = 0; k < n; k++) {
      bytes += Math.ceil(this.pending[k].data.length / 3) * 4 + RECORD_OVERHEAD_BYTES;
      if (bytes > MAX_INVOKE_PAYLOAD_BYTES && k > 0) {
        n = k;
        break;
      }
    }
    if (this.cfg.tumblingWindowSeconds !== undefined) {
      // A batch never spans two windows.
      const w = windowStart(this.pending[0].arrivalMs, this.cfg.tumblingWindowSeconds);
      let k = 0;
      while (k < n && windowStart(this.pending[k].arrivalMs, this.cfg.tumblingWindowSeconds) === w) k++;
      n = k;
    }
    const records = this.pending.splice(0, n);
    this.gatherSince = this.pending.length > 0 ? this.clock.now() : undefined;
    return { records, retries: 0, invokes: 0, lastError: "" };
  }

  private async process(batch: Batch): Promise<void> {
    const cfg = this.cfg;
    // Records older than the maximum age are discarded before an invoke.
    if (cfg.maximumRecordAgeSeconds >= 0) {
      const limit = this.clock.now() - cfg.maximumRecordAgeSeconds * 1000;
      let expired = 0;
      while (expired < batch.records.length && batch.records[expired].arrivalMs < limit) expired++;
      if (expired > 0) {
        await this.discard(batch.records.slice(0, expired), "RecordAgeExceeded", batch);
        batch.records = batch.records.slice(expired);
        if (batch.records.length === 0) {
          this.queue.shift();
          return;
        }
      }
    }

    let windowEvent: Record<string, unknown> = {};
    if (cfg.tumblingWindowSeconds !== undefined) {
      const start = windowStart(batch.records[0].arrivalMs, cfg.tumblingWindowSeconds);
      if (this.window && this.window.start !== start) {
        await this.closeWindow(false);
        if (this.window) return; // the final invoke failed: retried on the next step
      }
      if (!this.window) this.window = { start, end: start + cfg.tumblingWindowSeconds * 1000, state: {} };
      windowEvent = this.windowFields(false, false);
    }

    const event = { ...kinesisEvent(batch.records, cfg), ...windowEvent };
    batch.invokes++;
    this.stats.invocations++;
    const result = await this.fn.invoke(event);
    const outcome: Outcome = result.ok
      ? judgeResponse(result.payload, batch.records, cfg.reportBatchItemFailures, this.window !== undefined)
      : { kind: "error", error: result.error };

    if (outcome.kind === "success") {
      if (this.window) this.window.state = outcome.state;
      this.done(batch.records);
      this.queue.shift();
      return;
    }
    if (outcome.kind === "partial") {
      this.stats.partialFailures++;
      const ok = batch.records.slice(0, outcome.lowestFailed);
      this.done(ok);
      batch.records = batch.records.slice(outcome.lowestFailed);
      batch.lastError = `the function reported ${batch.records[0].sequenceNumber} as failed`;
      await this.retryOrDiscard(batch);
      return;
    }
    this.stats.functionErrors++;
    batch.lastError = outcome.error;
    this.log(`invoke failed (${batch.records.length} records): ${outcome.error}`);
    if (cfg.bisectOnError && batch.records.length > 1) {
      this.stats.bisections++;
      const half = Math.ceil(batch.records.length / 2);
      const first: Batch = { ...batch, records: batch.records.slice(0, half) };
      const second: Batch = { ...batch, records: batch.records.slice(half) };
      this.queue.splice(0, 1, first, second);
      return;
    }
    await this.retryOrDiscard(batch);
  }

  private async retryOrDiscard(batch: Batch): Promise<void> {
    const max = this.cfg.maximumRetryAttempts;
    if (max >= 0 && batch.retries >= max) {
      await this.discard(batch.records, "RetryAttemptsExhausted", batch);
      this.queue.shift();
      return;
    }
    batch.retries++;
    this.stats.retries++;
  }

  private done(records: readonly ShardRecord[]): void {
    if (records.length === 0) return;
    this.stats.delivered += records.length;
    this.checkpoint = records[records.length - 1].sequenceNumber;
  }

  private async discard(
    records: readonly ShardRecord[],
    condition: FailureRecord["condition"],
    batch: Batch,
  ) {
    this.stats.discarded += records.length;
    this.log(`discarding ${records.length} records (${condition}): ${batch.lastError || "record too old"}`);
    if (this.onFailure) {
      await this.onFailure.send(
        {
          condition,
          error: batch.lastError || condition,
          approximateInvokeCount: batch.invokes,
          records,
        },
        kinesisEvent(records, this.cfg),
      );
    }
    this.checkpoint = records[records.length - 1].sequenceNumber;
  }

  private windowFields(final: boolean, early: boolean): Record<string, unknown> {
    const w = this.window!;
    return {
      window: { start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString() },
      state: w.state,
      shardId: this.cfg.shardId,
      eventSourceARN: this.cfg.eventSourceArn,
      isFinalInvokeForWindow: final,
      isWindowTerminatedEarly: early,
    };
  }

  /** The final invoke of the open window; on failure the window stays open and is retried. */
  private async closeWindow(early: boolean): Promise<void> {
    const event = { Records: [], ...this.windowFields(true, early) };
    this.stats.invocations++;
    const result = await this.fn.invoke(event);
    const outcome: Outcome = result.ok
      ? judgeResponse(result.payload, [], this.cfg.reportBatchItemFailures, true)
      : { kind: "error", error: result.error };
    if (outcome.kind === "success") {
      this.stats.windowsClosed++;
      this.window = undefined;
      return;
    }
    this.stats.functionErrors++;
    this.log(`final window invoke failed: ${outcome.kind === "error" ? outcome.error : "partial failure"}`);
    if (early) this.window = undefined; // stopping: give up, as a shard ending would
  }
}

/** Greatest parallelization factor Lambda accepts for a Kinesis mapping. */
export const MAX_PARALLELIZATION_FACTOR = 10;
/** Records read ahead for the lanes of one shard before reading pauses (a lane may be stuck retrying). */
const MAX_BUFFERED_RECORDS = 10_000;

/**
 * The lane of a partition key among `factor` lanes: the MD5 of the key (as Kinesis hashes keys to
 * shards), modulo the factor. Records with one key always share a lane, hence their order.
 */
export function laneOf(partitionKey: string, factor: number): number {
  if (factor <= 1) return 0;
  const hash = createHash("md5").update(partitionKey, "utf8").digest();
  return Number(hash.readBigUInt64BE(0) % BigInt(factor));
}

/**
 * One shard consumed with Lambda's `ParallelizationFactor`: up to N batches in flight, one per lane,
 * each lane a `ShardPoller` fed with the records whose partition key hashes to it. With a factor of
 * 1 it behaves exactly as a single `ShardPoller` reading the shard. `run()` until `stop()`.
 *
 * @example
 * const shard = new ShardConsumer({ ...cfg, parallelizationFactor: 4 }, source, fn, undefined);
 * const running = shard.run(); // ...; shard.stop(); await running; shard.checkpoint
 */
export class ShardConsumer {
  readonly lanes: ShardPoller[];
  readonly factor: number;
  /** Records read and not yet handed to their lane, per lane. */
  private readonly buffers: ShardRecord[][];
  /** Records read, in shard order, that are not yet below the shard's checkpoint. */
  private readonly unsettled: { seq: bigint; sequenceNumber: string; lane: number }[] = [];
  private reading?: Promise<void>;
  private dry = false;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private settled?: string;

  constructor(
    private readonly cfg: PollerConfig,
    private readonly source: ShardSource,
    fn: Invoker,
    onFailure: FailureDestination | undefined,
    private readonly clock: Clock = systemClock,
    log: (message: string) => void = () => undefined,
  ) {
    const factor = cfg.parallelizationFactor ?? 1;
    if (!Number.isInteger(factor) || factor < 1 || factor > MAX_PARALLELIZATION_FACTOR) {
      throw new RangeError(
        `parallelizationFactor = ${factor}: an integer from 1 to ${MAX_PARALLELIZATION_FACTOR} (concurrent batches per shard)`,
      );
    }
    if (factor > 1 && cfg.tumblingWindowSeconds !== undefined) {
      throw new RangeError(
        `parallelizationFactor = ${factor} with a tumbling window: window state is per shard, use 1`,
      );
    }
    this.factor = factor;
    this.buffers = Array.from({ length: factor }, () => []);
    this.lanes = this.buffers.map(
      (_, lane) =>
        new ShardPoller(
          cfg,
          { next: (limit) => this.take(lane, limit) },
          fn,
          onFailure,
          clock,
          factor === 1 ? log : (m) => log(`lane ${lane + 1}/${factor}: ${m}`),
        ),
    );
  }

  /** Counters summed over the lanes. */
  get stats(): PollerStats {
    const sum = zeroStats();
    for (const l of this.lanes)
      for (const k of Object.keys(sum) as (keyof PollerStats)[]) sum[k] += l.stats[k];
    return sum;
  }

  /** Everything read has been processed (or discarded) and the shard had nothing new at the last read. */
  get idle(): boolean {
    return this.dry && this.buffers.every((b) => b.length === 0) && this.lanes.every((l) => l.idle);
  }

  get windowOpen(): boolean {
    return this.lanes.some((l) => l.windowOpen);
  }

  /**
   * The shard's checkpoint: the last sequence number such that it and every record before it in
   * the shard are processed or discarded (the lowest unfinished record holds it back).
   */
  get checkpoint(): string | undefined {
    let n = 0;
    for (const u of this.unsettled) {
      const at = this.lanes[u.lane].checkpoint;
      if (at === undefined || BigInt(at) < u.seq) break;
      n++;
    }
    if (n > 0) this.settled = this.unsettled.splice(0, n)[n - 1].sequenceNumber;
    return this.settled;
  }

  async run(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.run()));
  }

  /** One unit of work in every lane, concurrently; false when none had anything to do. */
  async step(): Promise<boolean> {
    const worked = await Promise.all(this.lanes.map((l) => l.step()));
    return worked.some(Boolean);
  }

  stop(): void {
    for (const l of this.lanes) l.stop();
  }

  async flushWindow(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.flushWindow()));
  }

  private async take(lane: number, limit: number): Promise<ShardRecord[]> {
    if (this.buffers[lane].length === 0) await this.read(limit);
    return this.buffers[lane].splice(0, limit);
  }

  /** One read of the shard at a time, shared by the lanes that wait for it. */
  private read(limit: number): Promise<void> {
    this.reading ??= (async () => {
      try {
        const buffered = this.buffers.reduce((n, b) => n + b.length, 0);
        if (buffered >= MAX_BUFFERED_RECORDS) return;
        // Lanes asking one after another while the shard is dry share one read per idle period.
        if (this.factor > 1 && this.dry && this.clock.now() - this.lastReadAt < (this.cfg.idleMs ?? 250))
          return;
        this.lastReadAt = this.clock.now();
        const got = await this.source.next(Math.min(limit * this.factor, MAX_BUFFERED_RECORDS - buffered));
        this.dry = got.length === 0;
        for (const r of got) {
          const lane = laneOf(r.partitionKey, this.factor);
          this.buffers[lane].push(r);
          this.unsettled.push({ seq: BigInt(r.sequenceNumber), sequenceNumber: r.sequenceNumber, lane });
        }
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }
}

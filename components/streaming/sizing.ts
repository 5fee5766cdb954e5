import { LIMITS } from "../../config/limits";

/** Declared throughput of a stream. */
export interface Throughput {
  /** Peak records per second. */
  readonly recordsPerSecond: number;
  /** Peak bytes per second (records × average size). */
  readonly bytesPerSecond: number;
}

/**
 * Shards a provisioned stream needs for a throughput: each shard takes 1,000 records/s and
 * 1 MB/s of writes, so the larger of the two ratios, rounded up, at least one.
 *
 * @example
 * shardsFor({ recordsPerSecond: 2_500, bytesPerSecond: 800_000 }); // 3
 */
export function shardsFor(t: Throughput): number {
  for (const [field, v] of [
    ["recordsPerSecond", t.recordsPerSecond],
    ["bytesPerSecond", t.bytesPerSecond],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${field} = ${v}: a non-negative number`);
  }
  return Math.max(
    1,
    Math.ceil(t.recordsPerSecond / LIMITS.kinesisRecordsPerSecondPerShard),
    Math.ceil(t.bytesPerSecond / LIMITS.kinesisBytesPerSecondPerShard),
  );
}

/** Which limit decides the shard count, for the reasoning `npm run capacity` prints. */
export function bindingLimit(t: Throughput): "records" | "bytes" {
  return t.recordsPerSecond / LIMITS.kinesisRecordsPerSecondPerShard >=
    t.bytesPerSecond / LIMITS.kinesisBytesPerSecondPerShard
    ? "records"
    : "bytes";
}

/**
 * The lake's partition convention: every dataset lives under
 * `<dataset prefix>/year=YYYY/month=MM/day=DD/hour=HH/` (UTC, zero-padded), which is what Firehose
 * writes, what the Glue ETL job writes, and what Athena partition projection reads — so a new hour
 * is queryable the moment its first object lands, with no crawler and no `MSCK REPAIR`.
 */

import { LAKE_PROJECTION_YEARS } from "../../runtime/constants";

/** Partition columns, outermost first. */
export const PARTITION_KEYS = ["year", "month", "day", "hour"] as const;
export type PartitionKey = (typeof PARTITION_KEYS)[number];

/** Digits each partition value is padded to. */
export const PARTITION_DIGITS: Record<PartitionKey, number> = { year: 4, month: 2, day: 2, hour: 2 };

/** Inclusive ranges Athena projects for each column (the year range is per table). */
const FIXED_RANGES: Record<Exclude<PartitionKey, "year">, [number, number]> = {
  month: [1, 12],
  day: [1, 31],
  hour: [0, 23],
};

/**
 * Last year a table projects unless told otherwise. Shared with the stream processor, which
 * dead-letters events outside the projected years (`LAKE_PROJECTION_YEARS`).
 */
export const DEFAULT_LAST_YEAR: number = LAKE_PROJECTION_YEARS.last;

function pad(n: number, digits: number): string {
  return String(n).padStart(digits, "0");
}

/** Dataset prefixes are relative, end with `/`, and hold no partition directories of their own. */
export function normalizeDatasetPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, "").replace(/\/+$/, "");
  if (PARTITION_KEYS.some((k) => trimmed.split("/").some((part) => part.startsWith(`${k}=`)))) {
    throw new Error(`dataset prefix "${prefix}" must not contain partition directories (year=, month=, ...)`);
  }
  if (trimmed === "" || !/^[a-z0-9][a-z0-9_\-/]*$/.test(trimmed)) {
    throw new Error(
      `dataset prefix "${prefix}" is not allowed: use lower-case letters, digits, "_", "-" and "/" (e.g. "orders/events")`,
    );
  }
  return `${trimmed}/`;
}

/** Partition values of an instant, in UTC. */
export function partitionValues(at: Date): Record<PartitionKey, string> {
  return {
    year: pad(at.getUTCFullYear(), PARTITION_DIGITS.year),
    month: pad(at.getUTCMonth() + 1, PARTITION_DIGITS.month),
    day: pad(at.getUTCDate(), PARTITION_DIGITS.day),
    hour: pad(at.getUTCHours(), PARTITION_DIGITS.hour),
  };
}

/**
 * The key prefix of the hour that contains `at`.
 *
 * @example
 * partitionPrefix("orders/events", new Date("2026-11-27T14:05:00Z"))
 * // "orders/events/year=2026/month=11/day=27/hour=14/"
 */
export function partitionPrefix(datasetPrefix: string, at: Date): string {
  const v = partitionValues(at);
  return `${normalizeDatasetPrefix(datasetPrefix)}${PARTITION_KEYS.map((k) => `${k}=${v[k]}`).join("/")}/`;
}

/**
 * The Firehose `prefix` that writes the convention (Firehose's own timestamp namespace is UTC), and
 * the error prefix that keeps failed records out of the dataset.
 */
export function firehosePrefixes(datasetPrefix: string): { prefix: string; errorOutputPrefix: string } {
  const base = normalizeDatasetPrefix(datasetPrefix);
  return {
    prefix: `${base}year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/`,
    errorOutputPrefix: `errors/${base}!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/`,
  };
}

/** `s3://bucket/prefix/` of a dataset. */
export function datasetLocation(bucketName: string, datasetPrefix: string): string {
  return `s3://${bucketName}/${normalizeDatasetPrefix(datasetPrefix)}`;
}

/**
 * Glue table parameters that turn on Athena partition projection for the convention: integer
 * projection of each column over its range, zero-padded like the keys, and the location template
 * that maps the values back to the prefix.
 */
export function projectionParameters(
  location: string,
  opts: { firstYear: number; lastYear?: number },
): Record<string, string> {
  const lastYear = opts.lastYear ?? DEFAULT_LAST_YEAR;
  if (!Number.isInteger(opts.firstYear) || opts.firstYear < 1970 || opts.firstYear > lastYear) {
    throw new Error(
      `projection firstYear = ${opts.firstYear}: an integer from 1970 to the last projected year (${lastYear})`,
    );
  }
  if (!location.startsWith("s3://") || !location.endsWith("/")) {
    throw new Error(`projection location "${location}": an s3:// URI ending with "/"`);
  }
  const ranges: Record<PartitionKey, [number, number]> = {
    year: [opts.firstYear, lastYear],
    ...FIXED_RANGES,
  };
  const params: Record<string, string> = { "projection.enabled": "true" };
  for (const key of PARTITION_KEYS) {
    params[`projection.${key}.type`] = "integer";
    params[`projection.${key}.range`] = ranges[key].map((n) => pad(n, PARTITION_DIGITS[key])).join(",");
    params[`projection.${key}.digits`] = String(PARTITION_DIGITS[key]);
  }
  params["storage.location.template"] = `${location}${PARTITION_KEYS.map((k) => `${k}=\${${k}}`).join("/")}/`;
  return params;
}

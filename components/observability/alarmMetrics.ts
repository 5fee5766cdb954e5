import * as fs from "node:fs";
import * as path from "node:path";

/** The table of metrics AWS publishes (`data/aws-metrics.json`), per namespace. */
export interface MetricTable {
  readonly namespaces: Readonly<
    Record<
      string,
      {
        readonly source: string;
        /** Metric name → the dimension sets (sorted key names) it is published under. */
        readonly metrics: Readonly<Record<string, readonly (readonly string[])[]>>;
        /** Dimensions whose values are a closed set (e.g. DynamoDB `Operation`). */
        readonly dimensionValues?: Readonly<Record<string, readonly string[]>>;
      }
    >
  >;
}

export const AWS_METRICS_FILE = path.join(__dirname, "data", "aws-metrics.json");

/** The metric table shipped in the repository. */
export function awsMetricTable(): MetricTable {
  return JSON.parse(fs.readFileSync(AWS_METRICS_FILE, "utf8")) as MetricTable;
}

/** The metric an alarm watches, as planned (`MetricAlarm` inputs without metric math). */
export interface AlarmMetric {
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions?: Readonly<Record<string, unknown>>;
}

/**
 * Why an alarm's metric would never receive data: an unknown namespace or metric, a dimension set
 * the metric is not published under, or a dimension value outside a closed set. Empty when it can fire.
 */
export function alarmMetricProblems(alarm: AlarmMetric, table: MetricTable = awsMetricTable()): string[] {
  const { namespace = "", metricName = "" } = alarm;
  const ns = table.namespaces[namespace];
  if (!ns) return [`namespace ${JSON.stringify(namespace)} is not in the metric table`];
  const sets = ns.metrics[metricName];
  if (!sets) return [`${namespace} publishes no metric ${JSON.stringify(metricName)}`];
  const dims = alarm.dimensions ?? {};
  const keys = Object.keys(dims).sort();
  const problems: string[] = [];
  if (!sets.some((s) => s.length === keys.length && [...s].sort().every((k, i) => k === keys[i])))
    problems.push(
      `${namespace} ${metricName} is published with dimensions ${sets.map((s) => `{${s.join(", ")}}`).join(" or ")}, not {${keys.join(", ")}}`,
    );
  for (const [key, allowed] of Object.entries(ns.dimensionValues ?? {})) {
    const v = dims[key];
    if (v !== undefined && !allowed.includes(String(v)))
      problems.push(
        `${namespace} ${metricName}: ${key} = ${JSON.stringify(v)} is not one of ${allowed.join(", ")}`,
      );
  }
  return problems;
}

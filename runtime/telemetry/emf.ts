import { Metrics, type MetricUnit as PowertoolsMetricUnit } from "@aws-lambda-powertools/metrics";

/** CloudWatch units used by the runtime's metrics. */
export const METRIC_UNITS = { count: "Count", milliseconds: "Milliseconds", none: "None" } as const;
export type MetricUnit = (typeof METRIC_UNITS)[keyof typeof METRIC_UNITS];

/** One metric value with its unit. */
export interface MetricValue {
  readonly value: number;
  readonly unit: MetricUnit;
}

/** Where Powertools' own warnings go (an invalid timestamp, a duplicate dimension): the runtime's logger. */
export interface MetricsWarnings {
  warn(message: string): void;
}

/**
 * A Powertools `Metrics` instance that publishes exactly the dimension sets it is given: Powertools
 * adds a `service` default dimension, which would change every metric's identity (dashboards and
 * alarms select on `DataProduct` and `DataProduct` + `FunctionName`), so it is cleared.
 */
function powertoolsMetrics(namespace: string, warnings?: MetricsWarnings): Metrics {
  const quiet = (message: unknown) => warnings?.warn(String(message));
  const metrics = new Metrics({
    namespace,
    logger: { debug: () => undefined, info: () => undefined, warn: quiet, error: quiet },
  });
  metrics.clearDefaultDimensions();
  return metrics;
}

/**
 * A writer of CloudWatch Embedded Metric Format lines built by Powertools for AWS Lambda
 * (`@aws-lambda-powertools/metrics`): one JSON line per call that CloudWatch turns into metrics in
 * `namespace`, published under each dimension set (each a list of keys of `dimensions`; by default
 * one set made of every key), with `properties` as searchable metadata (strings). The caller
 * writes the line (to stdout in Lambda, where the Lambda log format must not prefix it). Meant to
 * be called once per batch, not per record.
 *
 * @example
 * const write = emfWriter({ namespace: "DataPlatform/Streaming", dimensions: { DataProduct: "orders" },
 *   units: { Records: "Count" } });
 * process.stdout.write(write(Date.now(), { Records: 100 }, { shardId: "shardId-000000000000" }) + "\n");
 */
export function emfWriter(args: {
  namespace: string;
  dimensions: Record<string, string>;
  dimensionSets?: string[][];
  units: Record<string, MetricUnit>;
  warnings?: MetricsWarnings;
}): (timestamp: number, values: Record<string, number>, properties?: Record<string, string>) => string {
  const metrics = powertoolsMetrics(args.namespace, args.warnings);
  // Keys every set shares are Powertools default dimensions (set once); each set adds the rest. A
  // key given in two sets would make Powertools check and warn about the collision on every line.
  const keySets = args.dimensionSets ?? [Object.keys(args.dimensions)];
  const shared = Object.keys(args.dimensions).filter((k) => keySets.every((set) => set.includes(k)));
  metrics.setDefaultDimensions(Object.fromEntries(shared.map((k) => [k, args.dimensions[k]])));
  const sets = keySets.map((set) =>
    Object.fromEntries(set.filter((k) => !shared.includes(k)).map((k) => [k, args.dimensions[k]])),
  );
  const names = Object.keys(args.units);
  const reserved = new Set([...Object.keys(args.dimensions), ...names]);
  return (timestamp, values, properties) => {
    try {
      for (const set of sets) metrics.addDimensions(set);
      for (const name of names) {
        const v = values[name];
        if (typeof v !== "number") throw new TypeError(`EMF metric ${name} has no value`);
        metrics.addMetric(
          name,
          args.units[name] as (typeof PowertoolsMetricUnit)[keyof typeof PowertoolsMetricUnit],
          v,
        );
      }
      if (properties) {
        for (const k of Object.keys(properties)) {
          if (reserved.has(k)) throw new TypeError(`EMF property ${k} is also a dimension or a metric`);
          if (properties[k] !== undefined) metrics.addMetadata(k, properties[k]);
        }
      }
      metrics.setTimestamp(timestamp);
      return JSON.stringify(metrics.serializeMetrics());
    } finally {
      metrics.clearMetrics();
      metrics.clearDimensions();
      metrics.clearMetadata();
    }
  };
}

/**
 * One Embedded Metric Format document (an object), built by Powertools like `emfWriter`'s lines.
 *
 * @example
 * emfDocument({ namespace: "DataPlatform/Api", dimensions: { Route: "/ingest" },
 *   metrics: { Requests: { value: 1, unit: "Count" } }, timestamp: Date.now() });
 */
export function emfDocument(args: {
  namespace: string;
  dimensions: Record<string, string>;
  dimensionSets?: string[][];
  metrics: Record<string, MetricValue>;
  timestamp: number;
  properties?: Record<string, string>;
}): Record<string, unknown> {
  const write = emfWriter({
    namespace: args.namespace,
    dimensions: args.dimensions,
    ...(args.dimensionSets ? { dimensionSets: args.dimensionSets } : {}),
    units: Object.fromEntries(Object.entries(args.metrics).map(([name, m]) => [name, m.unit])),
  });
  return JSON.parse(
    write(
      args.timestamp,
      Object.fromEntries(Object.entries(args.metrics).map(([name, m]) => [name, m.value])),
      args.properties,
    ),
  ) as Record<string, unknown>;
}

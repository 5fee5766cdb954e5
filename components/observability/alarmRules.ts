import type { AlarmRule } from "./alarmSet";
import type { KeyMetrics, MetricSpec } from "./metrics";

/** Thresholds the rules read (the `alarms` section of the platform configuration). */
export interface AlarmThresholds {
  readonly processorDurationP99Ms: number;
  readonly tableLatencyMs: number;
  readonly warehouseCpuPercent: number;
  readonly warehouseDiskPercent: number;
  readonly emrHdfsPercent: number;
  readonly cacheCpuPercent: number;
  readonly cacheMemoryPercent: number;
}

function need(metrics: KeyMetrics, key: string, what: string): MetricSpec {
  const m = metrics[key];
  if (!m) throw new Error(`${what} exposes no key metric "${key}" (has ${Object.keys(metrics).join(", ")})`);
  return m;
}

/**
 * A pipeline's alarms besides those the `Pipeline` component creates itself (iterator age,
 * processor errors and throttles, dead letters, Firehose freshness, table throttles): processor
 * p99 duration, serving-table write throttles and latency, stream write throttles.
 */
export function pipelineAlarmRules(
  product: string,
  m: KeyMetrics,
  t: Pick<AlarmThresholds, "processorDurationP99Ms" | "tableLatencyMs">,
): Record<string, AlarmRule> {
  const what = `pipeline ${product}`;
  return {
    "processor-duration": {
      metric: need(m, "processorDurationP99Ms", what),
      threshold: t.processorDurationP99Ms,
      evaluationPeriods: 5,
      description: `${product}: processor p99 duration above ${t.processorDurationP99Ms} ms for 5 minutes`,
    },
    "table-write-throttles": {
      metric: need(m, "tableWriteThrottles", what),
      threshold: 0,
      description: `${product}: writes to the serving table were throttled`,
    },
    "table-latency": {
      metric: need(m, "tableWriteLatencyMs", what),
      threshold: t.tableLatencyMs,
      evaluationPeriods: 5,
      description: `${product}: serving-table write latency above ${t.tableLatencyMs} ms for 5 minutes`,
    },
    "stream-write-throttles": {
      metric: need(m, "streamWriteThrottles", what),
      threshold: 0,
      evaluationPeriods: 3,
      description: `${product}: producers were throttled by the stream (add shards or go on-demand)`,
    },
  };
}

/** A Glue job's alarm: any failed task in a run. */
export function glueJobAlarmRules(job: string, m: KeyMetrics): Record<string, AlarmRule> {
  return {
    [`${job}-failed-tasks`]: {
      metric: need(m, "failedTasks", `Glue job ${job}`),
      threshold: 0,
      description: `Glue job ${job}: a run had failed tasks`,
    },
  };
}

/** A Step Functions workflow's alarms: failed or timed-out executions. */
export function workflowAlarmRules(workflow: string, m: KeyMetrics): Record<string, AlarmRule> {
  const what = `workflow ${workflow}`;
  return {
    [`${workflow}-failed`]: {
      metric: need(m, "executionsFailed", what),
      threshold: 0,
      description: `${what}: an execution failed`,
    },
    [`${workflow}-timed-out`]: {
      metric: need(m, "executionsTimedOut", what),
      threshold: 0,
      description: `${what}: an execution timed out`,
    },
  };
}

/** A provisioned Redshift cluster's alarms: CPU and disk (15 minutes over the threshold), health. */
export function warehouseAlarmRules(
  m: KeyMetrics,
  t: Pick<AlarmThresholds, "warehouseCpuPercent" | "warehouseDiskPercent">,
): Record<string, AlarmRule> {
  return {
    "warehouse-cpu": {
      metric: need(m, "cpuPercent", "the warehouse"),
      threshold: t.warehouseCpuPercent,
      evaluationPeriods: 3,
      description: `warehouse: CPU above ${t.warehouseCpuPercent}% for 15 minutes`,
    },
    "warehouse-disk": {
      metric: need(m, "diskPercent", "the warehouse"),
      threshold: t.warehouseDiskPercent,
      description: `warehouse: disk space used above ${t.warehouseDiskPercent}%`,
    },
    "warehouse-health": {
      metric: need(m, "healthStatus", "the warehouse"),
      threshold: 1,
      comparison: "LessThanThreshold",
      evaluationPeriods: 5,
      treatMissingData: "breaching",
      description: "warehouse: the cluster reports unhealthy (HealthStatus 0) for 5 minutes",
    },
  };
}

/** Spark's alarms: failed applications and, on a cluster, HDFS utilisation and unhealthy nodes. */
export function sparkAlarmRules(
  m: KeyMetrics,
  t: Pick<AlarmThresholds, "emrHdfsPercent">,
): Record<string, AlarmRule> {
  if (m.failedJobs) {
    return {
      "spark-failed-jobs": {
        metric: m.failedJobs,
        threshold: 0,
        description: "spark: an EMR Serverless job run failed",
      },
    };
  }
  return {
    "spark-apps-failed": {
      metric: need(m, "appsFailed", "the EMR cluster"),
      threshold: 0,
      description: "spark: a YARN application failed on the EMR cluster",
    },
    "spark-hdfs": {
      metric: need(m, "hdfsUtilizationPercent", "the EMR cluster"),
      threshold: t.emrHdfsPercent,
      evaluationPeriods: 3,
      description: `spark: HDFS above ${t.emrHdfsPercent}% for 15 minutes`,
    },
    "spark-unhealthy-nodes": {
      metric: need(m, "unhealthyNodes", "the EMR cluster"),
      threshold: 0,
      evaluationPeriods: 2,
      description: "spark: the cluster has unhealthy nodes",
    },
  };
}

/**
 * The serving cache's alarms: engine CPU and memory of every node (`redisNodeMetrics` keys
 * `engineCpuPercentNode001`…), so a replica or a promoted primary is watched too.
 */
export function cacheAlarmRules(
  m: KeyMetrics,
  t: Pick<AlarmThresholds, "cacheCpuPercent" | "cacheMemoryPercent">,
): Record<string, AlarmRule> {
  const rules: Record<string, AlarmRule> = {};
  for (const key of Object.keys(m)) {
    const node = /^engineCpuPercentNode(\d{3})$/.exec(key)?.[1];
    if (!node) continue;
    rules[`cache-cpu-${node}`] = {
      metric: m[key],
      threshold: t.cacheCpuPercent,
      evaluationPeriods: 3,
      description: `cache: Redis engine CPU of node ${node} above ${t.cacheCpuPercent}% for 15 minutes`,
    };
    rules[`cache-memory-${node}`] = {
      metric: need(m, `memoryPercentNode${node}`, "the cache"),
      threshold: t.cacheMemoryPercent,
      evaluationPeriods: 3,
      description: `cache: Redis memory of node ${node} above ${t.cacheMemoryPercent}% (evictions follow)`,
    };
  }
  if (!Object.keys(rules).length)
    throw new Error(
      `the cache exposes no per-node metric "engineCpuPercentNode001" (has ${Object.keys(m).join(", ")})`,
    );
  return rules;
}

/**
 * The lake's replication alarms: any failed replication operation, and latency beyond Replication
 * Time Control's 15 minutes (the lake's RPO in the DR region), per replicated zone.
 */
export function replicationAlarmRules(m: KeyMetrics): Record<string, AlarmRule> {
  const rules: Record<string, AlarmRule> = {};
  for (const key of Object.keys(m)) {
    const zone = /^(\w+?)ReplicationFailedOperations$/.exec(key)?.[1];
    if (!zone) continue;
    rules[`lake-${zone}-replication-failed`] = {
      metric: m[key],
      threshold: 0,
      description: `lake: objects of the ${zone} zone failed to replicate to the DR region`,
    };
    rules[`lake-${zone}-replication-latency`] = {
      metric: need(m, `${zone}ReplicationLatencySeconds`, "the lake"),
      threshold: 900,
      evaluationPeriods: 3,
      description: `lake: ${zone} zone replication lags more than 15 minutes behind (DR RPO)`,
    };
  }
  return rules;
}

import { z } from "zod";

const intIn = (min: number, max: number, what: string) =>
  z
    .number({ error: `an integer from ${min} to ${max} (${what})` })
    .int({ error: `an integer from ${min} to ${max} (${what})` })
    .min(min, { error: `an integer from ${min} to ${max} (${what})` })
    .max(max, { error: `an integer from ${min} to ${max} (${what})` });

const percent = (what: string) => intIn(1, 1000, `percent of the monthly budget (${what})`);

/**
 * Alarm thresholds of every layer (`data-platform:alarms`). Domains read the same values from the
 * environment's defaults. Each threshold is the value above which the alarm fires.
 */
export const AlarmsSchema = z.strictObject({
  /** Stream iterator age in milliseconds (the processor falls behind). Default 60,000. */
  iteratorAgeMs: intIn(1_000, 86_400_000, "milliseconds"),
  /** Firehose freshness in seconds (the lake stops receiving). Default 900. */
  deliveryFreshnessSeconds: intIn(60, 86_400, "seconds"),
  /** Processor p99 duration in milliseconds. Default 10,000. */
  processorDurationP99Ms: intIn(100, 900_000, "milliseconds"),
  /** Serving-table write latency (average, ms). Default 50. */
  tableLatencyMs: intIn(1, 10_000, "milliseconds"),
  /** Redshift CPU utilisation in percent. Default 90. */
  warehouseCpuPercent: intIn(1, 100, "percent"),
  /** Redshift disk space used in percent. Default 80. */
  warehouseDiskPercent: intIn(1, 100, "percent"),
  /** EMR cluster: HDFS utilisation in percent. Default 80. */
  emrHdfsPercent: intIn(1, 100, "percent"),
  /** Redis engine CPU in percent. Default 80. */
  cacheCpuPercent: intIn(1, 100, "percent"),
  /** Redis memory used in percent. Default 80. */
  cacheMemoryPercent: intIn(1, 100, "percent"),
});

/** Notification channels besides the alarm topic (`data-platform:notifications`). */
export const NotificationsSchema = z.strictObject({
  /** AWS Chatbot Slack workspace id (after the one-time Chatbot console authorisation). Default none. */
  slackWorkspaceId: z
    .string()
    .regex(/^[A-Z0-9]{9,15}$/, { error: "a Slack workspace (team) id such as T0123ABCD" })
    .optional(),
  /** Slack channel id the alarms go to; required with `slackWorkspaceId`. Default none. */
  slackChannelId: z
    .string()
    .regex(/^[A-Z0-9]{9,15}$/, { error: "a Slack channel id such as C0123ABCD" })
    .optional(),
});

/** Backups (`data-platform:backup`): AWS Backup of the warehouse and the serving tables. */
export const BackupSchema = z.strictObject({
  /** AWS Backup plan for the warehouse and serving tables. Default true outside local. */
  enabled: z.boolean({ error: "true or false" }),
  /** `hourly` (prod, RPO 1 h) or `daily` (dev). */
  frequency: z.enum(["hourly", "daily"], { error: 'one of "hourly", "daily"' }),
  /** Days recovery points are kept. Default 7 (dev), 35 (prod). */
  retentionDays: intIn(1, 36_500, "days recovery points are kept"),
  /** Copy every recovery point to a vault in the DR region. Default true in prod. */
  copyToDrRegion: z.boolean({ error: "true or false" }),
  /** Days the DR-region copies are kept. Default 7 (dev), 35 (prod). */
  drRetentionDays: intIn(1, 36_500, "days DR copies are kept"),
  /** Days Redshift snapshots copied to the DR region are kept. Default 7. */
  warehouseSnapshotCopyDays: intIn(1, 35, "days copied Redshift snapshots are kept"),
});

/** The serving cache (`data-platform:cache`): ElastiCache Redis for the API's read-through cache. */
export const CacheSchema = z.strictObject({
  /** Create the Redis replication group. Default false (dev), true (prod). */
  enabled: z.boolean({ error: "true or false" }),
  /** Node type. Default cache.t4g.micro (dev), cache.r7g.large (prod). */
  nodeType: z
    .string()
    .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: "a node type such as cache.t4g.micro" }),
  /** Nodes (1 primary + replicas); at least 2 with automatic failover. Default 1 (dev), 2 (prod). */
  nodes: intIn(1, 6, "nodes in the replication group"),
  /** Automatic failover and Multi-AZ. Default true in prod. */
  multiAz: z.boolean({ error: "true or false" }),
  /** Days automatic snapshots are kept (0 turns them off). Default 1 (dev), 7 (prod). */
  snapshotRetentionDays: intIn(0, 35, "days snapshots are kept"),
});

/** Cost governance (`data-platform:cost`). */
export const CostSchema = z.strictObject({
  /** Monthly budget in USD for the environment. Default 500 (dev), 5,000 (prod). */
  monthlyBudgetUsd: z
    .number({ error: "a positive amount in USD" })
    .positive({ error: "a positive amount in USD" }),
  /** Alert when actual spend reaches these percentages of the budget. Default 80, 100. */
  actualAlertPercents: z.array(percent("actual")).min(1, { error: "at least one percentage" }),
  /** Alert when forecast spend reaches these percentages. Default 100. */
  forecastAlertPercents: z.array(percent("forecast")).min(1, { error: "at least one percentage" }),
  /** Cost anomaly alert when an anomaly's impact exceeds this many USD. Default 50 (dev), 200 (prod). */
  anomalyThresholdUsd: z
    .number({ error: "a positive amount in USD" })
    .positive({ error: "a positive amount in USD" }),
  /**
   * Activate the platform's tag keys as cost allocation tags (account-wide). Default false: AWS
   * refuses keys billing has not seen yet (up to 24 h after the first tagged resource) and refuses
   * member accounts of an organization, so activation is a second step, in the management (payer)
   * account, after the first deploy (docs/bootstrap.md, "Cost allocation tags").
   */
  activateTags: z.boolean({ error: "true or false" }),
});

export type AlarmsConfig = z.infer<typeof AlarmsSchema>;
export type BackupConfig = z.infer<typeof BackupSchema>;
export type CacheConfig = z.infer<typeof CacheSchema>;
export type CostConfig = z.infer<typeof CostSchema>;

const ALARMS = {
  iteratorAgeMs: 60_000,
  deliveryFreshnessSeconds: 900,
  processorDurationP99Ms: 10_000,
  tableLatencyMs: 50,
  warehouseCpuPercent: 90,
  warehouseDiskPercent: 80,
  emrHdfsPercent: 80,
  cacheCpuPercent: 80,
  cacheMemoryPercent: 80,
} as const;

/** The operations sections' defaults per environment (merged into `config/defaults.ts`). */
export const OPERATIONS_DEFAULTS = {
  local: {
    alarms: ALARMS,
    notifications: {},
    backup: {
      enabled: false,
      frequency: "daily",
      retentionDays: 1,
      copyToDrRegion: false,
      drRetentionDays: 1,
      warehouseSnapshotCopyDays: 1,
    },
    cache: {
      enabled: false,
      nodeType: "cache.t4g.micro",
      nodes: 1,
      multiAz: false,
      snapshotRetentionDays: 0,
    },
    cost: {
      monthlyBudgetUsd: 100,
      actualAlertPercents: [80, 100],
      forecastAlertPercents: [100],
      anomalyThresholdUsd: 20,
      activateTags: false,
    },
  },
  dev: {
    alarms: ALARMS,
    notifications: {},
    backup: {
      enabled: true,
      frequency: "daily",
      retentionDays: 7,
      copyToDrRegion: false,
      drRetentionDays: 7,
      warehouseSnapshotCopyDays: 1,
    },
    cache: { enabled: true, nodeType: "cache.t4g.micro", nodes: 1, multiAz: false, snapshotRetentionDays: 1 },
    cost: {
      monthlyBudgetUsd: 1_500,
      actualAlertPercents: [80, 100],
      forecastAlertPercents: [100],
      anomalyThresholdUsd: 50,
      activateTags: false,
    },
  },
  prod: {
    alarms: ALARMS,
    notifications: {},
    backup: {
      enabled: true,
      frequency: "hourly",
      retentionDays: 35,
      copyToDrRegion: true,
      drRetentionDays: 35,
      warehouseSnapshotCopyDays: 7,
    },
    cache: { enabled: true, nodeType: "cache.r7g.large", nodes: 2, multiAz: true, snapshotRetentionDays: 7 },
    cost: {
      monthlyBudgetUsd: 15_000,
      actualAlertPercents: [80, 100],
      forecastAlertPercents: [100],
      anomalyThresholdUsd: 200,
      activateTags: false,
    },
  },
} as const;

/** Issues of the operations sections that span fields (added to the platform schema's refinement). */
export function operationsIssues(c: {
  environment: string;
  notifications: z.infer<typeof NotificationsSchema>;
  backup: BackupConfig;
  cache: CacheConfig;
}): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  if (Boolean(c.notifications.slackWorkspaceId) !== Boolean(c.notifications.slackChannelId)) {
    const missing = c.notifications.slackWorkspaceId ? "slackChannelId" : "slackWorkspaceId";
    out.push({ path: ["notifications", missing], message: "set together with the other Slack id" });
  }
  if (c.cache.multiAz && c.cache.nodes < 2) {
    out.push({
      path: ["cache", "nodes"],
      message: "at least 2 with cache.multiAz (a primary and a replica)",
    });
  }
  if (c.environment === "prod") {
    if (c.backup.enabled && c.backup.frequency !== "hourly")
      out.push({ path: ["backup", "frequency"], message: '"hourly" in prod (RPO 1 hour)' });
    if (!c.backup.enabled) out.push({ path: ["backup", "enabled"], message: "true in prod (RPO 1 hour)" });
    if (!c.backup.copyToDrRegion)
      out.push({
        path: ["backup", "copyToDrRegion"],
        message: "true in prod (regional failover, RTO 2 hours)",
      });
    if (c.cache.enabled && !c.cache.multiAz)
      out.push({ path: ["cache", "multiAz"], message: "true in prod (automatic failover)" });
  }
  return out;
}

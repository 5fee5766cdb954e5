import { byName, flinkApplicationFixture, type PolicyFixture } from "../lib/fixtures";

export const fixtures: PolicyFixture[] = [
  {
    policy: "dynamodb-pitr",
    compliant: [
      {
        type: "aws:dynamodb/table:Table",
        name: "orders",
        inputs: { pointInTimeRecovery: { enabled: true } },
      },
    ],
    failing: { pitr: (rs) => delete byName(rs, "orders").inputs.pointInTimeRecovery },
  },
  {
    policy: "dynamodb-deletion-protection",
    compliant: [
      { type: "aws:dynamodb/table:Table", name: "orders", inputs: { deletionProtectionEnabled: true } },
    ],
    failing: {
      "deletion-protection": (rs) => (byName(rs, "orders").inputs.deletionProtectionEnabled = false),
    },
  },
  {
    policy: "kinesis-retention",
    config: { minimumHours: 168 },
    compliant: [{ type: "aws:kinesis/stream:Stream", name: "events", inputs: { retentionPeriod: 168 } }],
    failing: { retention: (rs) => delete byName(rs, "events").inputs.retentionPeriod },
  },
  {
    policy: "event-source-mapping-failure-handling",
    compliant: [
      {
        type: "aws:lambda/eventSourceMapping:EventSourceMapping",
        name: "events-processor",
        inputs: {
          eventSourceArn: "arn:aws:kinesis:us-east-1:123456789012:stream/events",
          functionName: "processor",
          startingPosition: "LATEST",
          maximumRetryAttempts: 3,
          maximumRecordAgeInSeconds: 3600,
          bisectBatchOnFunctionError: true,
          destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:us-east-1:123456789012:dlq" } },
          functionResponseTypes: ["ReportBatchItemFailures"],
        },
      },
      {
        type: "aws:lambda/eventSourceMapping:EventSourceMapping",
        name: "queue-processor",
        inputs: {
          eventSourceArn: "arn:aws:sqs:us-east-1:123456789012:work",
          functionName: "worker",
          functionResponseTypes: ["ReportBatchItemFailures"],
        },
      },
    ],
    failing: {
      "finite-retries": (rs) => (byName(rs, "events-processor").inputs.maximumRetryAttempts = -1),
      "finite-record-age": (rs) => delete byName(rs, "events-processor").inputs.maximumRecordAgeInSeconds,
      "on-failure-destination": (rs) => delete byName(rs, "events-processor").inputs.destinationConfig,
      "partial-batch-response": (rs) => delete byName(rs, "queue-processor").inputs.functionResponseTypes,
    },
  },
  {
    policy: "redshift-snapshots",
    compliant: [
      {
        type: "aws:redshift/cluster:Cluster",
        name: "warehouse",
        inputs: { automatedSnapshotRetentionPeriod: 7, allowVersionUpgrade: true },
      },
    ],
    failing: {
      retention: (rs) => (byName(rs, "warehouse").inputs.automatedSnapshotRetentionPeriod = 0),
      "version-upgrades": (rs) => (byName(rs, "warehouse").inputs.allowVersionUpgrade = false),
    },
  },
  {
    policy: "redshift-multi-az",
    compliant: [
      {
        type: "aws:redshift/cluster:Cluster",
        name: "warehouse",
        inputs: { multiAz: true, nodeType: "ra3.xlplus" },
      },
    ],
    failing: { "multi-az": (rs) => (byName(rs, "warehouse").inputs.multiAz = false) },
  },
  {
    policy: "s3-versioning",
    compliant: [
      { type: "aws:s3/bucket:Bucket", name: "raw", inputs: {} },
      {
        type: "aws:s3/bucketVersioning:BucketVersioning",
        name: "raw-versioning",
        inputs: { bucket: "raw-1", versioningConfiguration: { status: "Enabled" } },
        propertyDependencies: { bucket: ["raw"] },
      },
    ],
    failing: {
      missing: (rs) => (byName(rs, "raw-versioning").propertyDependencies = {}),
      enabled: (rs) => (byName(rs, "raw-versioning").inputs.versioningConfiguration.status = "Suspended"),
    },
  },
  {
    policy: "s3-replication-critical",
    compliant: [
      { type: "aws:s3/bucket:Bucket", name: "raw", inputs: { tags: { LakeBucketKind: "raw" } } },
      {
        type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        name: "raw-replication",
        inputs: {
          bucket: "raw-1",
          role: "arn:aws:iam::1:role/replication",
          rules: [{ id: "all", status: "Enabled", destination: { bucket: "arn:aws:s3:::raw-replica-1" } }],
        },
        propertyDependencies: { bucket: ["raw"], rules: ["raw-replica"] },
      },
      // The DR copy of the raw zone: a replication destination, not a source.
      { type: "aws:s3/bucket:Bucket", name: "raw-replica", inputs: { tags: { LakeBucketKind: "raw" } } },
      // Not a critical zone: no replication needed.
      { type: "aws:s3/bucket:Bucket", name: "scratch", inputs: { tags: { LakeBucketKind: "scratch" } } },
    ],
    failing: {
      missing: (rs) => (byName(rs, "raw-replication").propertyDependencies = {}),
      "enabled-rule": (rs) => (byName(rs, "raw-replication").inputs.rules[0].status = "Disabled"),
    },
  },
  {
    policy: "elasticache-multi-az",
    compliant: [
      {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        name: "cache",
        inputs: { numCacheClusters: 2, automaticFailoverEnabled: true, multiAzEnabled: true },
      },
    ],
    failing: {
      "automatic-failover": (rs) => (byName(rs, "cache").inputs.automaticFailoverEnabled = false),
      "multi-az": (rs) => delete byName(rs, "cache").inputs.multiAzEnabled,
    },
  },
  {
    policy: "backup-cross-region-copy",
    compliant: [
      {
        type: "aws:backup/plan:Plan",
        name: "backup",
        inputs: {
          name: "platform-prod-backup",
          rules: [
            {
              ruleName: "hourly",
              targetVaultName: "vault",
              schedule: "cron(0 * ? * * *)",
              copyActions: [{ destinationVaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:dr" }],
            },
          ],
        },
      },
    ],
    failing: { "copy-action": (rs) => delete byName(rs, "backup").inputs.rules[0].copyActions },
  },
  {
    policy: "flink-application-checkpointing",
    compliant: [flinkApplicationFixture()],
    failing: {
      checkpointing: (rs) =>
        (byName(
          rs,
          "windows",
        ).inputs.applicationConfiguration.flinkApplicationConfiguration.checkpointConfiguration.checkpointingEnabled =
          false),
      snapshots: (rs) =>
        (byName(
          rs,
          "windows",
        ).inputs.applicationConfiguration.applicationSnapshotConfiguration.snapshotsEnabled = false),
    },
  },
];

import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LakeBucket } from "./lakeBucket";
import type { BucketKind, LifecyclePolicy } from "./lifecycle";
import type { KeyMetrics } from "../observability/metrics";

/** The data zones of the lake, in the order data flows through them. */
export const LAKE_ZONES = ["raw", "processed", "curated"] as const;
export type LakeZone = (typeof LAKE_ZONES)[number];

/** Zones replicated by default: raw cannot be rebuilt, curated is what consumers rely on. */
export const DEFAULT_REPLICATED_ZONES: readonly LakeZone[] = ["raw", "curated"];

export interface DataLakeReplicationArgs {
  /** AWS provider of the DR region. Required. */
  readonly provider: aws.Provider;
  /** KMS key in the DR region for replicas. Required. */
  readonly replicaKmsKeyArn: pulumi.Input<string>;
  /** Zones to replicate. Default `raw` and `curated` (processed is rebuilt from raw). */
  readonly zones?: readonly LakeZone[];
  /** S3 Replication Time Control. Default true. */
  readonly replicationTimeControl?: boolean;
  /** Replicate delete markers. Default false. */
  readonly replicateDeleteMarkers?: boolean;
}

export interface DataLakeArgs {
  /** The lake key: SSE-KMS for zones, query results and artifacts. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Lifecycle fields per bucket kind, laid over `LIFECYCLE_DEFAULTS`. Default: the defaults. */
  readonly lifecycle?: Partial<Record<BucketKind, LifecyclePolicy>>;
  /** Cross-region replication of critical zones; pass it only where it is wanted (prod). Default: none. */
  readonly replication?: DataLakeReplicationArgs;
  /** Let `pulumi destroy` delete every lake bucket with its data. Default false: buckets are protected and retained. */
  readonly allowDestroyData?: boolean;
}

/**
 * The platform's lake storage: raw, processed and curated zones, an Athena query-result bucket, an
 * artifacts bucket (Glue scripts), and the access-log bucket every one of them logs to — plus, with
 * replication, replicas of the critical zones in the DR region and a DR access-log bucket.
 */
export class DataLake extends pulumi.ComponentResource {
  public readonly zones: Record<LakeZone, LakeBucket>;
  public readonly queryResults: LakeBucket;
  public readonly artifacts: LakeBucket;
  public readonly accessLogs: LakeBucket;
  /** Access-log bucket of the replicas, in the DR region (only with replication). */
  public readonly drAccessLogs?: LakeBucket;
  /**
   * Replication latency, failed operations and bytes pending per replicated zone (`rawReplication...`),
   * for dashboards and alarms; empty without replication.
   */
  public readonly keyMetrics: KeyMetrics = {};

  constructor(name: string, args: DataLakeArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:lake:DataLake", name, {}, opts);
    const allowDestroyData = args.allowDestroyData ?? false;
    const replicated = args.replication?.zones ?? DEFAULT_REPLICATED_ZONES;
    for (const z of replicated) {
      if (!(LAKE_ZONES as readonly string[]).includes(z)) {
        throw new pulumi.ResourceError(
          `DataLake ${name}: replication.zones contains ${JSON.stringify(z)}: allowed ${LAKE_ZONES.join(", ")}`,
          this,
        );
      }
    }

    // The access-log buckets admit only the lake's own buckets, which exist only after them: their
    // ARNs are resolved once every bucket is created (and to none if creating them fails).
    const [sources, resolveSources] = pulumi.deferredOutput<string[]>();
    const [drSources, resolveDrSources] = pulumi.deferredOutput<string[]>();
    this.accessLogs = new LakeBucket(
      `${name}-access-logs`,
      {
        kind: "accessLogs",
        serverAccessLogTarget: true,
        logSourceBucketArns: sources,
        lifecycle: args.lifecycle?.accessLogs,
        allowDestroyData,
      },
      { parent: this },
    );
    if (args.replication) {
      this.drAccessLogs = new LakeBucket(
        `${name}-dr-access-logs`,
        {
          kind: "accessLogs",
          serverAccessLogTarget: true,
          logSourceBucketArns: drSources,
          lifecycle: args.lifecycle?.accessLogs,
          allowDestroyData,
        },
        { parent: this, providers: { aws: args.replication.provider } },
      );
    }
    const accessLogs = (role: string) => ({ bucketName: this.accessLogs.bucketName, prefix: `${role}/` });
    const make = (kind: BucketKind, replicate: boolean) =>
      new LakeBucket(
        `${name}-${kind === "queryResults" ? "query-results" : kind}`,
        {
          kind,
          kmsKeyArn: args.kmsKeyArn,
          accessLogs: accessLogs(kind),
          lifecycle: args.lifecycle?.[kind],
          allowDestroyData,
          ...(replicate && args.replication && this.drAccessLogs
            ? {
                replication: {
                  provider: args.replication.provider,
                  replicaKmsKeyArn: args.replication.replicaKmsKeyArn,
                  replicaAccessLogBucket: this.drAccessLogs.bucketName,
                  replicationTimeControl: args.replication.replicationTimeControl,
                  replicateDeleteMarkers: args.replication.replicateDeleteMarkers,
                },
              }
            : {}),
        },
        { parent: this },
      );
    try {
      this.zones = {
        raw: make("raw", replicated.includes("raw")),
        processed: make("processed", replicated.includes("processed")),
        curated: make("curated", replicated.includes("curated")),
      };
      this.queryResults = make("queryResults", false);
      this.artifacts = make("artifacts", false);
    } catch (e) {
      resolveSources(pulumi.output([]));
      resolveDrSources(pulumi.output([]));
      throw e;
    }
    for (const [zone, bucket] of Object.entries(this.zones)) {
      const m = bucket.replicationMetrics();
      if (!m) continue;
      Object.assign(this.keyMetrics, {
        [`${zone}ReplicationLatencySeconds`]: m.latencySeconds,
        [`${zone}ReplicationFailedOperations`]: m.failedOperations,
        [`${zone}ReplicationBytesPending`]: m.bytesPending,
      });
    }
    const logged = [...Object.values(this.zones), this.queryResults, this.artifacts];
    resolveSources(pulumi.all(logged.map((b) => b.bucketArn)));
    resolveDrSources(pulumi.all(logged.flatMap((b) => (b.replica ? [b.replica.bucketArn] : []))));

    this.registerOutputs({
      rawBucketName: this.zones.raw.bucketName,
      processedBucketName: this.zones.processed.bucketName,
      curatedBucketName: this.zones.curated.bucketName,
      queryResultsBucketName: this.queryResults.bucketName,
      artifactsBucketName: this.artifacts.bucketName,
      accessLogsBucketName: this.accessLogs.bucketName,
    });
  }
}

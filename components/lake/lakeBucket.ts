import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  type BucketKind,
  BUCKET_KINDS,
  intelligentTieringTiers,
  lifecycleProblems,
  lifecycleRules,
  type LifecyclePolicy,
  resolveLifecycle,
} from "./lifecycle";
import { grantBucketAccess } from "./bucketGrant";
import { replicationMetrics } from "./metrics";
import { bucketPolicy, replicationPolicy, serviceTrustPolicy } from "./policies";

/** Id of the replication rule to the DR region. */
export const REPLICATION_RULE_ID = "to-dr-region";

/** What other components need to know about a lake bucket. */
export interface BucketRef {
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  /** Key of its SSE-KMS encryption; undefined for SSE-S3 buckets. */
  readonly kmsKeyArn?: pulumi.Input<string | undefined>;
}

/** Cross-region replication of a bucket to the DR region. */
export interface LakeBucketReplicationArgs {
  /** AWS provider of the DR region; the replica bucket is created with it. Required. */
  readonly provider: aws.Provider;
  /** KMS key in the DR region that encrypts replicas. Required. */
  readonly replicaKmsKeyArn: pulumi.Input<string>;
  /** Bucket in the DR region that receives the replica's server access logs. Required. */
  readonly replicaAccessLogBucket: pulumi.Input<string>;
  /** S3 Replication Time Control (99.99% of objects within 15 minutes, with metrics). Default true. */
  readonly replicationTimeControl?: boolean;
  /** Replicate delete markers, so a delete also hides the DR copy. Default false. */
  readonly replicateDeleteMarkers?: boolean;
}

export interface LakeBucketArgs {
  /** What the bucket holds; selects the default lifecycle (`LIFECYCLE_DEFAULTS`). Required. */
  readonly kind: BucketKind;
  /** KMS key for SSE-KMS default encryption (with an S3 Bucket Key). Required unless `serverAccessLogTarget`. */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /**
   * Make this the destination of S3 server access logs: SSE-S3 encryption (server access log delivery
   * does not write to SSE-KMS default-encrypted buckets), a delivery statement for
   * `logging.s3.amazonaws.com`, and no access logging of its own. Default false.
   */
  readonly serverAccessLogTarget?: boolean;
  /** Buckets allowed to deliver logs here (with `serverAccessLogTarget`). Default: any bucket of the account. */
  readonly logSourceBucketArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Where this bucket's server access logs go (same region). Required unless `serverAccessLogTarget`. */
  readonly accessLogs?: {
    /** Name of the access-log bucket. */
    readonly bucketName: pulumi.Input<string>;
    /** Key prefix of this bucket's logs. Default `<name>/`. */
    readonly prefix?: string;
  };
  /** Lifecycle fields laid over the kind's defaults. Default: the kind's defaults. */
  readonly lifecycle?: LifecyclePolicy;
  /** Replicate to the DR region. Default: no replication. */
  readonly replication?: LakeBucketReplicationArgs;
  /**
   * Let `pulumi destroy` delete the bucket and every object in it (`forceDestroy`, no `protect`, no
   * `retainOnDelete`). Default false: the bucket is protected and retained.
   */
  readonly allowDestroyData?: boolean;
}

/** Options of `grantRead` / `grantWrite`. */
export interface GrantOptions {
  /** Key prefix the grant is limited to. Default: the whole bucket. */
  readonly prefix?: string;
  /** Distinguishes several grants to one role. Default: the role's Pulumi name. */
  readonly key?: string;
}

/** Every reason the arguments are inconsistent, naming the field. */
export function lakeBucketProblems(args: LakeBucketArgs): string[] {
  const problems: string[] = [];
  if (!(BUCKET_KINDS as readonly string[]).includes(args.kind)) {
    problems.push(`kind = ${JSON.stringify(args.kind)}: one of ${BUCKET_KINDS.join(", ")}`);
  }
  if (args.serverAccessLogTarget) {
    if (args.kmsKeyArn !== undefined)
      problems.push(
        "kmsKeyArn: must be omitted with serverAccessLogTarget (S3 server access logs are delivered only to SSE-S3 buckets)",
      );
    if (args.accessLogs !== undefined)
      problems.push(
        "accessLogs: must be omitted with serverAccessLogTarget (a log bucket does not log itself)",
      );
    if (args.replication !== undefined) problems.push("replication: not supported for an access-log bucket");
  } else {
    if (args.kmsKeyArn === undefined)
      problems.push("kmsKeyArn: required (lake buckets are SSE-KMS encrypted with the lake key)");
    if (args.accessLogs === undefined)
      problems.push("accessLogs: required (every lake bucket logs its requests to the access-log bucket)");
  }
  if (args.logSourceBucketArns !== undefined && !args.serverAccessLogTarget) {
    problems.push("logSourceBucketArns: only with serverAccessLogTarget");
  }
  if (args.kind && (BUCKET_KINDS as readonly string[]).includes(args.kind)) {
    problems.push(...lifecycleProblems(resolveLifecycle(args.kind, args.lifecycle)));
  }
  return problems;
}

/**
 * One lake bucket, secure by construction: SSE-KMS with the given key and an S3 Bucket Key (SSE-S3
 * only for access-log targets), public access blocked, ACLs disabled (BucketOwnerEnforced), a
 * TLS-only bucket policy, versioning, server access logging, a lifecycle, Intelligent-Tiering
 * archive tiers when configured, optional replication to a replica just as secure in the DR region,
 * and protected/retained unless `allowDestroyData`.
 *
 * @example
 * const raw = new LakeBucket("lake-raw", { kind: "raw", kmsKeyArn: key.arn, accessLogs: { bucketName: logs.bucketName } });
 * raw.grantWrite(firehoseRole, { prefix: "orders/events/" });
 */
export class LakeBucket extends pulumi.ComponentResource implements BucketRef {
  public readonly bucket: aws.s3.Bucket;
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string | undefined>;
  /** Region of the bucket. */
  public readonly region: pulumi.Output<string>;
  public readonly versioning: aws.s3.BucketVersioning;
  /** The replica in the DR region, when replication is on. */
  public readonly replica?: LakeBucket;
  public readonly replicationRole?: aws.iam.Role;

  private readonly componentName: string;

  constructor(name: string, args: LakeBucketArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:lake:LakeBucket", name, {}, opts);
    this.componentName = name;
    const problems = lakeBucketProblems(args);
    if (problems.length) {
      throw new pulumi.ResourceError(
        `LakeBucket ${name}: invalid arguments:\n  - ${problems.join("\n  - ")}`,
        this,
      );
    }
    const allowDestroy = args.allowDestroyData ?? false;
    const lifecycle = resolveLifecycle(args.kind, args.lifecycle);
    const kms = !args.serverAccessLogTarget;
    const child = { parent: this };

    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { forceDestroy: allowDestroy, tags: { LakeBucketKind: args.kind } },
      { parent: this, protect: !allowDestroy, retainOnDelete: !allowDestroy },
    );
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.kmsKeyArn = pulumi.output(args.kmsKeyArn) as pulumi.Output<string | undefined>;
    this.region = aws.getRegionOutput({}, child).region;
    const account = aws.getCallerIdentityOutput({}, child).accountId;

    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: this.bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: this.bucket.id,
        rules: [
          kms
            ? {
                applyServerSideEncryptionByDefault: {
                  sseAlgorithm: "aws:kms",
                  kmsMasterKeyId: args.kmsKeyArn,
                },
                bucketKeyEnabled: true,
              }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      },
      child,
    );
    this.versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } },
      child,
    );
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: this.bucket.id,
        policy: pulumi
          .all([this.bucketArn, account, pulumi.output(args.logSourceBucketArns ?? [])])
          .apply(([arn, accountId, sources]) =>
            JSON.stringify(
              bucketPolicy({
                bucketArn: arn,
                kmsEncrypted: kms,
                ...(args.serverAccessLogTarget
                  ? { accessLogTarget: { accountId, sourceBucketArns: sources } }
                  : {}),
              }),
            ),
          ),
      },
      { parent: this, dependsOn: [publicAccess, ownership] },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      { bucket: this.bucket.id, rules: lifecycleRules(lifecycle) },
      { parent: this, dependsOn: [this.versioning] },
    );
    const tiers = intelligentTieringTiers(lifecycle);
    if (tiers.length) {
      new aws.s3.BucketIntelligentTieringConfiguration(
        `${name}-tiering`,
        { bucket: this.bucket.id, name: "lake-archive-tiers", status: "Enabled", tierings: tiers },
        child,
      );
    }
    if (args.accessLogs) {
      new aws.s3.BucketLogging(
        `${name}-access-logging`,
        {
          bucket: this.bucket.id,
          targetBucket: args.accessLogs.bucketName,
          targetPrefix: args.accessLogs.prefix ?? `${name}/`,
          targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        },
        child,
      );
    }

    if (args.replication) {
      const r = args.replication;
      const rtc = r.replicationTimeControl ?? true;
      this.replica = new LakeBucket(
        `${name}-replica`,
        {
          kind: args.kind,
          kmsKeyArn: r.replicaKmsKeyArn,
          accessLogs: { bucketName: r.replicaAccessLogBucket, prefix: `${name}-replica/` },
          lifecycle: args.lifecycle,
          allowDestroyData: allowDestroy,
        },
        { parent: this, providers: { aws: r.provider } },
      );
      this.replicationRole = new aws.iam.Role(
        `${name}-replication`,
        {
          description: `S3 replication of ${name} to the DR region`,
          assumeRolePolicy: account.apply((a) => JSON.stringify(serviceTrustPolicy("s3.amazonaws.com", a))),
        },
        child,
      );
      const replicaRef = this.replica;
      const policy = new aws.iam.RolePolicy(
        `${name}-replication`,
        {
          role: this.replicationRole.name,
          policy: pulumi
            .all([
              this.bucketArn,
              args.kmsKeyArn!,
              this.region,
              replicaRef.bucketArn,
              r.replicaKmsKeyArn,
              replicaRef.region,
            ])
            .apply(
              ([
                sourceBucketArn,
                sourceKeyArn,
                sourceRegion,
                replicaBucketArn,
                replicaKeyArn,
                replicaRegion,
              ]) =>
                JSON.stringify(
                  replicationPolicy({
                    sourceBucketArn,
                    sourceKeyArn,
                    sourceRegion,
                    replicaBucketArn,
                    replicaKeyArn,
                    replicaRegion,
                  }),
                ),
            ),
        },
        child,
      );
      new aws.s3.BucketReplicationConfig(
        `${name}-replication`,
        {
          bucket: this.bucket.id,
          role: this.replicationRole.arn,
          rules: [
            {
              id: REPLICATION_RULE_ID,
              status: "Enabled",
              priority: 1,
              filter: {},
              deleteMarkerReplication: { status: r.replicateDeleteMarkers ? "Enabled" : "Disabled" },
              sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
              destination: {
                bucket: replicaRef.bucketArn,
                encryptionConfiguration: { replicaKmsKeyId: r.replicaKmsKeyArn },
                ...(rtc
                  ? {
                      replicationTime: { status: "Enabled", time: { minutes: 15 } },
                      metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                    }
                  : {}),
              },
            },
          ],
        },
        { parent: this, dependsOn: [this.versioning, replicaRef.versioning, policy] },
      );
    }

    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      kmsKeyArn: this.kmsKeyArn,
      replicaBucketArn: this.replica?.bucketArn,
    });
  }

  private grant(
    access: "read" | "write",
    role: aws.iam.Role,
    opts: GrantOptions & { allowDelete?: boolean },
  ): aws.iam.RolePolicy {
    const key = opts.key ?? pulumi.resourceName(role);
    try {
      return grantBucketAccess(
        `${this.componentName}-${access}-${key}`,
        { role, bucket: this, access, prefix: opts.prefix, allowDelete: opts.allowDelete },
        { parent: this },
      );
    } catch (e) {
      throw new pulumi.ResourceError(`LakeBucket ${this.componentName}: ${(e as Error).message}`, this);
    }
  }

  /** Lets `role` list and read objects (under `prefix`) and decrypt them with the bucket's key via S3. */
  grantRead(role: aws.iam.Role, opts: GrantOptions = {}): aws.iam.RolePolicy {
    return this.grant("read", role, opts);
  }

  /**
   * Lets `role` write objects (under `prefix`) encrypted with the bucket's key via S3. Deleting takes
   * `allowDelete` (Spark's output committers delete their temporary files).
   */
  grantWrite(
    role: aws.iam.Role,
    opts: GrantOptions & { readonly allowDelete?: boolean } = {},
  ): aws.iam.RolePolicy {
    return this.grant("write", role, opts);
  }

  /** Replication latency, failures and backlog to the DR replica; undefined without replication. */
  replicationMetrics(): ReturnType<typeof replicationMetrics> | undefined {
    return this.replica
      ? replicationMetrics(this.bucketName, this.replica.bucketName, REPLICATION_RULE_ID)
      : undefined;
  }
}

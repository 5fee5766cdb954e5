import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type ArgProblem, describeProblems } from "../batch/args";
import { assumeRolePolicy, partitionOf, policyDocument, type PolicyDocument } from "../batch/iam";
import { physicalName } from "../batch/names";
import * as perms from "./perms";

export interface AirflowEnvironmentArgs {
  /** Exactly two private subnets in different AZs (MWAA requirement). */
  readonly subnetIds: pulumi.Input<string>[];
  /** Security groups of the environment (self-referencing ingress, HTTPS egress). */
  readonly securityGroupIds: pulumi.Input<string>[];
  /** Customer managed key of the environment and its DAG bucket. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Bucket (name) receiving the DAG bucket's S3 access logs. */
  readonly accessLogBucket: pulumi.Input<string>;
  /** Prefix of those access logs. Default `mwaa/<name>/`. */
  readonly accessLogPrefix?: string;
  /** Airflow version. Default `2.10.3`. */
  readonly airflowVersion?: string;
  /** Environment class. Default `mw1.small`. */
  readonly environmentClass?: string;
  /** Workers, at least `minWorkers`. Default 1 to 5. */
  readonly minWorkers?: number;
  readonly maxWorkers?: number;
  /** Level of every Airflow log (DAG processing, scheduler, task, webserver, worker). Default `INFO`. */
  readonly logLevel?: "CRITICAL" | "ERROR" | "WARNING" | "INFO" | "DEBUG";
  /** Let `pulumi destroy` delete the DAG bucket with its objects. Default false. */
  readonly allowDestroyData?: boolean;
}

const DEFAULTS = {
  airflowVersion: "2.10.3",
  environmentClass: "mw1.small",
  minWorkers: 1,
  maxWorkers: 5,
  logLevel: "INFO",
  allowDestroyData: false,
} as const;

/** Airflow log kinds MWAA can publish; all are on. */
export const AIRFLOW_LOG_KINDS = [
  "dagProcessingLogs",
  "schedulerLogs",
  "taskLogs",
  "webserverLogs",
  "workerLogs",
] as const;

/** Problems with the environment's arguments. */
export function airflowProblems(a: {
  subnetCount: number;
  minWorkers: number;
  maxWorkers: number;
  airflowVersion: string;
}): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (a.subnetCount !== 2)
    problems.push({
      field: "subnetIds",
      value: `${a.subnetCount} subnet(s)`,
      allowed: "exactly 2 private subnets in different AZs (MWAA)",
    });
  if (!Number.isInteger(a.minWorkers) || a.minWorkers < 1 || a.minWorkers > 25)
    problems.push({ field: "minWorkers", value: a.minWorkers, allowed: "an integer from 1 to 25" });
  if (!Number.isInteger(a.maxWorkers) || a.maxWorkers < a.minWorkers || a.maxWorkers > 25)
    problems.push({
      field: "maxWorkers",
      value: a.maxWorkers,
      allowed: `an integer from minWorkers (${a.minWorkers}) to 25`,
    });
  if (!/^[23]\.\d+\.\d+$/.test(a.airflowVersion))
    problems.push({
      field: "airflowVersion",
      value: a.airflowVersion,
      allowed: "an MWAA Airflow version such as 2.10.3",
    });
  return problems;
}

/**
 * The MWAA execution role's policy (AWS's documented minimum for a customer-managed key): metrics of
 * this environment, read its DAG bucket, its own log groups and Celery queues, the key only through
 * SQS and S3. Account-level checks MWAA makes have no resource-level permission and sit on `*`.
 */
export function airflowExecutionPolicy(a: {
  environmentName: string;
  region: string;
  accountId: string;
  bucketArn: string;
  kmsKeyArn: string;
}): PolicyDocument {
  const partition = partitionOf(a.kmsKeyArn);
  return policyDocument([
    {
      Sid: "PublishMetrics",
      Effect: "Allow",
      Action: [...perms.AIRFLOW_METRICS_ACTIONS],
      Resource: `arn:${partition}:airflow:${a.region}:${a.accountId}:environment/${a.environmentName}`,
    },
    {
      Sid: "ReadDags",
      Effect: "Allow",
      Action: [...perms.AIRFLOW_BUCKET_ACTIONS],
      Resource: [a.bucketArn, `${a.bucketArn}/*`],
    },
    {
      Sid: "OwnLogs",
      Effect: "Allow",
      Action: [...perms.AIRFLOW_LOG_ACTIONS],
      Resource: `arn:${partition}:logs:${a.region}:${a.accountId}:log-group:airflow-${a.environmentName}-*`,
    },
    { Sid: "AccountChecks", Effect: "Allow", Action: [...perms.AIRFLOW_ACCOUNT_ACTIONS], Resource: "*" },
    {
      Sid: "CeleryQueues",
      Effect: "Allow",
      Action: [...perms.AIRFLOW_QUEUE_ACTIONS],
      Resource: `arn:${partition}:sqs:${a.region}:*:airflow-celery-*`,
    },
    {
      Sid: "UseKeyThroughSqsAndS3",
      Effect: "Allow",
      Action: [...perms.AIRFLOW_KMS_ACTIONS],
      Resource: a.kmsKeyArn,
      Condition: {
        StringLike: { "kms:ViaService": [`sqs.${a.region}.amazonaws.com`, `s3.${a.region}.amazonaws.com`] },
      },
    },
  ]);
}

/** TLS-only bucket policy. */
export function tlsOnlyBucketPolicy(bucketArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
}

/**
 * Managed Airflow (MWAA) behind the `batch.mwaa` switch: private web server, customer-managed KMS key,
 * every log kind on, DAG bucket with the lake's S3 hardening (SSE-KMS with bucket keys, public access
 * blocked, BucketOwnerEnforced, versioning, access logs, TLS only), least-privilege execution role.
 */
export class AirflowEnvironment extends pulumi.ComponentResource {
  readonly environmentArn: pulumi.Output<string>;
  readonly dagBucketName: pulumi.Output<string>;
  readonly executionRoleArn: pulumi.Output<string>;
  /** The execution role, for grants (`spark.grantSubmit("airflow", airflow.executionRole)`). */
  readonly executionRole: aws.iam.Role;

  constructor(name: string, args: AirflowEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:orchestration:AirflowEnvironment", name, {}, opts);
    const minWorkers = args.minWorkers ?? DEFAULTS.minWorkers;
    const maxWorkers = args.maxWorkers ?? DEFAULTS.maxWorkers;
    const airflowVersion = args.airflowVersion ?? DEFAULTS.airflowVersion;
    const problems = airflowProblems({
      subnetCount: args.subnetIds.length,
      minWorkers,
      maxWorkers,
      airflowVersion,
    });
    if (problems.length)
      throw new pulumi.ResourceError(describeProblems(`AirflowEnvironment "${name}"`, problems), this);
    const allowDestroy = args.allowDestroyData ?? DEFAULTS.allowDestroyData;
    const environmentName = physicalName([pulumi.getProject(), pulumi.getStack(), name], { maxLength: 80 });

    const bucket = new aws.s3.Bucket(
      `${name}-dags`,
      { bucketPrefix: "airflow-", forceDestroy: allowDestroy },
      { parent: this, retainOnDelete: !allowDestroy },
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-dags`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-dags`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-dags`,
      {
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
            bucketKeyEnabled: true,
          },
        ],
      },
      { parent: this },
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-dags`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
    new aws.s3.BucketLogging(
      `${name}-dags`,
      {
        bucket: bucket.id,
        targetBucket: args.accessLogBucket,
        targetPrefix: args.accessLogPrefix ?? `mwaa/${name}/`,
      },
      { parent: this },
    );
    const bucketPolicy = new aws.s3.BucketPolicy(
      `${name}-dags`,
      { bucket: bucket.id, policy: bucket.arn.apply(tlsOnlyBucketPolicy) },
      { parent: this, dependsOn: [publicAccess] },
    );

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this });
    const role = new aws.iam.Role(
      `${name}-execution`,
      {
        description: `MWAA execution role of ${environmentName}`,
        assumeRolePolicy: identity.accountId.apply((acct) =>
          assumeRolePolicy(["airflow.amazonaws.com", "airflow-env.amazonaws.com"], acct),
        ),
      },
      { parent: this },
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-execution`,
      {
        role: role.id,
        policy: pulumi
          .all([region.region, identity.accountId, bucket.arn, args.kmsKeyArn])
          .apply(([r, accountId, bucketArn, kmsKeyArn]) =>
            JSON.stringify(
              airflowExecutionPolicy({ environmentName, region: r, accountId, bucketArn, kmsKeyArn }),
            ),
          ),
      },
      { parent: this },
    );

    const logLevel = args.logLevel ?? DEFAULTS.logLevel;
    const logging = Object.fromEntries(AIRFLOW_LOG_KINDS.map((k) => [k, { enabled: true, logLevel }]));
    const environment = new aws.mwaa.Environment(
      `${name}-environment`,
      {
        name: environmentName,
        airflowVersion,
        environmentClass: args.environmentClass ?? DEFAULTS.environmentClass,
        minWorkers,
        maxWorkers,
        executionRoleArn: role.arn,
        sourceBucketArn: bucket.arn,
        dagS3Path: "dags/",
        kmsKey: args.kmsKeyArn,
        webserverAccessMode: "PRIVATE_ONLY",
        endpointManagement: "SERVICE",
        networkConfiguration: { subnetIds: args.subnetIds, securityGroupIds: args.securityGroupIds },
        loggingConfiguration: logging,
      },
      { parent: this, dependsOn: [rolePolicy, encryption, versioning, bucketPolicy] },
    );

    this.environmentArn = environment.arn;
    this.dagBucketName = bucket.bucket;
    this.executionRoleArn = role.arn;
    this.executionRole = role;
    this.registerOutputs({
      environmentArn: environment.arn,
      dagBucketName: bucket.bucket,
      executionRoleArn: role.arn,
    });
  }
}

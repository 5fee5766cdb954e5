import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountContext } from "./account";
import { AuditBucket } from "./auditBucket";
import {
  type AccountContext,
  policyDocument,
  type PolicyDocument,
  policyJson,
  serviceTrustPolicy,
} from "./documents";
import {
  CONFIG_BUCKET_ACL_ACTIONS,
  CONFIG_BUCKET_WRITE_ACTIONS,
  CONFIG_DELIVERY_KEY_ACTIONS,
  CONFIG_ROLE_MANAGED_POLICY,
} from "./perms";

/** An AWS managed Config rule and the platform control it mirrors. */
export interface ManagedRule {
  /** The managed rule's source identifier. */
  readonly identifier: string;
  /** The platform control it checks, as the rule's description. */
  readonly description: string;
  /** The rule's parameters. Default none. */
  readonly inputParameters?: Record<string, string>;
}

/**
 * Managed rules mirroring what the platform's components enforce and its policy pack checks:
 * encryption at rest, encryption in transit, public access, logging and audit, resilience, keys.
 * `minLogRetentionDays` is the shortest retention the environment's log groups may have.
 */
export function platformConfigRules(minLogRetentionDays: number): ManagedRule[] {
  return [
    ...PLATFORM_CONFIG_RULES,
    {
      identifier: "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
      description: `Log groups keep records at least ${minLogRetentionDays} days`,
      inputParameters: { MinRetentionTime: String(minLogRetentionDays) },
    },
  ];
}

const PLATFORM_CONFIG_RULES: readonly ManagedRule[] = [
  { identifier: "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", description: "Buckets are encrypted at rest" },
  { identifier: "S3_BUCKET_PUBLIC_READ_PROHIBITED", description: "No bucket allows public reads" },
  { identifier: "S3_BUCKET_PUBLIC_WRITE_PROHIBITED", description: "No bucket allows public writes" },
  {
    identifier: "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
    description: "Every bucket blocks public access",
  },
  { identifier: "S3_BUCKET_SSL_REQUESTS_ONLY", description: "Buckets refuse requests without TLS" },
  { identifier: "S3_BUCKET_VERSIONING_ENABLED", description: "Buckets keep object versions" },
  { identifier: "CLOUD_TRAIL_ENCRYPTION_ENABLED", description: "CloudTrail log files are KMS-encrypted" },
  {
    identifier: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
    description: "CloudTrail log file validation is on",
  },
  {
    identifier: "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED",
    description: "CloudTrail sends events to CloudWatch Logs",
  },
  { identifier: "MULTI_REGION_CLOUD_TRAIL_ENABLED", description: "A multi-region trail records the account" },
  { identifier: "VPC_FLOW_LOGS_ENABLED", description: "VPCs have flow logs" },
  { identifier: "VPC_DEFAULT_SECURITY_GROUP_CLOSED", description: "Default security groups allow nothing" },
  { identifier: "INCOMING_SSH_DISABLED", description: "No security group admits SSH from anywhere" },
  { identifier: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", description: "Subnets do not hand out public IPs" },
  { identifier: "KINESIS_STREAM_ENCRYPTED", description: "Kinesis streams are encrypted" },
  { identifier: "DYNAMODB_PITR_ENABLED", description: "DynamoDB tables have point-in-time recovery" },
  { identifier: "REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK", description: "Redshift clusters are not public" },
  { identifier: "REDSHIFT_REQUIRE_TLS_SSL", description: "Redshift clusters require TLS" },
  { identifier: "CMK_BACKING_KEY_ROTATION_ENABLED", description: "Customer-managed keys rotate" },
  { identifier: "CLOUDWATCH_LOG_GROUP_ENCRYPTED", description: "Log groups are KMS-encrypted" },
  {
    identifier: "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED",
    description: "No Lambda function is publicly invocable",
  },
  {
    identifier: "SECRETSMANAGER_USING_CMK",
    description: "Secrets are encrypted with a customer-managed key",
  },
  {
    identifier: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
    description: "No customer policy grants * on *",
  },
];

/** Logical-name suffix of a rule: `S3_BUCKET_SSL_REQUESTS_ONLY` → `s3-bucket-ssl-requests-only`. */
export const ruleName = (identifier: string) => identifier.toLowerCase().replace(/_/g, "-");

/** What the recorder role needs beyond the managed policy: deliver to its bucket with its key. */
export function configDeliveryPolicy(
  bucketArn: string,
  kmsKeyArn: string,
  ctx: AccountContext,
): PolicyDocument {
  return policyDocument(
    {
      Sid: "ConfigChecksTheBucketAcl",
      Effect: "Allow",
      Action: [...CONFIG_BUCKET_ACL_ACTIONS],
      Resource: bucketArn,
    },
    {
      Sid: "ConfigDeliversSnapshotsAndHistory",
      Effect: "Allow",
      Action: [...CONFIG_BUCKET_WRITE_ACTIONS],
      Resource: `${bucketArn}/AWSLogs/${ctx.accountId}/Config/*`,
    },
    {
      Sid: "ConfigEncryptsDeliveriesWithTheLogsKey",
      Effect: "Allow",
      Action: [...CONFIG_DELIVERY_KEY_ACTIONS],
      Resource: kmsKeyArn,
    },
  );
}

export interface ConfigRecorderArgs {
  /** KMS key (logs data class) for the delivery bucket and deliveries. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days the delivered files are kept (Glacier after 90). Default 365. */
  readonly objectExpirationDays?: number;
  /** Managed rules to evaluate. Default `platformConfigRules(365)`. */
  readonly rules?: readonly ManagedRule[];
  /** Record global resources (IAM) in this region. Default true; set false in every other region of the account. */
  readonly includeGlobalResourceTypes?: boolean;
}

/**
 * AWS Config for the account and region: a recorder of every supported resource type (global ones
 * too), a delivery channel to a dedicated `AuditBucket`, the recorder switched on, and managed rules
 * that mirror the platform's controls. The recorder role carries the AWS managed `AWS_ConfigRole`
 * (read-only configuration access, not a FullAccess policy) plus delivery to its own bucket only.
 */
export class ConfigRecorder extends pulumi.ComponentResource {
  readonly recorder: aws.cfg.Recorder;
  readonly bucket: AuditBucket;
  readonly role: aws.iam.Role;
  readonly rules: aws.cfg.Rule[];

  constructor(name: string, args: ConfigRecorderArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:security:ConfigRecorder", name, {}, opts);
    const parent = { parent: this };
    const ctx = accountContext(this);

    this.bucket = new AuditBucket(
      `${name}-files`,
      { kmsKeyArn: args.kmsKeyArn, expirationDays: args.objectExpirationDays },
      parent,
    );
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `AWS Config recorder ${name}`,
        assumeRolePolicy: policyJson(ctx.apply((c) => serviceTrustPolicy("config.amazonaws.com", c))),
      },
      parent,
    );
    const managed = new aws.iam.RolePolicyAttachment(
      `${name}-role-config`,
      {
        role: this.role.name,
        policyArn: ctx.apply((c) => `arn:${c.partition}:iam::aws:${CONFIG_ROLE_MANAGED_POLICY}`),
      },
      parent,
    );
    const delivery = new aws.iam.RolePolicy(
      `${name}-role-delivery`,
      {
        role: this.role.id,
        policy: policyJson(
          pulumi
            .all([this.bucket.arn, pulumi.output(args.kmsKeyArn), ctx])
            .apply(([bucket, key, c]) => configDeliveryPolicy(bucket, key, c)),
        ),
      },
      parent,
    );

    this.recorder = new aws.cfg.Recorder(
      `${name}`,
      {
        roleArn: this.role.arn,
        recordingGroup: {
          allSupported: true,
          includeGlobalResourceTypes: args.includeGlobalResourceTypes ?? true,
        },
      },
      { ...parent, dependsOn: [managed] },
    );
    const channel = new aws.cfg.DeliveryChannel(
      `${name}-delivery`,
      {
        s3BucketName: this.bucket.bucketName,
        s3KmsKeyArn: args.kmsKeyArn,
        snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
      },
      { ...parent, dependsOn: [this.recorder, delivery, this.bucket.policy] },
    );
    new aws.cfg.RecorderStatus(
      `${name}-status`,
      { name: this.recorder.name, isEnabled: true },
      { ...parent, dependsOn: [channel] },
    );
    this.rules = (args.rules ?? platformConfigRules(365)).map(
      (rule) =>
        new aws.cfg.Rule(
          `${name}-${ruleName(rule.identifier)}`,
          {
            description: rule.description,
            source: { owner: "AWS", sourceIdentifier: rule.identifier },
            ...(rule.inputParameters ? { inputParameters: JSON.stringify(rule.inputParameters) } : {}),
          },
          { ...parent, dependsOn: [this.recorder] },
        ),
    );

    this.registerOutputs({ recorderName: this.recorder.name, bucketName: this.bucket.bucketName });
  }
}

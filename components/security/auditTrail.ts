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
  type Statement,
} from "./documents";
import {
  CLOUDTRAIL_BUCKET_ACL_ACTIONS,
  CLOUDTRAIL_BUCKET_WRITE_ACTIONS,
  CLOUDTRAIL_TO_LOGS_ACTIONS,
} from "./perms";

export interface AuditTrailArgs {
  /** KMS key (logs data class) for the log files, the bucket and the log group. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days the CloudWatch Logs copy is kept. Default 365. */
  readonly logRetentionDays?: number;
  /** Days the S3 copy is kept (Glacier after 90). Default 365. */
  readonly objectExpirationDays?: number;
  /**
   * Buckets whose object-level operations (S3 data events) the trail records, e.g. the lake zones.
   * Default none: management events only.
   */
  readonly dataEventBucketArns?: pulumi.Input<pulumi.Input<string>[]>;
}

const DEFAULTS = { logRetentionDays: 365, objectExpirationDays: 365 };

/** `arn:<partition>:cloudtrail:*:<account>:trail/*`: any trail of this account, for conditions. */
const trailsOfAccount = (ctx: AccountContext) => `arn:${ctx.partition}:cloudtrail:*:${ctx.accountId}:trail/*`;

/** Bucket statements CloudTrail needs: read the ACL and write under `AWSLogs/<account>/`, for this account's trails only. */
export function cloudTrailBucketStatements(bucketArn: string, ctx: AccountContext): Statement[] {
  const fromThisAccount = {
    StringEquals: { "aws:SourceAccount": ctx.accountId },
    ArnLike: { "aws:SourceArn": trailsOfAccount(ctx) },
  };
  return [
    {
      Sid: "CloudTrailChecksTheBucketAcl",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: [...CLOUDTRAIL_BUCKET_ACL_ACTIONS],
      Resource: bucketArn,
      Condition: fromThisAccount,
    },
    {
      Sid: "CloudTrailWritesLogFiles",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: [...CLOUDTRAIL_BUCKET_WRITE_ACTIONS],
      Resource: `${bucketArn}/AWSLogs/${ctx.accountId}/*`,
      Condition: {
        ...fromThisAccount,
        StringEquals: { ...fromThisAccount.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" },
      },
    },
  ];
}

/** What the CloudTrail role may do: write streams of its own log group. */
export function cloudTrailLogsPolicy(logGroupArn: string): PolicyDocument {
  return policyDocument({
    Sid: "CloudTrailWritesItsLogGroup",
    Effect: "Allow",
    Action: [...CLOUDTRAIL_TO_LOGS_ACTIONS],
    Resource: `${logGroupArn}:log-stream:*`,
  });
}

/**
 * The trail's advanced event selectors: every management event, plus S3 object-level events on the
 * given buckets (none unless asked: data events are billed per event).
 */
export function trailEventSelectors(dataEventBucketArns: readonly string[]) {
  const selectors: {
    name: string;
    fieldSelectors: { field: string; equals?: string[]; startsWiths?: string[] }[];
  }[] = [{ name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] }];
  if (dataEventBucketArns.length) {
    selectors.push({
      name: "S3 data events on the lake buckets",
      fieldSelectors: [
        { field: "eventCategory", equals: ["Data"] },
        { field: "resources.type", equals: ["AWS::S3::Object"] },
        { field: "resources.ARN", startsWiths: dataEventBucketArns.map((arn) => `${arn}/`) },
      ],
    });
  }
  return selectors;
}

/**
 * The account's CloudTrail trail: multi-region with global service events, log file validation,
 * KMS encryption, a CloudWatch Logs copy (own role and KMS-encrypted group with retention), and a
 * dedicated `AuditBucket`.
 */
export class AuditTrail extends pulumi.ComponentResource {
  readonly trail: aws.cloudtrail.Trail;
  readonly bucket: AuditBucket;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly role: aws.iam.Role;

  constructor(name: string, args: AuditTrailArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:security:AuditTrail", name, {}, opts);
    const parent = { parent: this };
    const ctx = accountContext(this);

    this.bucket = new AuditBucket(
      `${name}-files`,
      {
        kmsKeyArn: args.kmsKeyArn,
        expirationDays: args.objectExpirationDays ?? DEFAULTS.objectExpirationDays,
        serviceStatements: (arn) =>
          pulumi.all([arn, ctx]).apply(([a, c]) => cloudTrailBucketStatements(a, c)),
      },
      parent,
    );
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        namePrefix: `/dataplatform/cloudtrail/${name}-`,
        kmsKeyId: args.kmsKeyArn,
        retentionInDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays,
      },
      parent,
    );
    this.role = new aws.iam.Role(
      `${name}-logs-role`,
      {
        description: `CloudTrail ${name} writes to its CloudWatch Logs group`,
        assumeRolePolicy: policyJson(
          ctx.apply((c) => serviceTrustPolicy("cloudtrail.amazonaws.com", c, trailsOfAccount(c))),
        ),
      },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-logs-role`,
      { role: this.role.id, policy: policyJson(this.logGroup.arn.apply(cloudTrailLogsPolicy)) },
      parent,
    );

    this.trail = new aws.cloudtrail.Trail(
      `${name}`,
      {
        s3BucketName: this.bucket.bucketName,
        kmsKeyId: args.kmsKeyArn,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        enableLogging: true,
        cloudWatchLogsGroupArn: pulumi.interpolate`${this.logGroup.arn}:*`,
        cloudWatchLogsRoleArn: this.role.arn,
        advancedEventSelectors: pulumi.output(args.dataEventBucketArns ?? []).apply(trailEventSelectors),
      },
      { ...parent, dependsOn: [this.bucket.policy, rolePolicy] },
    );

    this.registerOutputs({
      trailArn: this.trail.arn,
      bucketName: this.bucket.bucketName,
      logGroupName: this.logGroup.name,
    });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  denyInsecureTransport,
  policyDocument,
  type PolicyDocument,
  policyJson,
  type Statement,
} from "./documents";

export interface AuditBucketArgs {
  /** KMS key for SSE-KMS (the logs data class). Required: audit files are never stored unencrypted. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days after which objects (and, after becoming noncurrent, their old versions) are deleted. Default 365. */
  readonly expirationDays?: number;
  /** Days after which objects move to Glacier Flexible Retrieval. Default 90. */
  readonly transitionToGlacierDays?: number;
  /**
   * Statements for the service that writes the bucket (CloudTrail, AWS Config...), from the bucket's
   * ARN. The TLS-only deny is always added. Default none.
   */
  readonly serviceStatements?: (bucketArn: pulumi.Output<string>) => pulumi.Output<Statement[]>;
  /** Let `pulumi destroy` delete a bucket that still holds audit files. Default false. */
  readonly allowDestroyWithData?: boolean;
}

const DEFAULTS = { expirationDays: 365, transitionToGlacierDays: 90, allowDestroyWithData: false };

/** The bucket policy: TLS only, plus the writing service's statements. */
export function auditBucketPolicy(bucketArn: string, serviceStatements: Statement[] = []): PolicyDocument {
  return policyDocument(denyInsecureTransport(bucketArn), ...serviceStatements);
}

/** The lifecycle rule: Glacier after `transitionDays`, deletion after `expirationDays`, no stray uploads. */
export function auditLifecycleRule(transitionDays: number, expirationDays: number) {
  return {
    id: "audit-retention",
    status: "Enabled",
    filter: { prefix: "" },
    transitions: [{ days: transitionDays, storageClass: "GLACIER" }],
    expiration: { days: expirationDays },
    noncurrentVersionExpiration: { noncurrentDays: transitionDays },
    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
  };
}

/**
 * A bucket for audit files (CloudTrail, AWS Config): SSE-KMS with a bucket key through the separate
 * v7 encryption resource, every public access block on, BucketOwnerEnforced (no ACLs), versioning,
 * a TLS-only policy and a retention lifecycle. Kept on `pulumi destroy` while it holds data unless
 * `allowDestroyWithData` says otherwise.
 */
export class AuditBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly policy: aws.s3.BucketPolicy;
  readonly bucketName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: AuditBucketArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:security:AuditBucket", name, {}, opts);
    const expirationDays = args.expirationDays ?? DEFAULTS.expirationDays;
    const transitionDays = args.transitionToGlacierDays ?? DEFAULTS.transitionToGlacierDays;
    if (!Number.isInteger(transitionDays) || transitionDays < 1) {
      throw new pulumi.ResourceError(
        `${name}: transitionToGlacierDays = ${transitionDays}: a whole number of days, at least 1`,
        this,
      );
    }
    if (!Number.isInteger(expirationDays) || expirationDays < transitionDays + 90) {
      throw new pulumi.ResourceError(
        `${name}: expirationDays = ${expirationDays}: at least transitionToGlacierDays + 90 (${transitionDays + 90}), Glacier's minimum storage duration`,
        this,
      );
    }
    const parent = { parent: this };

    this.bucket = new aws.s3.Bucket(
      `${name}`,
      { forceDestroy: args.allowDestroyWithData ?? DEFAULTS.allowDestroyWithData },
      parent,
    );
    const bucket = this.bucket.id;
    this.bucketName = this.bucket.bucket;
    this.arn = this.bucket.arn;

    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
            bucketKeyEnabled: true,
          },
        ],
      },
      parent,
    );
    new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket, versioningConfiguration: { status: "Enabled" } },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      { bucket, rules: [auditLifecycleRule(transitionDays, expirationDays)] },
      parent,
    );
    const statements = args.serviceStatements?.(this.bucket.arn) ?? pulumi.output([] as Statement[]);
    this.policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket,
        policy: policyJson(
          pulumi.all([this.bucket.arn, statements]).apply(([arn, s]) => auditBucketPolicy(arn, s)),
        ),
      },
      { ...parent, dependsOn: [publicAccess] },
    );

    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
  }
}

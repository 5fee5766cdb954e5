/**
 * Policy documents of the lake as pure functions of ARNs: bucket policies, grant policies,
 * the replication role's policy and the statements the lake needs in its KMS key's policy.
 */
import {
  BUCKET_READ_ACTIONS,
  BUCKET_WRITE_ACTIONS,
  KEY_READ_ACTIONS,
  KEY_WRITE_ACTIONS,
  OBJECT_DELETE_ACTIONS,
  OBJECT_READ_ACTIONS,
  OBJECT_WRITE_ACTIONS,
  REPLICATION_DESTINATION_KEY_ACTIONS,
  REPLICATION_DESTINATION_OBJECT_ACTIONS,
  REPLICATION_SOURCE_BUCKET_ACTIONS,
  REPLICATION_SOURCE_OBJECT_ACTIONS,
} from "./perms";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | Record<string, string | string[]>;
  Action: string | string[];
  /** Absent only in trust policies (a role's trust policy has no Resource). */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export const doc = (...statements: PolicyStatement[]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: statements,
});

/** Object ARN pattern of a prefix (`<bucket>/<prefix>*`), or the whole bucket. */
export function objectArns(bucketArn: string, prefix?: string): string {
  return `${bucketArn}/${prefix ?? ""}*`;
}

/** Refuses every request that does not use TLS (`aws:SecureTransport` false), for every principal. */
export function tlsOnlyStatement(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, objectArns(bucketArn)],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/**
 * Refuses uploads that ask for an encryption other than SSE-KMS (a request without the header gets
 * the bucket's default SSE-KMS encryption).
 */
export function denySseDowngradeStatement(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyNonKmsEncryptionHeader",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: objectArns(bucketArn),
    Condition: {
      Null: { "s3:x-amz-server-side-encryption": "false" },
      StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
    },
  };
}

/** Lets S3 server access logging (`logging.s3.amazonaws.com`) write logs of this account's buckets. */
export function accessLogDeliveryStatement(
  bucketArn: string,
  accountId: string,
  sourceBucketArns: string[] = [],
): PolicyStatement {
  return {
    Sid: "AllowS3ServerAccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: objectArns(bucketArn),
    Condition: {
      StringEquals: { "aws:SourceAccount": accountId },
      ...(sourceBucketArns.length ? { ArnLike: { "aws:SourceArn": sourceBucketArns } } : {}),
    },
  };
}

/** The bucket policy of a lake bucket. */
export function bucketPolicy(args: {
  bucketArn: string;
  kmsEncrypted: boolean;
  accessLogTarget?: { accountId: string; sourceBucketArns?: string[] };
}): PolicyDocument {
  return doc(
    tlsOnlyStatement(args.bucketArn),
    ...(args.kmsEncrypted ? [denySseDowngradeStatement(args.bucketArn)] : []),
    ...(args.accessLogTarget
      ? [
          accessLogDeliveryStatement(
            args.bucketArn,
            args.accessLogTarget.accountId,
            args.accessLogTarget.sourceBucketArns,
          ),
        ]
      : []),
  );
}

interface GrantScope {
  readonly bucketArn: string;
  /** Key prefix the grant is limited to (ends with `/`). Default: the whole bucket. */
  readonly prefix?: string;
  /** Key the bucket's objects are encrypted with; none for SSE-S3 buckets. */
  readonly keyArn?: string;
  /** Region of the bucket: the key is usable only through S3 there. */
  readonly region: string;
}

function listStatement(sid: string, actions: readonly string[], s: GrantScope): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: [...actions],
    Resource: s.bucketArn,
    ...(s.prefix ? { Condition: { StringLike: { "s3:prefix": [s.prefix, `${s.prefix}*`] } } } : {}),
  };
}

function keyStatement(sid: string, actions: readonly string[], s: GrantScope): PolicyStatement[] {
  if (!s.keyArn) return [];
  return [
    {
      Sid: sid,
      Effect: "Allow",
      Action: [...actions],
      Resource: s.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${s.region}.amazonaws.com` } },
    },
  ];
}

/** Read objects under a prefix of one bucket, decrypting with its key through S3 only. */
export function readPolicy(s: GrantScope): PolicyDocument {
  return doc(
    listStatement("ListPrefix", BUCKET_READ_ACTIONS, s),
    {
      Sid: "ReadObjects",
      Effect: "Allow",
      Action: [...OBJECT_READ_ACTIONS],
      Resource: objectArns(s.bucketArn, s.prefix),
    },
    ...keyStatement("DecryptThroughS3", KEY_READ_ACTIONS, s),
  );
}

/** Write objects under a prefix of one bucket (delete only with `allowDelete`), encrypting with its key. */
export function writePolicy(s: GrantScope & { readonly allowDelete?: boolean }): PolicyDocument {
  return doc(
    listStatement("ListPrefix", BUCKET_WRITE_ACTIONS, s),
    {
      Sid: "WriteObjects",
      Effect: "Allow",
      Action: [...OBJECT_WRITE_ACTIONS, ...(s.allowDelete ? OBJECT_DELETE_ACTIONS : [])],
      Resource: objectArns(s.bucketArn, s.prefix),
    },
    ...keyStatement("EncryptThroughS3", KEY_WRITE_ACTIONS, s),
  );
}

/** The S3 replication role: read versions of the source, write replicas, use each key only via S3. */
export function replicationPolicy(a: {
  sourceBucketArn: string;
  sourceKeyArn: string;
  sourceRegion: string;
  replicaBucketArn: string;
  replicaKeyArn: string;
  replicaRegion: string;
}): PolicyDocument {
  return doc(
    {
      Sid: "ReadReplicationConfiguration",
      Effect: "Allow",
      Action: [...REPLICATION_SOURCE_BUCKET_ACTIONS],
      Resource: a.sourceBucketArn,
    },
    {
      Sid: "ReadSourceVersions",
      Effect: "Allow",
      Action: [...REPLICATION_SOURCE_OBJECT_ACTIONS],
      Resource: objectArns(a.sourceBucketArn),
    },
    {
      Sid: "WriteReplicas",
      Effect: "Allow",
      Action: [...REPLICATION_DESTINATION_OBJECT_ACTIONS],
      Resource: objectArns(a.replicaBucketArn),
    },
    {
      Sid: "DecryptSource",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: a.sourceKeyArn,
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${a.sourceRegion}.amazonaws.com` },
        StringLike: {
          "kms:EncryptionContext:aws:s3:arn": [a.sourceBucketArn, objectArns(a.sourceBucketArn)],
        },
      },
    },
    {
      Sid: "EncryptReplicas",
      Effect: "Allow",
      Action: [...REPLICATION_DESTINATION_KEY_ACTIONS],
      Resource: a.replicaKeyArn,
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${a.replicaRegion}.amazonaws.com` },
        StringLike: {
          "kms:EncryptionContext:aws:s3:arn": [a.replicaBucketArn, objectArns(a.replicaBucketArn)],
        },
      },
    },
  );
}

/** Trust policy letting one AWS service assume a role, limited to this account. */
export function serviceTrustPolicy(service: string, accountId: string): PolicyDocument {
  return doc({
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  });
}

/**
 * What the lake needs in the policy of the KMS key it is given, besides IAM-delegated access for the
 * account: CloudWatch Logs must be able to use it for the Glue security configuration's encrypted
 * log groups. The security layer adds these statements to the lake key.
 */
export function lakeKeyPolicy(a: { accountId: string; region: string; partition?: string }): PolicyDocument {
  const partition = a.partition ?? "aws";
  return doc(
    {
      Sid: "AccountAdministersKeyThroughIam",
      Effect: "Allow",
      Principal: { AWS: `arn:${partition}:iam::${a.accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "CloudWatchLogsEncryptGlueLogs",
      Effect: "Allow",
      Principal: { Service: `logs.${a.region}.amazonaws.com` },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${a.region}:${a.accountId}:log-group:*`,
        },
      },
    },
  );
}

/** Use of the Data Catalog's key through Glue in `region` (an encrypted catalog's metadata). */
export function catalogKeyStatement(
  keyArn: string,
  region: string,
  actions: readonly string[],
  sid = "CatalogKeyThroughGlue",
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: [...actions],
    Resource: keyArn,
    Condition: { StringEquals: { "kms:ViaService": `glue.${region}.amazonaws.com` } },
  };
}

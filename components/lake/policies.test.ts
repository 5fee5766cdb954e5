import * as perms from "./perms";
import {
  bucketPolicy,
  lakeKeyPolicy,
  type PolicyDocument,
  readPolicy,
  replicationPolicy,
  serviceTrustPolicy,
  writePolicy,
} from "./policies";

const BUCKET = "arn:aws:s3:::lake-raw-abc";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1111";
const actionsOf = (d: PolicyDocument) => d.Statement.flatMap((s) => [s.Action].flat());

/** True when an Allow statement grants a wildcard action or any action on every resource. */
function hasWildcardAllow(d: PolicyDocument): boolean {
  return d.Statement.some(
    (s) =>
      s.Effect === "Allow" &&
      ([s.Action].flat().some((a) => a.includes("*")) || ([s.Resource].flat().includes("*") && !s.Condition)),
  );
}

describe("bucket policies", () => {
  it("deny every request without TLS, on the bucket and its objects", () => {
    const [tls] = bucketPolicy({ bucketArn: BUCKET, kmsEncrypted: true }).Statement;
    expect(tls).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [BUCKET, `${BUCKET}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("refuse uploads asking for an encryption other than SSE-KMS, but not uploads without the header", () => {
    const deny = bucketPolicy({ bucketArn: BUCKET, kmsEncrypted: true }).Statement[1];
    expect(deny.Condition).toEqual({
      Null: { "s3:x-amz-server-side-encryption": "false" },
      StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
    });
  });

  it("let only S3 log delivery of this account write to the access-log bucket", () => {
    const d = bucketPolicy({
      bucketArn: BUCKET,
      kmsEncrypted: false,
      accessLogTarget: { accountId: "123456789012", sourceBucketArns: ["arn:aws:s3:::a"] },
    });
    expect(d.Statement.map((s) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "AllowS3ServerAccessLogDelivery",
    ]);
    expect(d.Statement[1]).toMatchObject({
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Condition: {
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": ["arn:aws:s3:::a"] },
      },
    });
  });
});

describe("grant policies", () => {
  it("scope reads to the prefix and the key, usable only through S3", () => {
    const d = readPolicy({ bucketArn: BUCKET, keyArn: KEY, prefix: "orders/", region: "us-east-1" });
    expect(d.Statement).toEqual([
      {
        Sid: "ListPrefix",
        Effect: "Allow",
        Action: ["s3:ListBucket", "s3:GetBucketLocation"],
        Resource: BUCKET,
        Condition: { StringLike: { "s3:prefix": ["orders/", "orders/*"] } },
      },
      {
        Sid: "ReadObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectVersion"],
        Resource: `${BUCKET}/orders/*`,
      },
      {
        Sid: "DecryptThroughS3",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: KEY,
        Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
      },
    ]);
  });

  it("write without delete unless asked, and generate data keys only on the bucket's key", () => {
    const plain = writePolicy({ bucketArn: BUCKET, keyArn: KEY, region: "us-east-1" });
    expect(actionsOf(plain)).not.toContain("s3:DeleteObject");
    expect(plain.Statement.find((s) => s.Sid === "EncryptThroughS3")).toMatchObject({
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: KEY,
    });
    expect(
      actionsOf(writePolicy({ bucketArn: BUCKET, keyArn: KEY, region: "us-east-1", allowDelete: true })),
    ).toContain("s3:DeleteObject");
  });

  it("grant nothing on KMS for SSE-S3 buckets", () => {
    expect(
      actionsOf(readPolicy({ bucketArn: BUCKET, region: "us-east-1" })).some((a) => a.startsWith("kms:")),
    ).toBe(false);
  });

  it("never allow wildcard actions or unconditioned access to every resource", () => {
    const docs = [
      readPolicy({ bucketArn: BUCKET, keyArn: KEY, region: "us-east-1" }),
      writePolicy({ bucketArn: BUCKET, keyArn: KEY, region: "us-east-1", allowDelete: true }),
      replicationPolicy({
        sourceBucketArn: BUCKET,
        sourceKeyArn: KEY,
        sourceRegion: "us-east-1",
        replicaBucketArn: "arn:aws:s3:::replica",
        replicaKeyArn: "arn:aws:kms:us-west-2:123456789012:key/2222",
        replicaRegion: "us-west-2",
      }),
    ];
    for (const d of docs) expect(hasWildcardAllow(d)).toBe(false);
    for (const list of Object.values(perms)) for (const a of list) expect(a).not.toContain("*");
  });
});

describe("replication role", () => {
  const d = replicationPolicy({
    sourceBucketArn: BUCKET,
    sourceKeyArn: KEY,
    sourceRegion: "us-east-1",
    replicaBucketArn: "arn:aws:s3:::replica",
    replicaKeyArn: "arn:aws:kms:us-west-2:123456789012:key/2222",
    replicaRegion: "us-west-2",
  });

  it("decrypts only source objects through S3 in the source region", () => {
    expect(d.Statement.find((s) => s.Sid === "DecryptSource")).toMatchObject({
      Action: "kms:Decrypt",
      Resource: KEY,
      Condition: {
        StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [BUCKET, `${BUCKET}/*`] },
      },
    });
  });

  it("encrypts replicas only with the replica key through S3 in the DR region", () => {
    expect(d.Statement.find((s) => s.Sid === "EncryptReplicas")).toMatchObject({
      Resource: "arn:aws:kms:us-west-2:123456789012:key/2222",
      Condition: { StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } },
    });
    expect(d.Statement.find((s) => s.Sid === "WriteReplicas")?.Resource).toBe("arn:aws:s3:::replica/*");
  });
});

describe("trust and key policies", () => {
  it("lets only the named service of this account assume a role, with no Resource element", () => {
    const [s] = serviceTrustPolicy("glue.amazonaws.com", "123456789012").Statement;
    expect(s).toEqual({
      Effect: "Allow",
      Principal: { Service: "glue.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
  });

  it("lets CloudWatch Logs of the region use the lake key only for this account's log groups", () => {
    const logs = lakeKeyPolicy({ accountId: "123456789012", region: "eu-west-1" }).Statement[1];
    expect(logs.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
    expect(logs.Condition).toEqual({
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:*" },
    });
  });
});

/**
 * IAM policy documents as plain data: components build them with these helpers from resolved ARNs
 * (inside `pulumi.all(...).apply`), and tests call the same pure builders and parse the JSON the
 * plan records. Shared by the batch, warehouse and orchestration layers.
 */

/** One IAM statement as IAM reads it. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** A policy document from statements; empty statements (no resources) are dropped. */
export function policyDocument(statements: readonly (PolicyStatement | undefined)[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: statements.filter(
      (s): s is PolicyStatement =>
        s !== undefined && (typeof s.Resource === "string" || s.Resource.length > 0),
    ),
  };
}

/** A trust policy letting the given service principals assume a role, optionally only for `sourceAccount`. */
export function assumeRolePolicy(services: readonly string[], sourceAccount?: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: services.length === 1 ? services[0] : [...services] },
        Action: "sts:AssumeRole",
        ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
      },
    ],
  });
}

/** `s3://bucket/some/prefix/` split into bucket and key prefix (no leading slash). */
export function parseS3Uri(uri: string, field: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!m) throw new Error(`${field} = "${uri}": an S3 location such as s3://my-bucket/some/prefix/`);
  return { bucket: m[1], key: m[2] ?? "" };
}

/** `arn:aws:s3:::bucket` → `bucket`. */
export function bucketNameOf(bucketArn: string): string {
  return bucketArn.replace(/^arn:[^:]+:s3:::/, "");
}

/** The partition of an ARN (`aws`, `aws-us-gov`, ...). */
export function partitionOf(arn: string): string {
  return arn.split(":")[1] || "aws";
}

/** Allow statements that use a wildcard action (`*` or `svc:*`) on any resource, or any wildcard action on `*`. */
export function overBroadStatements(doc: PolicyDocument): PolicyStatement[] {
  return doc.Statement.filter((s) => {
    if (s.Effect !== "Allow") return false;
    const resources = typeof s.Resource === "string" ? [s.Resource] : s.Resource;
    const wildAction = s.Action.some((a) => a === "*" || a.endsWith(":*"));
    const anyWildOnStar = resources.includes("*") && s.Action.some((a) => a.includes("*"));
    return wildAction || anyWildOnStar;
  });
}

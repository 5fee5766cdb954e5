/** IAM documents of the ML layer, as pure functions over resolved ARNs (tests call them directly). */

export type Statement = {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
};
export type PolicyDocument = { Version: "2012-10-17"; Statement: Statement[] };

/** A trust policy for one AWS service, bound to this account (confused-deputy protection). */
export function trustPolicy(service: string, accountId?: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(accountId ? { Condition: { StringEquals: { "aws:SourceAccount": accountId } } } : {}),
      },
    ],
  });
}

/** `{ Version, Statement }` from statements. */
export function document(...statements: Statement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** ARN of an S3 prefix's objects (`arn:aws:s3:::bucket/prefix*`). */
export function objectsUnder(bucketArn: string, prefix: string): string {
  return `${bucketArn}/${prefix}*`;
}

/** ListBucket on a bucket narrowed to prefixes. */
export function listUnder(sid: string, bucketArn: string, prefixes: readonly string[]): Statement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["s3:ListBucket", "s3:GetBucketLocation"],
    Resource: bucketArn,
    Condition: { StringLike: { "s3:prefix": prefixes.flatMap((p) => [p, `${p}*`]) } },
  };
}

/**
 * IAM, key and bucket policy documents as plain objects. Components build their policies with these
 * pure functions and serialize them with `policyJson`, so tests read the same JSON IAM would get.
 */
import * as pulumi from "@pulumi/pulumi";

export type Condition = Record<string, Record<string, string | string[]>>;

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | { Service?: string | string[]; AWS?: string | string[] };
  readonly Action: string | string[];
  /** Absent only in trust policies. */
  readonly Resource?: string | string[];
  readonly Condition?: Condition;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: Statement[];
}

/** A document from its statements. */
export function policyDocument(...statements: Statement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Serializes a document whose values may still be outputs (ARNs, account ids). */
export function policyJson(doc: pulumi.Input<PolicyDocument>): pulumi.Output<string> {
  return pulumi.output(doc).apply((d) => JSON.stringify(d));
}

/** The caller's account, partition and region: what ARNs and confused-deputy conditions need. */
export interface AccountContext {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
}

/**
 * Trust policy that lets one AWS service assume a role, only on behalf of this account (and, when
 * given, only for the source ARNs matching `sourceArnLike`): the confused-deputy protection AWS
 * recommends for service roles.
 */
export function serviceTrustPolicy(
  service: string,
  account: Pick<AccountContext, "accountId">,
  sourceArnLike?: string,
): PolicyDocument {
  const condition: Condition = { StringEquals: { "aws:SourceAccount": account.accountId } };
  if (sourceArnLike) condition.ArnLike = { "aws:SourceArn": sourceArnLike };
  return policyDocument({
    Sid: "AssumedByServiceForThisAccount",
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
    Condition: condition,
  });
}

/**
 * The statement every platform bucket carries: refuse any request not made over TLS (FSBP S3.5).
 * A `Deny` for every principal, so it also binds the account's own roles.
 */
export function denyInsecureTransport(bucketArn: string): Statement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

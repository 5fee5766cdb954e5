/** IAM documents of the ML layer, as pure functions over resolved ARNs (tests call them directly). */

import {
  ECR_AUTH_ACTIONS,
  KEY_DATA_ACTIONS,
  KEY_GRANT_ACTIONS,
  LOG_ACTIONS,
  METRIC_ACTIONS,
  PASS_ROLE_ACTIONS,
  VPC_ACCESS_ACTIONS,
} from "./perms";

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

/**
 * What every SageMaker job role of the layer needs to run a job in the VPC: the ECR login (no
 * resource), ENIs in the VPC (no resource), its logs under `/aws/sagemaker/*`, and metrics in the
 * `/aws/sagemaker/*` namespaces only.
 */
export function sagemakerJobStatements(r: {
  partition: string;
  region: string;
  accountId: string;
}): Statement[] {
  return [
    { Sid: "EcrLogin", Effect: "Allow", Action: [...ECR_AUTH_ACTIONS], Resource: "*" },
    { Sid: "JobsInVpc", Effect: "Allow", Action: [...VPC_ACCESS_ACTIONS], Resource: "*" },
    {
      Sid: "JobLogs",
      Effect: "Allow",
      Action: [...LOG_ACTIONS],
      Resource: `arn:${r.partition}:logs:${r.region}:${r.accountId}:log-group:/aws/sagemaker/*`,
    },
    {
      Sid: "JobMetrics",
      Effect: "Allow",
      Action: [...METRIC_ACTIONS],
      Resource: "*",
      Condition: { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/*" } },
    },
  ];
}

/**
 * What a pipeline role that starts SageMaker jobs needs for their keys and their role: the data
 * keys it reads and writes with, grants on the ML key for the job instances' volumes (only to AWS
 * resources), and passing its own role, to SageMaker only.
 */
export function jobKeyAndRoleStatements(r: {
  keys: readonly string[];
  mlKeyArn: string;
  roleArn: string;
}): Statement[] {
  return [
    { Sid: "UseKeys", Effect: "Allow", Action: [...KEY_DATA_ACTIONS], Resource: [...r.keys] },
    {
      Sid: "GrantVolumeKeyToJobInstances",
      Effect: "Allow",
      Action: [...KEY_GRANT_ACTIONS],
      Resource: r.mlKeyArn,
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
    {
      Sid: "PassOwnRoleToSageMaker",
      Effect: "Allow",
      Action: [...PASS_ROLE_ACTIONS],
      Resource: r.roleArn,
      Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
    },
  ];
}

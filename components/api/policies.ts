import { API_EXECUTION_ACTIONS, API_TASK_ACTIONS } from "./perms";

type Statement = { Sid: string; Effect: "Allow"; Action: string[]; Resource: string | string[] };
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

/** The resources of one domain the API touches, as ARNs. */
export interface DomainArns {
  readonly streamArn: string;
  readonly tableArn: string;
  /** Absent for a domain without an inference endpoint. */
  readonly endpointArn?: string;
}

/**
 * The ARN of a DynamoDB table in the same account and region as a Kinesis stream (domain stacks
 * export the stream ARN and the table name).
 *
 * @example
 * tableArnNear("arn:aws:kinesis:us-east-1:123456789012:stream/orders", "orders-table"); // arn:aws:dynamodb:us-east-1:123456789012:table/orders-table
 */
export function tableArnNear(streamArn: string, tableName: string): string {
  return `${arnPrefix(streamArn, "dynamodb")}:table/${tableName}`;
}

/** The ARN of a SageMaker endpoint beside a stream (SageMaker ARNs use the lower-cased name). */
export function endpointArnNear(streamArn: string, endpointName: string): string {
  return `${arnPrefix(streamArn, "sagemaker")}:endpoint/${endpointName.toLowerCase()}`;
}

function arnPrefix(arn: string, service: string): string {
  const [prefix, partition, , region, account] = arn.split(":");
  if (prefix !== "arn" || !region || !account) throw new Error(`not a regional ARN: ${arn}`);
  return `arn:${partition}:${service}:${region}:${account}`;
}

/**
 * The task role's policy: PutRecords on exactly the domains' streams, GetItem/Query on exactly
 * their serving tables, InvokeEndpoint on exactly their endpoints, and the streaming key. Nothing
 * else: no `*` resource.
 *
 * @example
 * apiTaskPolicy([{ streamArn, tableArn }], streamingKeyArn);
 */
export function apiTaskPolicy(domains: readonly DomainArns[], streamingKeyArn: string): PolicyDocument {
  const endpoints = domains.flatMap((d) => (d.endpointArn ? [d.endpointArn] : []));
  const s: Statement[] = [
    {
      Sid: "PutRecords",
      Effect: "Allow",
      Action: [...API_TASK_ACTIONS.putRecords],
      Resource: domains.map((d) => d.streamArn),
    },
    {
      Sid: "ReadServingTables",
      Effect: "Allow",
      Action: [...API_TASK_ACTIONS.readTable],
      Resource: domains.map((d) => d.tableArn),
    },
    {
      Sid: "StreamingKey",
      Effect: "Allow",
      Action: [...API_TASK_ACTIONS.streamingKey],
      Resource: streamingKeyArn,
    },
  ];
  if (endpoints.length) {
    s.push({
      Sid: "InvokeEndpoints",
      Effect: "Allow",
      Action: [...API_TASK_ACTIONS.invokeEndpoint],
      Resource: endpoints,
    });
  }
  return { Version: "2012-10-17", Statement: s };
}

/**
 * The execution role's policy (what ECS does before the container starts): write the service's
 * log group, pull the image (registry login is `*` by AWS design), read the injected secrets.
 */
export function apiExecutionPolicy(r: {
  logGroupArn: string;
  /** The ECR repository of the image; a public or external image needs none. */
  repositoryArn?: string;
  secretArns?: readonly string[];
  secretsKeyArn?: string;
}): PolicyDocument {
  const s: Statement[] = [
    {
      Sid: "WriteLogs",
      Effect: "Allow",
      Action: [...API_EXECUTION_ACTIONS.logs],
      Resource: `${r.logGroupArn}:*`,
    },
  ];
  if (r.repositoryArn) {
    s.push(
      { Sid: "RegistryLogin", Effect: "Allow", Action: [...API_EXECUTION_ACTIONS.ecrAuth], Resource: "*" },
      {
        Sid: "PullImage",
        Effect: "Allow",
        Action: [...API_EXECUTION_ACTIONS.ecrPull],
        Resource: r.repositoryArn,
      },
    );
  }
  if (r.secretArns?.length) {
    s.push({
      Sid: "ReadSecrets",
      Effect: "Allow",
      Action: [...API_EXECUTION_ACTIONS.secrets],
      Resource: [...r.secretArns],
    });
    if (r.secretsKeyArn) {
      s.push({
        Sid: "DecryptSecrets",
        Effect: "Allow",
        Action: [...API_EXECUTION_ACTIONS.secretsKey],
        Resource: r.secretsKeyArn,
      });
    }
  }
  return { Version: "2012-10-17", Statement: s };
}

/**
 * The access log bucket's policy: Elastic Load Balancing may put objects under the prefix (the
 * region's ELB account for regions older than August 2022, the log delivery service principal for
 * newer ones), and every request must use TLS.
 */
export function accessLogBucketPolicy(r: {
  bucketArn: string;
  prefix: string;
  accountId: string;
  elbAccountArn: string;
}): object {
  const objects = `${r.bucketArn}/${r.prefix}/AWSLogs/${r.accountId}/*`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [r.bucketArn, `${r.bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "ElbAccount",
        Effect: "Allow",
        Principal: { AWS: r.elbAccountArn },
        Action: "s3:PutObject",
        Resource: objects,
      },
      {
        Sid: "ElbLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: objects,
      },
    ],
  };
}

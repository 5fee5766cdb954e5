import {
  AGGREGATOR_ACTIONS,
  KMS_ACTIONS,
  PROCESSOR_ACTIONS,
  STREAM_CONSUMER_ACTIONS,
  TELEMETRY_ACTIONS,
} from "../../runtime/perms";

type Statement = { Sid: string; Effect: "Allow"; Action: string[]; Resource: string | string[] };

/** ENI management for functions in a VPC: AWS offers no resource-level scoping for these. */
export const VPC_ENI_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
] as const;

/** Resources one stream function touches; every statement is scoped to exactly these ARNs. */
export interface FunctionResources {
  readonly streamArn: string;
  /** Enhanced fan-out consumer ARN, when the mapping reads through one. */
  readonly consumerArn?: string;
  readonly streamKeyArn: string;
  readonly logGroupArn: string;
  /** Table the function writes (serving table or window table) and the key encrypting it. */
  readonly table?: { readonly arn: string; readonly keyArn: string; readonly actions: readonly string[] };
  readonly deliveryStreamArn?: string;
  /** Dead-letter objects: bucket ARN, key prefix and the bucket's key. */
  readonly deadLetter?: { readonly bucketArn: string; readonly prefix: string; readonly keyArn: string };
  /** On-failure destination bucket of the event source mapping (records of exhausted batches). */
  readonly onFailure?: { readonly bucketArn: string; readonly keyArn: string };
  readonly inVpc: boolean;
}

/**
 * The inline policy of a stream function's role: read its stream, write its sinks, use exactly
 * the keys of those resources, write its own log group. No `*` resource except X-Ray and VPC
 * ENIs, where AWS has no resource-level permissions.
 *
 * @example
 * JSON.stringify(streamFunctionPolicy({ streamArn, streamKeyArn, logGroupArn, inVpc: false }));
 */
export function streamFunctionPolicy(r: FunctionResources): {
  Version: "2012-10-17";
  Statement: Statement[];
} {
  const s: Statement[] = [
    {
      Sid: "ReadStream",
      Effect: "Allow",
      Action: [...STREAM_CONSUMER_ACTIONS.stream],
      Resource: r.streamArn,
    },
    {
      Sid: "DecryptStream",
      Effect: "Allow",
      Action: [...KMS_ACTIONS.decryptStream],
      Resource: r.streamKeyArn,
    },
    {
      Sid: "WriteLogs",
      Effect: "Allow",
      Action: [...TELEMETRY_ACTIONS.logs],
      Resource: `${r.logGroupArn}:*`,
    },
    { Sid: "Traces", Effect: "Allow", Action: [...TELEMETRY_ACTIONS.xray], Resource: "*" },
  ];
  if (r.consumerArn) {
    s.push({
      Sid: "FanOut",
      Effect: "Allow",
      Action: [...STREAM_CONSUMER_ACTIONS.consumer],
      Resource: r.consumerArn,
    });
  }
  const writeKeys = new Set<string>();
  if (r.table) {
    s.push({ Sid: "WriteTable", Effect: "Allow", Action: [...r.table.actions], Resource: r.table.arn });
    writeKeys.add(r.table.keyArn);
  }
  if (r.deliveryStreamArn) {
    s.push({
      Sid: "DeliverToLake",
      Effect: "Allow",
      Action: [...PROCESSOR_ACTIONS.deliveryStream],
      Resource: r.deliveryStreamArn,
    });
  }
  if (r.deadLetter) {
    s.push({
      Sid: "WriteDeadLetters",
      Effect: "Allow",
      Action: [...PROCESSOR_ACTIONS.deadLetterObjects],
      Resource: `${r.deadLetter.bucketArn}/${r.deadLetter.prefix}*`,
    });
    writeKeys.add(r.deadLetter.keyArn);
  }
  if (r.onFailure) {
    s.push({
      Sid: "OnFailureDestination",
      Effect: "Allow",
      Action: [...STREAM_CONSUMER_ACTIONS.onFailureS3],
      Resource: [r.onFailure.bucketArn, `${r.onFailure.bucketArn}/*`],
    });
    writeKeys.add(r.onFailure.keyArn);
  }
  if (writeKeys.size) {
    s.push({
      Sid: "EncryptWrites",
      Effect: "Allow",
      Action: [...KMS_ACTIONS.encryptWrite],
      Resource: [...writeKeys].sort(),
    });
  }
  if (r.inVpc)
    s.push({ Sid: "VpcNetworkInterfaces", Effect: "Allow", Action: [...VPC_ENI_ACTIONS], Resource: "*" });
  return { Version: "2012-10-17", Statement: s };
}

/** Actions on the serving table for the processor, and on the window table for the aggregator. */
export const TABLE_ACTIONS = {
  processor: PROCESSOR_ACTIONS.table,
  aggregator: AGGREGATOR_ACTIONS.table,
} as const;

/** Read access to a stream for other components (`grantStreamRead`). */
export const STREAM_READ_ACTIONS = [
  "kinesis:DescribeStreamSummary",
  "kinesis:GetRecords",
  "kinesis:GetShardIterator",
  "kinesis:ListShards",
];

/** Producer access to a stream (`grantStreamWrite`). */
export const STREAM_WRITE_ACTIONS = [
  "kinesis:PutRecord",
  "kinesis:PutRecords",
  "kinesis:DescribeStreamSummary",
];

/** Read access to a serving table for other components (`grantTableRead`). */
export const TABLE_READ_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:DescribeTable",
];

/** Firehose's role: write the raw zone under its prefixes with the lake key, log delivery errors. */
export function firehosePolicy(r: {
  bucketArn: string;
  prefixes: string[];
  lakeKeyArn: string;
  logGroupArn: string;
  glueTableArns?: string[];
}): { Version: "2012-10-17"; Statement: Statement[] } {
  const s: Statement[] = [
    {
      Sid: "WriteRawZone",
      Effect: "Allow",
      Action: [
        "s3:AbortMultipartUpload",
        "s3:GetBucketLocation",
        "s3:ListBucket",
        "s3:ListBucketMultipartUploads",
      ],
      Resource: r.bucketArn,
    },
    {
      Sid: "WriteRawObjects",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
      Resource: r.prefixes.map((p) => `${r.bucketArn}/${p}*`),
    },
    {
      Sid: "EncryptObjects",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: r.lakeKeyArn,
    },
    { Sid: "DeliveryErrors", Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: `${r.logGroupArn}:*` },
  ];
  if (r.glueTableArns?.length) {
    s.push({
      Sid: "ReadTableSchema",
      Effect: "Allow",
      Action: ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"],
      Resource: r.glueTableArns,
    });
  }
  return { Version: "2012-10-17", Statement: s };
}

/** Trust policy for a service principal. */
export function assumedBy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

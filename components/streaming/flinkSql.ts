import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  connectorJars,
  FLINK_DIR,
  flinkSql,
  placeholders,
  SQL_PARAMETERS_GROUP,
} from "../../runtime/flink/statements";
import type { MetricSpec } from "../observability/metrics";
import { assumedBy } from "./policies";

/** The Managed Service for Apache Flink runtime the application runs on (PyFlink 1.20). */
export const FLINK_RUNTIME = "FLINK-1_20";

/** Most KPUs one application may scale to without a quota increase (Managed Flink default quota). */
export const MAX_KPUS = 64;

/** What the application's role may do, by resource (every statement scoped to its ARN but the VPC ones). */
export const FLINK_ACTIONS = {
  /** The source stream: the Kinesis SQL connector's polling reads. */
  stream: [
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
  ],
  /** The sink table: the DynamoDB SQL connector writes with BatchWriteItem. */
  table: ["dynamodb:BatchWriteItem", "dynamodb:DescribeTable"],
  /** The code package object. */
  code: ["s3:GetObject", "s3:GetObjectVersion"],
  /** Reading the stream and the package, writing CMK-encrypted items, the application's own state. */
  keys: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
  /** The application's log stream. */
  logStream: ["logs:PutLogEvents"],
  /** Finding its log group and stream. */
  logDescribe: ["logs:DescribeLogGroups", "logs:DescribeLogStreams"],
  /** ENIs in the VPC: the documented set (docs "VPC application permissions"); no resource-level scoping. */
  vpcRead: [
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeDhcpOptions",
  ],
  vpcEni: [
    "ec2:CreateNetworkInterface",
    "ec2:CreateNetworkInterfacePermission",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
  ],
} as const;

export interface FlinkSqlApplicationArgs {
  /** Data product whose SQL runs (`runtime/flink/statements.ts` FLINK_SQL_FILES). Required. */
  readonly dataProduct: string;
  /** The source stream and the key it is encrypted with. Required. */
  readonly stream: { readonly arn: pulumi.Input<string>; readonly kmsKeyArn: pulumi.Input<string> };
  /** The window table the SQL writes (the Pipeline's `windowTable`) and its key. Required. */
  readonly windowTable: {
    readonly name: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
  };
  /** Bucket the code package is uploaded to (under `flink/<name>/`) and its key. Required. */
  readonly code: {
    readonly bucketName: pulumi.Input<string>;
    readonly bucketArn: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
  };
  /** Keys: `application` encrypts running state, snapshots and checkpoints; `logs` the log group. Required. */
  readonly keys: { readonly application: pulumi.Input<string>; readonly logs: pulumi.Input<string> };
  /** VPC and private subnets the application runs in (it gets its own outbound-only security group). Required. */
  readonly network: {
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  };
  /** Tumbling window length in seconds (1-86,400). Required. */
  readonly windowSeconds: number;
  /** Days window items stay in the table after the window end (TTL). Required. */
  readonly ttlDays: number;
  /** Initial parallelism (1 to MAX_KPUS × parallelismPerKpu). Default 1. */
  readonly parallelism?: number;
  /** Parallel tasks per KPU (1-8). Default 1. */
  readonly parallelismPerKpu?: number;
  /** Let Managed Flink scale parallelism with CPU use. Default true. */
  readonly autoScaling?: boolean;
  /** Checkpoint interval in seconds (10-3,600). Default 60. */
  readonly checkpointIntervalSeconds?: number;
  /** Start the application on deploy. Default true. */
  readonly start?: boolean;
  /** Log retention in days. Default 14. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** SNS topic of the alarms. Default: alarms without actions. */
  readonly alarmTopicArn?: pulumi.Input<string>;
}

const DEFAULTS = {
  parallelism: 1,
  parallelismPerKpu: 1,
  autoScaling: true,
  checkpointIntervalSeconds: 60,
  start: true,
  logRetentionDays: 14,
} as const;

/** One file of the code package: its path in the zip and on disk. */
export interface PackageFile {
  readonly archivePath: string;
  readonly file: string;
}

/**
 * The files of a data product's code package: `main.py`, its SQL file, and the connector JARs of
 * `connectors.json` that are present under `runtime/flink/lib/` (`missingJars` lists the others),
 * sorted by archive path, with a content hash over paths and bytes (the package's S3 key).
 */
export function flinkPackage(dataProduct: string): {
  readonly files: PackageFile[];
  readonly sqlFile: string;
  readonly sha256: string;
  readonly missingJars: string[];
} {
  const { file: sqlFile } = flinkSql(dataProduct);
  const files: PackageFile[] = [
    { archivePath: "main.py", file: path.join(FLINK_DIR, "main.py") },
    { archivePath: sqlFile, file: path.join(FLINK_DIR, sqlFile) },
  ];
  const missingJars: string[] = [];
  for (const jar of connectorJars().jars) {
    const file = path.join(FLINK_DIR, "lib", jar.file);
    if (fs.existsSync(file)) files.push({ archivePath: `lib/${jar.file}`, file });
    else missingJars.push(jar.maven);
  }
  files.sort((a, b) => a.archivePath.localeCompare(b.archivePath));
  const hash = createHash("sha256");
  for (const f of files) hash.update(f.archivePath).update("\0").update(fs.readFileSync(f.file)).update("\0");
  return { files, sqlFile, sha256: hash.digest("hex"), missingJars };
}

/**
 * The application role's policy: read the one stream, write the one table, read the one package
 * object, use exactly the keys of those resources and its own, write its own log stream. Only the
 * VPC statements use `*` (AWS documents no resource-level scoping for them).
 *
 * @example
 * JSON.stringify(flinkApplicationPolicy({ streamArn, tableArn, codeObjectArn, keyArns, logGroupArn, logStreamArn }));
 */
export function flinkApplicationPolicy(r: {
  streamArn: string;
  tableArn: string;
  codeObjectArn: string;
  keyArns: readonly string[];
  logGroupArn: string;
  logStreamArn: string;
}) {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadSourceStream", Effect: "Allow", Action: [...FLINK_ACTIONS.stream], Resource: r.streamArn },
      { Sid: "WriteWindowTable", Effect: "Allow", Action: [...FLINK_ACTIONS.table], Resource: r.tableArn },
      { Sid: "ReadCodePackage", Effect: "Allow", Action: [...FLINK_ACTIONS.code], Resource: r.codeObjectArn },
      {
        Sid: "UseKeys",
        Effect: "Allow",
        Action: [...FLINK_ACTIONS.keys],
        Resource: [...new Set(r.keyArns)].sort(),
      },
      {
        Sid: "DescribeLogs",
        Effect: "Allow",
        Action: [...FLINK_ACTIONS.logDescribe],
        Resource: `${r.logGroupArn}:*`,
      },
      {
        Sid: "WriteLogStream",
        Effect: "Allow",
        Action: [...FLINK_ACTIONS.logStream],
        Resource: r.logStreamArn,
      },
      { Sid: "VpcReadOnly", Effect: "Allow", Action: [...FLINK_ACTIONS.vpcRead], Resource: "*" },
      { Sid: "VpcNetworkInterfaces", Effect: "Allow", Action: [...FLINK_ACTIONS.vpcEni], Resource: "*" },
    ],
  };
}

function check(c: pulumi.Resource, field: string, value: number, min: number, max: number, what: string) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new pulumi.ResourceError(`${field} = ${value}: an integer from ${min} to ${max} (${what})`, c);
  }
}

/**
 * `dataplatform:streaming:FlinkSqlApplication`: a Managed Service for Apache Flink application
 * (PyFlink, FLINK-1_20) running a data product's Flink SQL from the repository
 * (`runtime/flink/sql/`) — for clickstream, page views per page in tumbling windows on arrival
 * time, written to the Pipeline's window table as the items the Lambda aggregator writes. The code
 * package (main.py, the SQL, connector JARs) is an S3 object keyed by its content hash (SSE-KMS);
 * the application runs in private subnets with an outbound-only security group, encrypts its state
 * with the application key, checkpoints and snapshots, logs to a KMS-encrypted log group, scales
 * parallelism automatically, and runs as a role limited to its stream, table, package, keys and logs.
 */
export class FlinkSqlApplication extends pulumi.ComponentResource {
  readonly application: aws.kinesisanalyticsv2.Application;
  readonly role: aws.iam.Role;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly codeObject: aws.s3.BucketObjectv2;
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
  /** Metrics for dashboards (namespace AWS/KinesisAnalytics, dimension Application). */
  readonly keyMetrics: Record<string, MetricSpec>;

  constructor(name: string, args: FlinkSqlApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:streaming:FlinkSqlApplication", name, {}, opts);
    const a = { ...DEFAULTS, ...args };
    check(this, "parallelismPerKpu", a.parallelismPerKpu, 1, 8, "parallel tasks per KPU");
    check(
      this,
      "parallelism",
      a.parallelism,
      1,
      MAX_KPUS * a.parallelismPerKpu,
      `${MAX_KPUS} KPUs × parallelismPerKpu`,
    );
    check(this, "checkpointIntervalSeconds", a.checkpointIntervalSeconds, 10, 3600, "seconds");
    check(this, "windowSeconds", a.windowSeconds, 1, 86_400, "tumbling window, seconds");
    check(this, "ttlDays", a.ttlDays, 1, 36_500, "days");
    const parent = { parent: this };
    const pkg = flinkPackage(args.dataProduct);
    if (pkg.missingJars.length) {
      const message =
        `${name}: connector JARs missing from runtime/flink/lib/ (${pkg.missingJars.join(", ")}); ` +
        "the application cannot start without them: see runtime/flink/README.md";
      // A preview (and the offline plan) shows the plan; a deployment refuses to ship a package that cannot run.
      if (!pulumi.runtime.isDryRun()) throw new pulumi.ResourceError(message, this);
      pulumi.log.warn(message, this);
    }
    const region = aws.getRegionOutput({}, parent).region;

    this.codeObject = new aws.s3.BucketObjectv2(
      `${name}-code`,
      {
        bucket: args.code.bucketName,
        key: `flink/${name}/${pkg.sha256.slice(0, 16)}.zip`,
        source: new pulumi.asset.AssetArchive(
          Object.fromEntries(pkg.files.map((f) => [f.archivePath, new pulumi.asset.FileAsset(f.file)])),
        ),
        contentType: "application/zip",
        serverSideEncryption: "aws:kms",
        kmsKeyId: args.code.kmsKeyArn,
        bucketKeyEnabled: true,
      },
      parent,
    );

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { retentionInDays: a.logRetentionDays, kmsKeyId: args.keys.logs },
      parent,
    );
    const logStream = new aws.cloudwatch.LogStream(
      `${name}-log-stream`,
      { logGroupName: this.logGroup.name },
      parent,
    );
    const logStreamArn = pulumi.interpolate`${this.logGroup.arn}:log-stream:${logStream.name}`;

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.network.vpcId,
        description: `Managed Flink application ${name}: outbound HTTPS only (Kinesis, DynamoDB, S3, CloudWatch)`,
        tags: { Name: `${name}-sg`, Role: "flink" },
      },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-sg-out-tcp443`,
      {
        securityGroupId: this.securityGroup.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        description: "Flink: HTTPS to AWS APIs (through VPC endpoints or NAT)",
      },
      parent,
    );

    this.role = new aws.iam.Role(
      `${name}-role`,
      { assumeRolePolicy: assumedBy("kinesisanalytics.amazonaws.com") },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: pulumi
          .output({
            streamArn: args.stream.arn,
            tableArn: args.windowTable.arn,
            bucketArn: args.code.bucketArn,
            key: this.codeObject.key,
            keys: [
              args.stream.kmsKeyArn,
              args.windowTable.kmsKeyArn,
              args.code.kmsKeyArn,
              args.keys.application,
            ],
            logGroupArn: this.logGroup.arn,
            logStreamArn,
          })
          .apply((r) =>
            JSON.stringify(
              flinkApplicationPolicy({
                streamArn: r.streamArn,
                tableArn: r.tableArn,
                codeObjectArn: `${r.bucketArn}/${r.key}`,
                keyArns: r.keys,
                logGroupArn: r.logGroupArn,
                logStreamArn: r.logStreamArn,
              }),
            ),
          ),
      },
      parent,
    );

    const { text } = flinkSql(args.dataProduct);
    const values: Record<string, pulumi.Input<string>> = {
      SQL_FILE: pkg.sqlFile,
      STREAM_ARN: args.stream.arn,
      AWS_REGION: region,
      WINDOW_TABLE: args.windowTable.name,
      WINDOW_SECONDS: String(args.windowSeconds),
      TTL_SECONDS: String(args.ttlDays * 86_400),
    };
    const missing = placeholders(text).filter((p) => !(p in values));
    if (missing.length) {
      throw new pulumi.ResourceError(
        `${pkg.sqlFile} uses placeholders with no value: ${missing.join(", ")} (known: ${Object.keys(values).join(", ")})`,
        this,
      );
    }

    this.application = new aws.kinesisanalyticsv2.Application(
      `${name}-app`,
      {
        runtimeEnvironment: FLINK_RUNTIME,
        description: `${args.dataProduct}: Flink SQL windows (${pkg.sqlFile})`,
        serviceExecutionRole: this.role.arn,
        startApplication: a.start,
        applicationConfiguration: {
          applicationCodeConfiguration: {
            codeContentType: "ZIPFILE",
            codeContent: {
              s3ContentLocation: { bucketArn: args.code.bucketArn, fileKey: this.codeObject.key },
            },
          },
          applicationEncryptionConfiguration: {
            keyType: "CUSTOMER_MANAGED_KEY",
            keyId: args.keys.application,
          },
          applicationSnapshotConfiguration: { snapshotsEnabled: true },
          environmentProperties: {
            propertyGroups: [
              { propertyGroupId: "kinesis.analytics.flink.run.options", propertyMap: { python: "main.py" } },
              { propertyGroupId: SQL_PARAMETERS_GROUP, propertyMap: values },
            ],
          },
          flinkApplicationConfiguration: {
            checkpointConfiguration: {
              configurationType: "CUSTOM",
              checkpointingEnabled: true,
              checkpointInterval: a.checkpointIntervalSeconds * 1000,
              minPauseBetweenCheckpoints: Math.min(5000, a.checkpointIntervalSeconds * 500),
            },
            monitoringConfiguration: {
              configurationType: "CUSTOM",
              logLevel: "INFO",
              metricsLevel: "APPLICATION",
            },
            parallelismConfiguration: {
              configurationType: "CUSTOM",
              parallelism: a.parallelism,
              parallelismPerKpu: a.parallelismPerKpu,
              autoScalingEnabled: a.autoScaling,
            },
          },
          runConfiguration: {
            applicationRestoreConfiguration: { applicationRestoreType: "RESTORE_FROM_LATEST_SNAPSHOT" },
            flinkRunConfiguration: { allowNonRestoredState: false },
          },
          vpcConfiguration: {
            subnetIds: args.network.subnetIds,
            securityGroupIds: [this.securityGroup.id],
          },
        },
        cloudwatchLoggingOptions: { logStreamArn },
      },
      { parent: this, dependsOn: [rolePolicy] },
    );

    const dims = { Application: this.application.name };
    const ns = "AWS/KinesisAnalytics";
    this.keyMetrics = {
      downtime: { namespace: ns, metricName: "downtime", dimensions: dims, statistic: "Maximum", period: 60 },
      failedCheckpoints: {
        namespace: ns,
        metricName: "numberOfFailedCheckpoints",
        dimensions: dims,
        statistic: "Maximum",
        period: 300,
      },
      millisBehindLatest: {
        namespace: ns,
        metricName: "millisBehindLatest",
        dimensions: dims,
        statistic: "Maximum",
        period: 60,
      },
      kpus: { namespace: ns, metricName: "KPUs", dimensions: dims, statistic: "Maximum", period: 300 },
    };
    const actions = args.alarmTopicArn
      ? { alarmActions: [args.alarmTopicArn], okActions: [args.alarmTopicArn] }
      : {};
    for (const [role, metric, description] of [
      ["downtime", this.keyMetrics.downtime, "the application is not running (restarting or failed)"],
      ["failed-checkpoints", this.keyMetrics.failedCheckpoints, "checkpoints are failing"],
    ] as const) {
      this.alarms.push(
        new aws.cloudwatch.MetricAlarm(
          `${name}-${role}`,
          {
            alarmDescription: `${args.dataProduct} Flink SQL: ${description}`,
            namespace: metric.namespace,
            metricName: metric.metricName,
            dimensions: metric.dimensions,
            statistic: metric.statistic,
            period: metric.period,
            evaluationPeriods: 3,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            ...actions,
          },
          parent,
        ),
      );
    }
    this.registerOutputs({ applicationName: this.application.name, codeKey: this.codeObject.key });
  }
}

import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LIMITS, LOG_RETENTION_DAYS } from "../../config/limits";
import type { BucketRef } from "./lakeBucket";
import { glueJobMetrics } from "./metrics";
import { normalizeDatasetPrefix } from "./partitioning";
import {
  GLUE_LOG_ACTIONS,
  GLUE_METRIC_ACTIONS,
  KEY_READ_ACTIONS,
  SECURITY_CONFIGURATION_KEY_ACTIONS,
} from "./perms";
import { doc, type PolicyStatement, readPolicy, serviceTrustPolicy, writePolicy } from "./policies";

/** The PySpark job shipped in the repository: one day of raw JSON lines → canonical Parquet events partitioned by the convention. */
export const RAW_TO_PARQUET_SCRIPT = path.resolve(__dirname, "../../runtime/jobs/glue/raw_to_parquet.py");

/** Glue versions the platform runs (both supported by AWS; 5.0 is the default). */
export const GLUE_VERSIONS = ["4.0", "5.0"] as const;
export type GlueVersion = (typeof GLUE_VERSIONS)[number];

/** DPUs per worker of the Spark worker types. */
export const GLUE_WORKER_DPU = { "G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8 } as const;
export type GlueWorkerType = keyof typeof GLUE_WORKER_DPU;

/** Glue runs a Spark job on at least two workers (one driver, one executor). */
export const GLUE_MIN_WORKERS = 2;

export interface GlueEtlJobArgs {
  /** PySpark script in the repository. Default `RAW_TO_PARQUET_SCRIPT`. */
  readonly scriptPath?: string;
  /** Bucket the script is uploaded to (the lake's artifacts bucket). Required. */
  readonly artifacts: BucketRef;
  /** What the job reads: bucket and dataset prefix (raw JSON lines). Required. */
  readonly source: { readonly bucket: BucketRef; readonly prefix: string };
  /** Where it writes: bucket and dataset prefix (Parquet, partitioned by the convention). Required. */
  readonly target: { readonly bucket: BucketRef; readonly prefix: string };
  /** Glue security configuration (from `LakeCatalog`) and its key. Required. */
  readonly securityConfiguration: {
    readonly name: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
  };
  /** Glue version. Default "5.0". */
  readonly glueVersion?: GlueVersion;
  /** Worker type. Default "G.1X". */
  readonly workerType?: GlueWorkerType;
  /** Number of workers (at least 2). Default 2. */
  readonly numberOfWorkers?: number;
  /** Most DPUs the job may use (the environment's `batch.glueMaxDpu`), at most Glue's 100. Default 100. */
  readonly maxDpu?: number;
  /** Run timeout in minutes. Default 60. */
  readonly timeoutMinutes?: number;
  /** Retries of a failed run. Default 1. */
  readonly maxRetries?: number;
  /** Record field holding the event time (ISO-8601 or epoch milliseconds) that selects the partition. Default "event_time". */
  readonly timestampField?: string;
  /** Record field identifying the entity an event is about (the output's `entity_id`). Default "entity_id". */
  readonly entityField?: string;
  /** Record field naming the kind of event (the output's `event_type`). Default "event_type". */
  readonly eventTypeField?: string;
  /** Retention of the job's log groups in days. Default 30. */
  readonly logRetentionDays?: number;
  /** Glue job name. Default `<project>-<stack>-<name>`. */
  readonly jobName?: string;
}

const DEFAULTS = {
  scriptPath: RAW_TO_PARQUET_SCRIPT,
  glueVersion: "5.0" as GlueVersion,
  workerType: "G.1X" as GlueWorkerType,
  numberOfWorkers: 2,
  maxDpu: LIMITS.glueMaxDpu as number,
  timeoutMinutes: 60,
  maxRetries: 1,
  timestampField: "event_time",
  entityField: "entity_id",
  eventTypeField: "event_type",
  logRetentionDays: 30,
};

/** Every problem with the job's sizing and settings, naming the field, the value and what is allowed. */
export function glueJobProblems(args: Partial<GlueEtlJobArgs>): string[] {
  const a = { ...DEFAULTS, ...args };
  const problems: string[] = [];
  if (!(GLUE_VERSIONS as readonly string[]).includes(a.glueVersion)) {
    problems.push(`glueVersion = ${JSON.stringify(a.glueVersion)}: one of ${GLUE_VERSIONS.join(", ")}`);
  }
  const dpuPerWorker = GLUE_WORKER_DPU[a.workerType as GlueWorkerType];
  if (dpuPerWorker === undefined) {
    problems.push(
      `workerType = ${JSON.stringify(a.workerType)}: one of ${Object.keys(GLUE_WORKER_DPU).join(", ")}`,
    );
  }
  if (!Number.isInteger(a.maxDpu) || a.maxDpu < 2 || a.maxDpu > LIMITS.glueMaxDpu) {
    problems.push(
      `maxDpu = ${a.maxDpu}: an integer from 2 to ${LIMITS.glueMaxDpu} (Glue's DPU limit per job)`,
    );
  }
  if (!Number.isInteger(a.numberOfWorkers) || a.numberOfWorkers < GLUE_MIN_WORKERS) {
    problems.push(`numberOfWorkers = ${a.numberOfWorkers}: an integer of at least ${GLUE_MIN_WORKERS}`);
  } else if (dpuPerWorker !== undefined && Number.isInteger(a.maxDpu)) {
    const dpu = a.numberOfWorkers * dpuPerWorker;
    const cap = Math.min(a.maxDpu, LIMITS.glueMaxDpu);
    if (dpu > cap) {
      problems.push(
        `numberOfWorkers = ${a.numberOfWorkers} with workerType ${a.workerType} uses ${dpu} DPUs: at most ${cap} (maxDpu; Glue allows ${LIMITS.glueMaxDpu} per job), i.e. at most ${Math.floor(cap / dpuPerWorker)} ${a.workerType} workers`,
      );
    }
  }
  if (!Number.isInteger(a.timeoutMinutes) || a.timeoutMinutes < 1 || a.timeoutMinutes > 2880) {
    problems.push(`timeoutMinutes = ${a.timeoutMinutes}: an integer from 1 to 2880`);
  }
  if (!Number.isInteger(a.maxRetries) || a.maxRetries < 0 || a.maxRetries > 10) {
    problems.push(`maxRetries = ${a.maxRetries}: an integer from 0 to 10`);
  }
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(a.logRetentionDays)) {
    problems.push(`logRetentionDays = ${a.logRetentionDays}: one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  for (const field of ["timestampField", "entityField", "eventTypeField"] as const) {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(a[field])) {
      problems.push(`${field} = ${JSON.stringify(a[field])}: a field name (letters, digits, "_", ".")`);
    }
  }
  if (!fs.existsSync(a.scriptPath)) problems.push(`scriptPath = "${a.scriptPath}": no such file`);
  return problems;
}

/**
 * The job's default arguments: metrics, logging into its own log groups, and the script's inputs.
 * Bookmarks are off: each run processes the day its `--run_date` names (passed by the workflow) and
 * rewrites that day's output, so a re-run reprocesses the day instead of finding nothing new.
 */
export function glueJobArguments(a: {
  glueVersion: GlueVersion;
  logGroupPrefix: string;
  sourcePath: string;
  targetPath: string;
  timestampField: string;
  entityField?: string;
  eventTypeField?: string;
}): Record<string, string> {
  return {
    "--job-language": "python",
    "--job-bookmark-option": "job-bookmark-disable",
    "--enable-metrics": "true",
    "--enable-observability-metrics": "true",
    ...(a.glueVersion === "4.0"
      ? {
          "--enable-continuous-cloudwatch-log": "true",
          "--continuous-log-logGroup": `${a.logGroupPrefix}/continuous`,
        }
      : { "--custom-logGroup-prefix": a.logGroupPrefix }),
    "--source_path": a.sourcePath,
    "--target_path": a.targetPath,
    "--timestamp_field": a.timestampField,
    "--entity_field": a.entityField ?? DEFAULTS.entityField,
    "--event_type_field": a.eventTypeField ?? DEFAULTS.eventTypeField,
  };
}

/** Log groups the job writes to, by Glue version (5.0: error and output; 4.0: continuous logging). */
export function glueLogGroups(glueVersion: GlueVersion, prefix: string): string[] {
  return glueVersion === "4.0" ? [`${prefix}/continuous`] : [`${prefix}/error`, `${prefix}/output`];
}

/**
 * A Glue Spark ETL job running a script shipped in the repository (uploaded to the artifacts bucket),
 * run per day (`--run_date`, no bookmarks), metrics, logs in KMS-encrypted log groups with retention, the lake's security
 * configuration, a size checked against the DPU limit, and a role that can read only its source
 * prefix, write only its target prefix and use only the keys involved.
 *
 * @example
 * new GlueEtlJob("orders-to-parquet", {
 *   artifacts: lake.artifacts, source: { bucket: lake.zones.raw, prefix: "orders/events/" },
 *   target: { bucket: lake.zones.processed, prefix: "orders/events/" },
 *   securityConfiguration: { name: catalog.securityConfigurationName, kmsKeyArn: catalog.kmsKeyArn },
 *   maxDpu: cfg.batch.glueMaxDpu,
 * });
 */
export class GlueEtlJob extends pulumi.ComponentResource {
  public readonly job: aws.glue.Job;
  public readonly jobName: pulumi.Output<string>;
  public readonly role: aws.iam.Role;
  /** `s3://` location of the uploaded script. */
  public readonly scriptLocation: pulumi.Output<string>;
  /** Failed tasks and elapsed time of the job's runs, for dashboards and alarms. */
  public readonly keyMetrics: ReturnType<typeof glueJobMetrics>;

  constructor(name: string, args: GlueEtlJobArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:lake:GlueEtlJob", name, {}, opts);
    const problems = glueJobProblems(args);
    let sourcePrefix = "";
    let targetPrefix = "";
    try {
      sourcePrefix = normalizeDatasetPrefix(args.source.prefix);
      targetPrefix = normalizeDatasetPrefix(args.target.prefix);
    } catch (e) {
      problems.push((e as Error).message);
    }
    if (problems.length) {
      throw new pulumi.ResourceError(
        `GlueEtlJob ${name}: invalid arguments:\n  - ${problems.join("\n  - ")}`,
        this,
      );
    }
    const a = { ...DEFAULTS, ...args };
    const jobName = args.jobName ?? `${pulumi.getProject()}-${pulumi.getStack()}-${name}`;
    const logGroupPrefix = `/aws-glue/jobs/${jobName}`;
    const child = { parent: this };
    const region = aws.getRegionOutput({}, child).region;
    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const partition = aws.getPartitionOutput({}, child).partition;

    const scriptKey = `glue/${jobName}/${path.basename(a.scriptPath)}`;
    const script = new aws.s3.BucketObjectv2(
      `${name}-script`,
      {
        bucket: args.artifacts.bucketName,
        key: scriptKey,
        source: new pulumi.asset.FileAsset(a.scriptPath),
        contentType: "text/x-python",
        serverSideEncryption: "aws:kms",
        kmsKeyId: args.artifacts.kmsKeyArn,
        bucketKeyEnabled: true,
      },
      child,
    );
    this.scriptLocation = pulumi.interpolate`s3://${script.bucket}/${script.key}`;

    const logGroups = glueLogGroups(a.glueVersion, logGroupPrefix).map(
      (groupName) =>
        new aws.cloudwatch.LogGroup(
          `${name}-${groupName.split("/").pop()}`,
          {
            name: groupName,
            retentionInDays: a.logRetentionDays,
            kmsKeyId: args.securityConfiguration.kmsKeyArn,
          },
          child,
        ),
    );

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Glue job ${jobName}`,
        assumeRolePolicy: account.apply((acct) =>
          JSON.stringify(serviceTrustPolicy("glue.amazonaws.com", acct)),
        ),
      },
      child,
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: pulumi
          .all([
            region,
            account,
            partition,
            args.securityConfiguration.kmsKeyArn,
            pulumi.all([args.artifacts.bucketArn, args.artifacts.kmsKeyArn]),
            pulumi.all([args.source.bucket.bucketArn, args.source.bucket.kmsKeyArn]),
            pulumi.all([args.target.bucket.bucketArn, args.target.bucket.kmsKeyArn]),
          ])
          .apply(
            ([r, acct, part, secKey, [artifactsArn, artifactsKey], [srcArn, srcKey], [dstArn, dstKey]]) => {
              const tag = (prefix: string, ss: PolicyStatement[]) =>
                ss.map((s) => ({ ...s, Sid: `${prefix}${s.Sid ?? ""}` }));
              const statements: PolicyStatement[] = [
                {
                  Sid: "ReadScript",
                  Effect: "Allow",
                  Action: "s3:GetObject",
                  Resource: `${artifactsArn}/${scriptKey}`,
                },
                ...(artifactsKey
                  ? [
                      {
                        Sid: "DecryptScript",
                        Effect: "Allow" as const,
                        Action: [...KEY_READ_ACTIONS],
                        Resource: artifactsKey,
                        Condition: { StringEquals: { "kms:ViaService": `s3.${r}.amazonaws.com` } },
                      },
                    ]
                  : []),
                ...tag(
                  "Source",
                  readPolicy({
                    bucketArn: srcArn,
                    prefix: sourcePrefix,
                    region: r,
                    ...(srcKey ? { keyArn: srcKey } : {}),
                  }).Statement,
                ),
                ...tag(
                  "Target",
                  writePolicy({
                    bucketArn: dstArn,
                    prefix: targetPrefix,
                    region: r,
                    // A re-run purges the day's output before rewriting it.
                    allowDelete: true,
                    ...(dstKey ? { keyArn: dstKey } : {}),
                  }).Statement,
                ),
                {
                  Sid: "SecurityConfigurationKey",
                  Effect: "Allow",
                  Action: [...SECURITY_CONFIGURATION_KEY_ACTIONS],
                  Resource: secKey,
                },
                {
                  Sid: "JobLogs",
                  Effect: "Allow",
                  Action: [...GLUE_LOG_ACTIONS],
                  Resource: `arn:${part}:logs:${r}:${acct}:log-group:/aws-glue/*`,
                },
                {
                  Sid: "JobMetrics",
                  Effect: "Allow",
                  Action: [...GLUE_METRIC_ACTIONS],
                  Resource: "*",
                  Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } },
                },
              ];
              return JSON.stringify(doc(...statements));
            },
          ),
      },
      child,
    );

    this.job = new aws.glue.Job(
      `${name}-job`,
      {
        name: jobName,
        description: `Raw JSON to partitioned Parquet (${path.basename(a.scriptPath)})`,
        roleArn: this.role.arn,
        glueVersion: a.glueVersion,
        workerType: a.workerType,
        numberOfWorkers: a.numberOfWorkers,
        timeout: a.timeoutMinutes,
        maxRetries: a.maxRetries,
        executionClass: "STANDARD",
        executionProperty: { maxConcurrentRuns: 1 },
        securityConfiguration: args.securityConfiguration.name,
        command: { name: "glueetl", pythonVersion: "3", scriptLocation: this.scriptLocation },
        defaultArguments: pulumi
          .all([args.source.bucket.bucketName, args.target.bucket.bucketName])
          .apply(([src, dst]) =>
            glueJobArguments({
              glueVersion: a.glueVersion,
              logGroupPrefix,
              sourcePath: `s3://${src}/${sourcePrefix}`,
              targetPath: `s3://${dst}/${targetPrefix}`,
              timestampField: a.timestampField,
              entityField: a.entityField,
              eventTypeField: a.eventTypeField,
            }),
          ),
      },
      { parent: this, dependsOn: [policy, ...logGroups] },
    );
    this.jobName = this.job.name;
    this.keyMetrics = glueJobMetrics(this.jobName);
    this.registerOutputs({
      jobName: this.jobName,
      scriptLocation: this.scriptLocation,
      roleArn: this.role.arn,
    });
  }

  /** Failed tasks and elapsed time of the job's runs, for dashboards and alarms. */
  metrics(): ReturnType<typeof glueJobMetrics> {
    return glueJobMetrics(this.jobName);
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS } from "../../config/limits";
import { type ArgProblem, describeProblems } from "../batch/args";
import {
  assumeRolePolicy,
  bucketNameOf,
  partitionOf,
  policyDocument,
  type PolicyDocument,
} from "../batch/iam";
import { type KeyMetrics, type MetricSpec } from "../observability/metrics";
import { LOAD_EVENTS_STATEMENT, REDSHIFT_DB_ROLES_TAG, WAREHOUSE_LOAD_ROLE } from "../warehouse/sql";

export type { MetricSpec } from "../observability/metrics";
import type { WarehouseLoadTarget } from "../warehouse/warehouse";
import {
  type LoadStep,
  type PartitionStep,
  pipelineDefinition,
  type RetryPolicy,
  type SparkStep,
} from "./definition";
import * as perms from "./perms";

/** Partition update after the Glue job. */
export type WorkflowPartitions =
  | {
      readonly kind: "crawler";
      readonly crawlerName: pulumi.Input<string>;
      readonly crawlerArn: pulumi.Input<string>;
    }
  | {
      readonly kind: "athena";
      /** Athena workgroup (its enforced configuration sets the result location and encryption). */
      readonly workgroupName: pulumi.Input<string>;
      readonly workgroupArn: pulumi.Input<string>;
      /** Glue database and table to `MSCK REPAIR`. */
      readonly database: string;
      readonly table: string;
      /** Bucket of the workgroup's query results. */
      readonly resultsBucketArn: pulumi.Input<string>;
      /** Bucket holding the table's data (MSCK lists it). */
      readonly tableBucketArn: pulumi.Input<string>;
      /** Keys of the results and table buckets. */
      readonly kmsKeyArns: pulumi.Input<string>[];
    };

/** Where the Spark step runs: a persistent EMR cluster or an EMR Serverless application (the platform's `batch` output). */
export type SparkTarget =
  | { readonly kind: "emr"; readonly id: string; readonly arn: string }
  | {
      readonly kind: "emr-serverless";
      readonly id: string;
      readonly arn: string;
      readonly jobRoleArn: string;
    };

/** A warehouse to load, as plain values (the platform's `warehouse` output). */
export interface LoadTargetValue {
  readonly kind: "cluster" | "serverless";
  readonly name: string;
  readonly arn: string;
  readonly database: string;
  readonly dbUser?: string;
}

export interface BatchWorkflowArgs {
  /** The Glue ETL job (name and ARN) the pipeline runs first. */
  readonly glueJob: {
    readonly name: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
    /** Extra job arguments; `--run_date` is always passed. Default none. */
    readonly arguments?: Readonly<Record<string, string>>;
    /** Seconds before a run counts as timed out. Default 7200. */
    readonly timeoutSeconds?: number;
  };
  /** Partition update after the job. Default none (partition projection makes new hours visible). */
  readonly partitions?: WorkflowPartitions;
  /**
   * Spark job after the partitions: the target (resolved at deploy time; `undefined` skips the step,
   * e.g. when the platform's batch feature is off), the script and its arguments (`--run_date` is
   * appended). Default none.
   */
  readonly spark?: {
    readonly target: pulumi.Input<SparkTarget | undefined>;
    readonly scriptUri: pulumi.Input<string>;
    readonly arguments?: pulumi.Input<pulumi.Input<string>[]>;
    /** Seconds before the job counts as timed out. Default 7200. */
    readonly timeoutSeconds?: number;
  };
  /**
   * Warehouse load after the Spark job: a `Warehouse`'s `loadTarget` or the platform's `warehouse`
   * output (`undefined` at deploy time skips the step), and the SQL. Default none.
   */
  readonly load?: {
    readonly target: WarehouseLoadTarget | pulumi.Input<LoadTargetValue | undefined>;
    /**
     * Statement run through the Data API; may use `:run_date`. May depend on deploy-time values (e.g.
     * whether the platform has a Spark step). Default `LOAD_EVENTS_STATEMENT`.
     */
    readonly sql?: pulumi.Input<string>;
    /** Named parameters bound besides `run_date`, e.g. `{ dataset: "orders/events/" }`. Default none. */
    readonly parameters?: pulumi.Input<Readonly<Record<string, string>>>;
  };
  /** SNS topic of the failure notification. */
  readonly failureTopicArn: pulumi.Input<string>;
  /** KMS key of that topic, when it is encrypted with a customer key. Default none. */
  readonly failureTopicKmsKeyArn?: pulumi.Input<string>;
  /** KMS key of the execution log group (its policy must allow `logs.<region>.amazonaws.com`). */
  readonly logKmsKeyArn: pulumi.Input<string>;
  /** Customer managed key encrypting execution state (inputs, outputs, history). Default: `logKmsKeyArn`. */
  readonly stateKmsKeyArn?: pulumi.Input<string>;
  /** Execution log retention in days (a CloudWatch Logs value). Default 365. */
  readonly logRetentionDays?: number;
  /** EventBridge schedule expression, `cron(...)` or `rate(...)`. Default `cron(0 2 * * ? *)` (02:00 UTC daily). */
  readonly schedule?: string;
  /** Start the schedule enabled. Default true. */
  readonly scheduleEnabled?: boolean;
  /** Retry policy of every task. Default 2 retries, 30 s, backoff 2. */
  readonly retry?: RetryPolicy;
  /** Seconds between polls of the warehouse load. Default 30. */
  readonly loadPollSeconds?: number;
  /** Whole-execution timeout in seconds. Default 21600. */
  readonly timeoutSeconds?: number;
}

const DEFAULTS = {
  logRetentionDays: 365,
  schedule: "cron(0 2 * * ? *)",
  scheduleEnabled: true,
} as const;

/** Step Functions execution metrics of one state machine (namespace `AWS/States`). */
export function stateMachineMetric(
  stateMachineArn: pulumi.Input<string>,
  metricName:
    "ExecutionsFailed" | "ExecutionsTimedOut" | "ExecutionsAborted" | "ExecutionsSucceeded" | "ExecutionTime",
): MetricSpec {
  return {
    namespace: "AWS/States",
    metricName,
    dimensions: { StateMachineArn: stateMachineArn },
    statistic: metricName === "ExecutionTime" ? "Maximum" : "Sum",
    period: 300,
  };
}

/** An optional input as an output of `string | undefined` (keeps `pulumi.all` tuples typed). */
function optional(v: pulumi.Input<string> | undefined): pulumi.Output<string | undefined> {
  return v === undefined ? pulumi.output<string | undefined>(undefined) : pulumi.output(v);
}

/** Checks an EventBridge schedule expression. */
export function scheduleProblems(schedule: string): ArgProblem[] {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (rate) {
    const n = Number(rate[1]);
    const plural = rate[2].endsWith("s");
    if (n >= 1 && (n === 1) !== plural) return [];
  } else if (/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(schedule)) {
    const f = schedule.slice(5, -1).split(" ");
    if ((f[2] === "?") !== (f[4] === "?")) return [];
  }
  return [
    {
      field: "schedule",
      value: schedule,
      allowed:
        "rate(<n> <unit>) with unit minute(s)/hour(s)/day(s) (singular for 1), or cron(min hour day-of-month month day-of-week year) with ? in exactly one of the day fields",
    },
  ];
}

/** Resolved ARNs the state machine's role is scoped to. */
export interface WorkflowPolicyArgs {
  readonly region: string;
  readonly accountId: string;
  readonly glueJobArn: string;
  readonly crawlerArn?: string;
  readonly athena?: {
    readonly workgroupArn: string;
    readonly database: string;
    readonly table: string;
    readonly resultsBucketArn: string;
    readonly tableBucketArn: string;
    readonly kmsKeyArns: readonly string[];
  };
  readonly spark?: SparkTarget;
  readonly load?: {
    readonly kind: "cluster" | "serverless";
    readonly arn: string;
    readonly database: string;
    readonly dbUser?: string;
  };
  readonly failureTopicArn: string;
  readonly failureTopicKmsKeyArn?: string;
}

/**
 * The state machine role's policy: exactly the job, crawler or workgroup (plus the catalog objects and
 * buckets an MSCK touches), the cluster or workgroup, the topic. Log delivery, X-Ray, statement
 * polling and Lake Formation data access have no resource-level permissions in IAM and sit on `*`
 * with named actions only (polling is limited to statements this role started).
 *
 * Each `.sync` task gets the statements Step Functions generates for it (perms.ts cites the pages):
 * Glue on the job; EMR steps on the cluster plus the managed rule
 * `StepFunctionsGetEventForEMRAddJobFlowStepsRule`; EMR Serverless StartJobRun on the application,
 * GetJobRun/CancelJobRun on its job runs, PassRole of the job role and the rule
 * `StepFunctionsGetEventsForEMRServerlessJobRule`. The Redshift load uses the Data API as this role:
 * on a cluster with temporary credentials of the load user (GetClusterCredentials), on Serverless with
 * the role's own identity (GetCredentials on the workgroup; the database user is `IAMR:<role name>`,
 * which takes the load role through the `RedshiftDbRoles` tag, see `REDSHIFT_DB_ROLES_TAG`), so it
 * reads no secret and uses no key for it.
 */
export function workflowPolicy(a: WorkflowPolicyArgs): PolicyDocument {
  const partition = partitionOf(a.glueJobArn);
  const glue = (r: string) => `arn:${partition}:glue:${a.region}:${a.accountId}:${r}`;
  const s3 = (bucketArn: string, key = "") => `arn:${partition}:s3:::${bucketNameOf(bucketArn)}${key}`;
  const load = a.load;
  const spark = a.spark;
  const eventsRule = (rule: string) => `arn:${partition}:events:${a.region}:${a.accountId}:rule/${rule}`;
  return policyDocument([
    { Sid: "RunGlueJob", Effect: "Allow", Action: [...perms.GLUE_JOB_RUN_ACTIONS], Resource: a.glueJobArn },
    a.crawlerArn === undefined
      ? undefined
      : {
          Sid: "StartCrawler",
          Effect: "Allow",
          Action: [...perms.GLUE_CRAWLER_ACTIONS],
          Resource: a.crawlerArn,
        },
    a.athena && {
      Sid: "RunAthenaQuery",
      Effect: "Allow",
      Action: [...perms.ATHENA_QUERY_ACTIONS],
      Resource: a.athena.workgroupArn,
    },
    a.athena && {
      Sid: "ReadDataCatalog",
      Effect: "Allow",
      Action: [...perms.ATHENA_CATALOG_ACTIONS],
      Resource: `arn:${partition}:athena:${a.region}:${a.accountId}:datacatalog/AwsDataCatalog`,
    },
    a.athena && {
      Sid: "LakeFormationDataAccess",
      Effect: "Allow",
      Action: [...perms.LAKE_FORMATION_DATA_ACCESS_ACTIONS],
      Resource: "*",
    },
    a.athena && {
      Sid: "RepairPartitions",
      Effect: "Allow",
      Action: [...perms.GLUE_PARTITION_ACTIONS],
      Resource: [
        glue("catalog"),
        glue(`database/${a.athena.database}`),
        glue(`table/${a.athena.database}/${a.athena.table}`),
      ],
    },
    a.athena && {
      Sid: "WriteQueryResults",
      Effect: "Allow",
      Action: [...perms.ATHENA_RESULTS_ACTIONS],
      Resource: s3(a.athena.resultsBucketArn, "/*"),
    },
    a.athena && {
      Sid: "ReadTableObjects",
      Effect: "Allow",
      Action: [...perms.S3_READ_ACTIONS],
      Resource: s3(a.athena.tableBucketArn, "/*"),
    },
    a.athena && {
      Sid: "ListQueryBuckets",
      Effect: "Allow",
      Action: [...perms.S3_BUCKET_ACTIONS],
      Resource: [...new Set([s3(a.athena.resultsBucketArn), s3(a.athena.tableBucketArn)])],
    },
    a.athena && {
      Sid: "UseQueryKeys",
      Effect: "Allow",
      Action: [...perms.KMS_USE_ACTIONS],
      Resource: [...new Set(a.athena.kmsKeyArns)],
    },
    spark?.kind === "emr"
      ? {
          Sid: "RunSparkStep",
          Effect: "Allow",
          Action: [...perms.EMR_STEP_SYNC_ACTIONS],
          Resource: spark.arn,
        }
      : undefined,
    spark?.kind === "emr-serverless"
      ? {
          Sid: "RunSparkJob",
          Effect: "Allow",
          Action: [...perms.EMR_SERVERLESS_START_ACTIONS],
          Resource: spark.arn,
        }
      : undefined,
    spark?.kind === "emr-serverless"
      ? {
          Sid: "FollowSparkJobRuns",
          Effect: "Allow",
          Action: [...perms.EMR_SERVERLESS_JOB_RUN_ACTIONS],
          Resource: `${spark.arn}/jobruns/*`,
        }
      : undefined,
    spark?.kind === "emr-serverless"
      ? {
          Sid: "PassSparkJobRole",
          Effect: "Allow",
          Action: ["iam:PassRole"],
          Resource: spark.jobRoleArn,
          Condition: { StringEquals: { "iam:PassedToService": "emr-serverless.amazonaws.com" } },
        }
      : undefined,
    spark && {
      Sid: "FollowSparkJob",
      Effect: "Allow",
      Action: [...perms.SYNC_RULE_ACTIONS],
      Resource: eventsRule(spark.kind === "emr" ? perms.EMR_STEP_SYNC_RULE : perms.EMR_SERVERLESS_SYNC_RULE),
    },
    load && {
      Sid: "ExecuteLoad",
      Effect: "Allow",
      Action: [...perms.REDSHIFT_DATA_EXECUTE_ACTIONS],
      Resource: load.arn,
    },
    load && {
      Sid: "PollOwnStatements",
      Effect: "Allow",
      Action: [...perms.REDSHIFT_DATA_DESCRIBE_ACTIONS],
      Resource: "*",
      Condition: { StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" } },
    },
    load?.kind === "cluster"
      ? {
          Sid: "LoadUserCredentials",
          Effect: "Allow",
          Action: [...perms.REDSHIFT_CLUSTER_CREDENTIALS_ACTIONS],
          Resource: [
            load.arn.replace(/:cluster:([^:/]+)$/, `:dbuser:$1/${load.dbUser}`),
            load.arn.replace(/:cluster:([^:/]+)$/, `:dbname:$1/${load.database}`),
          ],
        }
      : undefined,
    load?.kind === "serverless"
      ? {
          Sid: "WorkgroupCredentials",
          Effect: "Allow",
          Action: [...perms.REDSHIFT_SERVERLESS_CREDENTIALS_ACTIONS],
          Resource: load.arn,
        }
      : undefined,
    {
      Sid: "NotifyFailure",
      Effect: "Allow",
      Action: [...perms.SNS_PUBLISH_ACTIONS],
      Resource: a.failureTopicArn,
    },
    a.failureTopicKmsKeyArn === undefined
      ? undefined
      : {
          Sid: "UseTopicKey",
          Effect: "Allow",
          Action: [...perms.SNS_KMS_ACTIONS],
          Resource: a.failureTopicKmsKeyArn,
        },
    { Sid: "DeliverLogs", Effect: "Allow", Action: [...perms.LOG_DELIVERY_ACTIONS], Resource: "*" },
    { Sid: "Trace", Effect: "Allow", Action: [...perms.XRAY_ACTIONS], Resource: "*" },
  ]);
}

/**
 * Tags of the state machine's role: on a Redshift Serverless load target, `RedshiftDbRoles` naming the
 * warehouse's load role, so the role's database user may run the load procedures and nothing else.
 */
export function workflowRoleTags(loadKind: "cluster" | "serverless" | undefined): Record<string, string> {
  return loadKind === "serverless" ? { [REDSHIFT_DB_ROLES_TAG]: WAREHOUSE_LOAD_ROLE } : {};
}

/** The schedule role's policy: start this one state machine. */
export function schedulePolicy(stateMachineArn: string): PolicyDocument {
  return policyDocument([
    {
      Sid: "StartPipeline",
      Effect: "Allow",
      Action: [...perms.START_EXECUTION_ACTIONS],
      Resource: stateMachineArn,
    },
  ]);
}

/**
 * One batch pipeline as a Step Functions state machine (Glue job → partitions → Redshift load, with
 * retries, catches and an SNS failure notification), logged at level ALL to a KMS-encrypted log group,
 * traced with X-Ray, run by a role scoped to exactly its job, crawler or workgroup, cluster and topic,
 * and started by an EventBridge schedule with its own role.
 *
 * @example
 * new BatchWorkflow("orders-daily", { glueJob: { name: job.name, arn: job.arn },
 *   partitions: { kind: "crawler", crawlerName: crawler.name, crawlerArn: crawler.arn },
 *   load: { target: warehouse.loadTarget }, failureTopicArn: alarms.arn, logKmsKeyArn: keys.logs.arn }, { provider });
 */
export class BatchWorkflow extends pulumi.ComponentResource {
  readonly stateMachineArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly ruleArn: pulumi.Output<string>;
  /** Failed, timed-out executions and the longest execution, for dashboards and alarms. */
  readonly keyMetrics: KeyMetrics;

  /** Failed executions (Sum over 5 min): alarm on > 0. */
  metricFailed(): MetricSpec {
    return stateMachineMetric(this.stateMachineArn, "ExecutionsFailed");
  }

  /** Timed-out executions (Sum over 5 min): alarm on > 0. */
  metricTimedOut(): MetricSpec {
    return stateMachineMetric(this.stateMachineArn, "ExecutionsTimedOut");
  }

  /** Longest execution in milliseconds (Maximum over 5 min): alarm near the RTO. */
  metricDuration(): MetricSpec {
    return stateMachineMetric(this.stateMachineArn, "ExecutionTime");
  }

  constructor(name: string, args: BatchWorkflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:orchestration:BatchWorkflow", name, {}, opts);
    const schedule = args.schedule ?? DEFAULTS.schedule;
    const logRetentionDays = args.logRetentionDays ?? DEFAULTS.logRetentionDays;
    const problems = scheduleProblems(schedule);
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays))
      problems.push({
        field: "logRetentionDays",
        value: logRetentionDays,
        allowed: `one of ${LOG_RETENTION_DAYS.join(", ")}`,
      });
    if (problems.length)
      throw new pulumi.ResourceError(describeProblems(`BatchWorkflow "${name}"`, problems), this);

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this });
    const p = args.partitions;
    const load = args.load;
    // Spark and warehouse targets may be stack outputs of the platform: resolved at deploy time, a
    // missing one (feature off) drops its step from the definition and its statements from the policy.
    const sparkTarget: pulumi.Output<SparkTarget | undefined> = args.spark
      ? pulumi.output(args.spark.target as pulumi.Input<SparkTarget | undefined>)
      : pulumi.output<SparkTarget | undefined>(undefined);
    const loadTarget: pulumi.Output<LoadTargetValue | undefined> = load
      ? (pulumi.output(load.target as pulumi.Input<LoadTargetValue | undefined>) as pulumi.Output<
          LoadTargetValue | undefined
        >)
      : pulumi.output<LoadTargetValue | undefined>(undefined);

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Step Functions role of pipeline ${name}`,
        assumeRolePolicy: identity.accountId.apply((acct) =>
          assumeRolePolicy(["states.amazonaws.com"], acct),
        ),
        // Redshift Serverless: the Data API signs in as this role's own database user (`IAMR:<name>`),
        // which gets the load role (EXECUTE on the load procedures, platform.sql) from this tag.
        tags: loadTarget.apply((t) => workflowRoleTags(t?.kind)),
      },
      { parent: this },
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-role`,
      {
        role: role.id,
        policy: (
          pulumi.output({
            r: region.region,
            accountId: identity.accountId,
            glueJobArn: args.glueJob.arn,
            crawlerArn: optional(p?.kind === "crawler" ? p.crawlerArn : undefined),
            athena:
              p?.kind === "athena"
                ? pulumi.all([p.workgroupArn, p.resultsBucketArn, p.tableBucketArn, pulumi.all(p.kmsKeyArns)])
                : pulumi.output(undefined),
            spark: sparkTarget,
            target: loadTarget,
            failureTopicArn: args.failureTopicArn,
            failureTopicKmsKeyArn: optional(args.failureTopicKmsKeyArn),
          }) as unknown as pulumi.Output<{
            r: string;
            accountId: string;
            glueJobArn: string;
            crawlerArn?: string;
            athena?: [string, string, string, string[]];
            spark?: SparkTarget;
            target?: LoadTargetValue;
            failureTopicArn: string;
            failureTopicKmsKeyArn?: string;
          }>
        ).apply(
          ({
            r,
            accountId,
            glueJobArn,
            crawlerArn,
            athena,
            spark,
            target,
            failureTopicArn,
            failureTopicKmsKeyArn,
          }) =>
            JSON.stringify(
              workflowPolicy({
                region: r,
                accountId,
                glueJobArn,
                crawlerArn,
                athena:
                  p?.kind === "athena" && athena
                    ? {
                        workgroupArn: athena[0],
                        database: p.database,
                        table: p.table,
                        resultsBucketArn: athena[1],
                        tableBucketArn: athena[2],
                        kmsKeyArns: athena[3],
                      }
                    : undefined,
                spark,
                load: target
                  ? { kind: target.kind, arn: target.arn, database: target.database, dbUser: target.dbUser }
                  : undefined,
                failureTopicArn,
                failureTopicKmsKeyArn,
              }),
            ),
        ),
      },
      { parent: this },
    );

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-executions`,
      {
        namePrefix: `/aws/vendedlogs/states/${name}-`,
        kmsKeyId: args.logKmsKeyArn,
        retentionInDays: logRetentionDays,
      },
      { parent: this },
    );

    const definition = (
      pulumi.output({
        loadSql: pulumi.output(load?.sql ?? LOAD_EVENTS_STATEMENT),
        loadParameters: pulumi.output(load?.parameters ?? {}),
        jobName: args.glueJob.name,
        partitionResource: optional(
          p?.kind === "crawler" ? p.crawlerName : p?.kind === "athena" ? p.workgroupName : undefined,
        ),
        spark: sparkTarget,
        scriptUri: optional(args.spark?.scriptUri),
        sparkArguments: pulumi.output(args.spark?.arguments ?? []),
        target: loadTarget,
        failureTopicArn: args.failureTopicArn,
      }) as unknown as pulumi.Output<{
        loadSql: string;
        loadParameters: Record<string, string>;
        jobName: string;
        partitionResource?: string;
        spark?: SparkTarget;
        scriptUri?: string;
        sparkArguments: string[];
        target?: LoadTargetValue;
        failureTopicArn: string;
      }>
    ).apply(
      ({
        loadSql,
        loadParameters,
        jobName,
        partitionResource,
        spark,
        scriptUri,
        sparkArguments,
        target,
        failureTopicArn,
      }) => {
        const partitions: PartitionStep | undefined =
          p?.kind === "crawler"
            ? { kind: "crawler", crawlerName: partitionResource! }
            : p?.kind === "athena"
              ? { kind: "athena", workgroup: partitionResource!, database: p.database, table: p.table }
              : undefined;
        const sparkStep: SparkStep | undefined =
          spark && scriptUri
            ? spark.kind === "emr"
              ? {
                  kind: "emr",
                  clusterId: spark.id,
                  scriptUri,
                  arguments: sparkArguments,
                  timeoutSeconds: args.spark?.timeoutSeconds,
                }
              : {
                  kind: "emr-serverless",
                  applicationId: spark.id,
                  executionRoleArn: spark.jobRoleArn,
                  scriptUri,
                  arguments: sparkArguments,
                  timeoutSeconds: args.spark?.timeoutSeconds,
                }
            : undefined;
        const sql = loadSql;
        const parameters = Object.keys(loadParameters).length ? loadParameters : undefined;
        const loadStep: LoadStep | undefined = !target
          ? undefined
          : target.kind === "cluster"
            ? {
                kind: "cluster",
                clusterIdentifier: target.name,
                database: target.database,
                dbUser: target.dbUser!,
                sql,
                parameters,
              }
            : { kind: "serverless", workgroupName: target.name, database: target.database, sql, parameters };
        return JSON.stringify(
          pipelineDefinition({
            pipeline: name,
            glueJob: {
              jobName,
              arguments: args.glueJob.arguments,
              timeoutSeconds: args.glueJob.timeoutSeconds,
            },
            partitions,
            spark: sparkStep,
            load: loadStep,
            failureTopicArn,
            retry: args.retry,
            loadPollSeconds: args.loadPollSeconds,
            timeoutSeconds: args.timeoutSeconds,
          }),
        );
      },
    );

    // Execution state is encrypted with a customer managed key; the execution role and the
    // schedule's role use it (Step Functions acts with the caller's permissions on the key).
    const stateKey = pulumi.output(args.stateKmsKeyArn ?? args.logKmsKeyArn);
    const keyPolicy = (sid: string) =>
      stateKey.apply((keyArn) =>
        JSON.stringify(
          policyDocument([
            { Sid: sid, Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: keyArn },
          ]),
        ),
      );
    const stateKeyPolicy = new aws.iam.RolePolicy(
      `${name}-state-key`,
      { role: role.id, policy: keyPolicy("EncryptExecutionState") },
      { parent: this },
    );
    const machine = new aws.sfn.StateMachine(
      `${name}-pipeline`,
      {
        type: "STANDARD",
        roleArn: role.arn,
        definition,
        encryptionConfiguration: {
          type: "CUSTOMER_MANAGED_KMS_KEY",
          kmsKeyId: stateKey,
          kmsDataKeyReusePeriodSeconds: 300,
        },
        loggingConfiguration: {
          level: "ALL",
          includeExecutionData: true,
          logDestination: pulumi.interpolate`${logGroup.arn}:*`,
        },
        tracingConfiguration: { enabled: true },
      },
      { parent: this, dependsOn: [rolePolicy, stateKeyPolicy] },
    );

    const eventsRole = new aws.iam.Role(
      `${name}-schedule`,
      {
        description: `EventBridge role starting pipeline ${name}`,
        assumeRolePolicy: identity.accountId.apply((acct) =>
          assumeRolePolicy(["events.amazonaws.com"], acct),
        ),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-schedule`,
      { role: eventsRole.id, policy: machine.arn.apply((arn) => JSON.stringify(schedulePolicy(arn))) },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-schedule-state-key`,
      { role: eventsRole.id, policy: keyPolicy("StartEncryptedExecutions") },
      { parent: this },
    );
    const rule = new aws.cloudwatch.EventRule(
      `${name}-schedule`,
      {
        description: `Starts pipeline ${name}`,
        scheduleExpression: schedule,
        state: (args.scheduleEnabled ?? DEFAULTS.scheduleEnabled) ? "ENABLED" : "DISABLED",
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-schedule`,
      {
        rule: rule.name,
        arn: machine.arn,
        roleArn: eventsRole.arn,
        input: JSON.stringify({ pipeline: name }),
        retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 3 },
      },
      { parent: this },
    );

    this.stateMachineArn = machine.arn;
    this.roleArn = role.arn;
    this.logGroupName = logGroup.name;
    this.ruleArn = rule.arn;
    this.keyMetrics = {
      executionsFailed: this.metricFailed(),
      executionsTimedOut: this.metricTimedOut(),
      executionTimeMs: this.metricDuration(),
    };
    this.registerOutputs({
      stateMachineArn: machine.arn,
      roleArn: role.arn,
      logGroupName: logGroup.name,
      ruleArn: rule.arn,
    });
  }
}

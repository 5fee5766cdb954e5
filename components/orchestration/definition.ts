/**
 * Amazon States Language for a batch pipeline, generated from typed steps:
 * Glue job → partition update (crawler or Athena MSCK) → Redshift load through the Data API (started,
 * then polled until it finishes) — every task with Retry and a Catch that routes to one SNS failure
 * notification followed by a Fail state.
 */

/** An ASL retrier. */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
  readonly JitterStrategy?: "FULL" | "NONE";
}

/** An ASL catcher. */
export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly ResultPath: string;
  readonly Next: string;
}

/** The states this builder emits (a subset of ASL, typed). */
export type State =
  | {
      Type: "Pass";
      Parameters?: Record<string, unknown>;
      ResultPath?: string;
      Next: string;
      Comment?: string;
    }
  | {
      Type: "Task";
      Resource: string;
      Parameters: Record<string, unknown>;
      ResultSelector?: Record<string, unknown>;
      ResultPath?: string | null;
      TimeoutSeconds?: number;
      Retry: readonly Retrier[];
      Catch?: readonly Catcher[];
      Next?: string;
      End?: true;
      Comment?: string;
    }
  | { Type: "Wait"; Seconds: number; Next: string }
  | {
      Type: "Choice";
      Comment?: string;
      Choices: readonly Record<string, unknown>[];
      Default: string;
    }
  | { Type: "Succeed" }
  | { Type: "Fail"; Error: string; Cause: string };

/** A state machine definition. */
export interface StateMachineDefinition {
  readonly Comment: string;
  readonly StartAt: string;
  readonly TimeoutSeconds: number;
  readonly States: Record<string, State>;
}

/** The Glue ETL job the pipeline starts and waits for. */
export interface GlueJobStep {
  /** Glue job name. */
  readonly jobName: string;
  /** Extra job arguments (`--key: value`); `--run_date` is always passed. Default none. */
  readonly arguments?: Readonly<Record<string, string>>;
  /** Seconds before the run counts as timed out. Default 7200. */
  readonly timeoutSeconds?: number;
}

/** How new partitions become visible after the job. */
export type PartitionStep =
  | { readonly kind: "crawler"; readonly crawlerName: string }
  | {
      readonly kind: "athena";
      readonly workgroup: string;
      readonly database: string;
      readonly table: string;
    };

/**
 * The Spark job after the partitions: a step on a persistent EMR cluster (`addStep.sync`, run through
 * `command-runner.jar spark-submit`) or a job run on an EMR Serverless application
 * (`startJobRun.sync`, run as `executionRoleArn`). `--run_date <run date>` is appended to the
 * arguments.
 */
export type SparkStep = {
  /** `s3://` location of the PySpark script. */
  readonly scriptUri: string;
  /** Script arguments before `--run_date`. Default none. */
  readonly arguments?: readonly string[];
  /** Seconds before the job counts as timed out. Default 7200. */
  readonly timeoutSeconds?: number;
} & (
  | { readonly kind: "emr"; readonly clusterId: string }
  | { readonly kind: "emr-serverless"; readonly applicationId: string; readonly executionRoleArn: string }
);

/** The Redshift load. `parameters` are bound besides `run_date` (Data API named parameters). */
export type LoadStep = { readonly parameters?: Readonly<Record<string, string>> } & (
  | {
      readonly kind: "cluster";
      readonly clusterIdentifier: string;
      readonly database: string;
      readonly dbUser: string;
      readonly sql: string;
    }
  | {
      readonly kind: "serverless";
      readonly workgroupName: string;
      readonly database: string;
      readonly sql: string;
    }
);

/** Retry policy of every task. */
export interface RetryPolicy {
  /** Attempts after the first. Default 2. */
  readonly maxAttempts?: number;
  /** Seconds before the first retry. Default 30. */
  readonly intervalSeconds?: number;
  /** Multiplier of the interval per attempt. Default 2. */
  readonly backoffRate?: number;
}

export interface PipelineDefinitionArgs {
  /** Pipeline name (notification subject, statement names). */
  readonly pipeline: string;
  readonly glueJob: GlueJobStep;
  /** Partition update. Default none (tables use partition projection). */
  readonly partitions?: PartitionStep;
  /** Spark job after the partitions. Default none. */
  readonly spark?: SparkStep;
  /** Warehouse load. Default none. */
  readonly load?: LoadStep;
  /** SNS topic of the failure notification. */
  readonly failureTopicArn: string;
  readonly retry?: RetryPolicy;
  /** Seconds between polls of the Redshift statement. Default 30. */
  readonly loadPollSeconds?: number;
  /** Whole-execution timeout in seconds. Default 21600 (6 h). */
  readonly timeoutSeconds?: number;
}

/** State names, so tests and alarms refer to them by name. */
export const STATE = {
  prepare: "PrepareRun",
  givenDate: "UseGivenRunDate",
  startDate: "UseStartDate",
  spark: "RunSparkJob",
  glue: "RunGlueJob",
  crawler: "StartCrawler",
  athena: "RepairPartitions",
  load: "StartWarehouseLoad",
  waitLoad: "WaitForWarehouseLoad",
  checkLoad: "CheckWarehouseLoad",
  loadDone: "WarehouseLoadDone",
  loadFailed: "WarehouseLoadFailed",
  notify: "NotifyFailure",
  failed: "PipelineFailed",
  succeeded: "PipelineSucceeded",
} as const;

/** Run date (YYYY-MM-DD) of the execution, from its start time, when the input names none. */
export const RUN_DATE_EXPRESSION = "States.ArrayGetItem(States.StringSplit($$.Execution.StartTime, 'T'), 0)";

/** A string literal inside an ASL intrinsic function (`'`, `{`, `}` and `\` escaped). */
export function intrinsicString(v: string): string {
  return `'${v.replace(/[\\'{}]/g, (c) => `\\${c}`)}'`;
}

/** `States.Array(...)` of literal arguments followed by `--run_date` and the run date. */
function argumentsWithRunDate(literals: readonly string[]): string {
  return `States.Array(${[...literals, "--run_date"].map(intrinsicString).join(", ")}, $.run.runDate)`;
}

/** `MSCK REPAIR TABLE` for a table, with identifiers quoted for Athena. */
export function msckStatement(database: string, table: string): string {
  for (const [field, v] of [
    ["partitions.database", database],
    ["partitions.table", table],
  ] as const) {
    if (!/^[a-z0-9_]+$/.test(v))
      throw new Error(`${field} = "${v}": lower-case letters, digits and _ (a Glue name)`);
  }
  return `MSCK REPAIR TABLE \`${database}\`.\`${table}\``;
}

/**
 * The ASL document of one pipeline. Pure: the component resolves names and ARNs first and tests call
 * it directly.
 */
export function pipelineDefinition(args: PipelineDefinitionArgs): StateMachineDefinition {
  const retrier = (errors: readonly string[]): Retrier => ({
    ErrorEquals: errors,
    IntervalSeconds: args.retry?.intervalSeconds ?? 30,
    MaxAttempts: args.retry?.maxAttempts ?? 2,
    BackoffRate: args.retry?.backoffRate ?? 2,
    JitterStrategy: "FULL",
  });
  const retry = [retrier(["States.TaskFailed", "States.Timeout"])];
  const catchAll: Catcher[] = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: STATE.notify }];
  const states: Record<string, State> = {};

  const afterLoad = args.load ? STATE.load : STATE.succeeded;
  const afterPartitions = args.spark ? STATE.spark : afterLoad;
  const afterGlue = args.partitions
    ? args.partitions.kind === "crawler"
      ? STATE.crawler
      : STATE.athena
    : afterPartitions;

  states[STATE.prepare] = {
    Type: "Choice",
    Comment: 'Reprocess a given day with input {"runDate": "YYYY-MM-DD"}; else the execution\'s date',
    Choices: [{ Variable: "$.runDate", IsPresent: true, Next: STATE.givenDate }],
    Default: STATE.startDate,
  };
  states[STATE.givenDate] = {
    Type: "Pass",
    Parameters: { "runDate.$": "$.runDate" },
    ResultPath: "$.run",
    Next: STATE.glue,
  };
  states[STATE.startDate] = {
    Type: "Pass",
    Comment: "Fix the run date once so every step (and a retry) uses the same day",
    Parameters: { "runDate.$": RUN_DATE_EXPRESSION },
    ResultPath: "$.run",
    Next: STATE.glue,
  };
  const jobArguments: Record<string, string> = {};
  for (const [k, v] of Object.entries(args.glueJob.arguments ?? {}))
    jobArguments[k.startsWith("--") ? k : `--${k}`] = v;
  states[STATE.glue] = {
    Type: "Task",
    Resource: "arn:aws:states:::glue:startJobRun.sync",
    Parameters: {
      JobName: args.glueJob.jobName,
      Arguments: { ...jobArguments, "--run_date.$": "$.run.runDate" },
    },
    ResultSelector: { "JobRunId.$": "$.Id", "JobRunState.$": "$.JobRunState" },
    ResultPath: "$.glue",
    TimeoutSeconds: args.glueJob.timeoutSeconds ?? 7200,
    Retry: [retrier(["Glue.ConcurrentRunsExceededException", "Glue.ThrottlingException"]), ...retry],
    Catch: catchAll,
    Next: afterGlue,
  };

  if (args.partitions?.kind === "crawler") {
    states[STATE.crawler] = {
      Type: "Task",
      Comment: "A crawler already running will pick the new partitions up: not a failure",
      Resource: "arn:aws:states:::aws-sdk:glue:startCrawler",
      Parameters: { Name: args.partitions.crawlerName },
      ResultPath: null,
      Retry: [retrier(["Glue.ThrottlingException"]), ...retry],
      Catch: [
        { ErrorEquals: ["Glue.CrawlerRunningException"], ResultPath: "$.crawler", Next: afterPartitions },
        ...catchAll,
      ],
      Next: afterPartitions,
    };
  } else if (args.partitions?.kind === "athena") {
    states[STATE.athena] = {
      Type: "Task",
      Resource: "arn:aws:states:::athena:startQueryExecution.sync",
      Parameters: {
        QueryString: msckStatement(args.partitions.database, args.partitions.table),
        WorkGroup: args.partitions.workgroup,
        QueryExecutionContext: { Database: args.partitions.database },
      },
      ResultSelector: { "QueryExecutionId.$": "$.QueryExecution.QueryExecutionId" },
      ResultPath: "$.partitions",
      TimeoutSeconds: 1800,
      Retry: [retrier(["Athena.TooManyRequestsException"]), ...retry],
      Catch: catchAll,
      Next: afterPartitions,
    };
  }

  if (args.spark) {
    const sp = args.spark;
    const jobArgs = argumentsWithRunDate(sp.arguments ?? []);
    states[STATE.spark] =
      sp.kind === "emr"
        ? {
            Type: "Task",
            Comment: "Spark step on the persistent cluster; a failed step leaves the cluster running",
            Resource: "arn:aws:states:::elasticmapreduce:addStep.sync",
            Parameters: {
              ClusterId: sp.clusterId,
              Step: {
                Name: `${args.pipeline}-spark`,
                ActionOnFailure: "CONTINUE",
                HadoopJarStep: {
                  Jar: "command-runner.jar",
                  "Args.$": argumentsWithRunDate([
                    "spark-submit",
                    "--deploy-mode",
                    "cluster",
                    sp.scriptUri,
                    ...(sp.arguments ?? []),
                  ]),
                },
              },
            },
            ResultSelector: { "StepId.$": "$.Step.Id", "State.$": "$.Step.Status.State" },
            ResultPath: "$.spark",
            TimeoutSeconds: sp.timeoutSeconds ?? 7200,
            Retry: retry,
            Catch: catchAll,
            Next: afterLoad,
          }
        : {
            Type: "Task",
            Resource: "arn:aws:states:::emr-serverless:startJobRun.sync",
            Parameters: {
              ApplicationId: sp.applicationId,
              ExecutionRoleArn: sp.executionRoleArn,
              Name: `${args.pipeline}-spark`,
              "ClientToken.$": "States.UUID()",
              JobDriver: { SparkSubmit: { EntryPoint: sp.scriptUri, "EntryPointArguments.$": jobArgs } },
            },
            ResultSelector: { "JobRunId.$": "$.JobRunId" },
            ResultPath: "$.spark",
            TimeoutSeconds: sp.timeoutSeconds ?? 7200,
            Retry: retry,
            Catch: catchAll,
            Next: afterLoad,
          };
  }

  if (args.load) {
    const target =
      args.load.kind === "cluster"
        ? { ClusterIdentifier: args.load.clusterIdentifier, DbUser: args.load.dbUser }
        : { WorkgroupName: args.load.workgroupName };
    states[STATE.load] = {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:redshiftdata:executeStatement",
      Parameters: {
        ...target,
        Database: args.load.database,
        Sql: args.load.sql,
        Parameters: [
          { Name: "run_date", "Value.$": "$.run.runDate" },
          ...Object.entries(args.load.parameters ?? {}).map(([Name, Value]) => ({ Name, Value })),
        ],
        StatementName: `${args.pipeline}-load`,
      },
      ResultSelector: { "Id.$": "$.Id" },
      ResultPath: "$.load",
      Retry: [
        retrier(["RedshiftData.ActiveStatementsExceededException", "RedshiftData.ThrottlingException"]),
        ...retry,
      ],
      Catch: catchAll,
      Next: STATE.waitLoad,
    };
    states[STATE.waitLoad] = { Type: "Wait", Seconds: args.loadPollSeconds ?? 30, Next: STATE.checkLoad };
    states[STATE.checkLoad] = {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:redshiftdata:describeStatement",
      Parameters: { "Id.$": "$.load.Id" },
      ResultPath: "$.loadStatus",
      Retry: [retrier(["RedshiftData.ThrottlingException"]), ...retry],
      Catch: catchAll,
      Next: STATE.loadDone,
    };
    states[STATE.loadDone] = {
      Type: "Choice",
      Choices: [
        { Variable: "$.loadStatus.Status", StringEquals: "FINISHED", Next: STATE.succeeded },
        {
          Or: [
            { Variable: "$.loadStatus.Status", StringEquals: "FAILED" },
            { Variable: "$.loadStatus.Status", StringEquals: "ABORTED" },
          ],
          Next: STATE.loadFailed,
        },
      ],
      Default: STATE.waitLoad,
    };
    states[STATE.loadFailed] = {
      Type: "Pass",
      Parameters: { Error: "WarehouseLoadFailed", "Cause.$": "States.JsonToString($.loadStatus)" },
      ResultPath: "$.error",
      Next: STATE.notify,
    };
  }

  states[STATE.notify] = {
    Type: "Task",
    Resource: "arn:aws:states:::sns:publish",
    Parameters: {
      TopicArn: args.failureTopicArn,
      Subject: `Pipeline ${args.pipeline} failed`.slice(0, 100),
      "Message.$": "States.JsonToString($)",
    },
    ResultPath: null,
    Retry: [retrier(["SNS.ThrottledException", "States.TaskFailed"])],
    Next: STATE.failed,
  };
  states[STATE.failed] = {
    Type: "Fail",
    Error: "PipelineFailed",
    Cause: "A step failed; see the failure notification",
  };
  states[STATE.succeeded] = { Type: "Succeed" };

  return {
    Comment: `Batch pipeline ${args.pipeline}: Glue job, partitions, Spark job, warehouse load`,
    StartAt: STATE.prepare,
    TimeoutSeconds: args.timeoutSeconds ?? 21_600,
    States: states,
  };
}

/** Problems with a definition's wiring: transitions to unknown states, unreachable states, tasks without Retry/Catch. */
export function definitionProblems(def: StateMachineDefinition): string[] {
  const problems: string[] = [];
  const names = new Set(Object.keys(def.States));
  const targets = (s: State): string[] => {
    const out: string[] = [];
    if ("Next" in s && s.Next) out.push(s.Next);
    if (s.Type === "Task") out.push(...(s.Catch ?? []).map((c) => c.Next));
    if (s.Type === "Choice") out.push(s.Default, ...s.Choices.map((c) => String(c.Next)));
    return out;
  };
  const seen = new Set<string>();
  const walk = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const t of targets(def.States[n])) {
      if (!names.has(t)) problems.push(`${n} transitions to unknown state ${t}`);
      else walk(t);
    }
  };
  if (!names.has(def.StartAt)) problems.push(`StartAt ${def.StartAt} is not a state`);
  else walk(def.StartAt);
  for (const n of names) if (!seen.has(n)) problems.push(`${n} is unreachable`);
  for (const [n, s] of Object.entries(def.States)) {
    if (s.Type !== "Task") continue;
    if (!s.Retry.length) problems.push(`${n} has no Retry`);
    if (n !== STATE.notify && !(s.Catch ?? []).some((c) => c.ErrorEquals.includes("States.ALL")))
      problems.push(`${n} has no Catch for States.ALL`);
  }
  return problems;
}

import { allOf, batchPlan, inputsOf, keysOf } from "../../harness/fixtures/batch/plan";
import { overBroadStatements, type PolicyDocument, type PolicyStatement } from "../batch/iam";
import { scheduleProblems, stateMachineMetric, workflowPolicy } from "./batchWorkflow";
import {
  definitionProblems,
  intrinsicString,
  msckStatement,
  pipelineDefinition,
  STATE,
  type StateMachineDefinition,
} from "./definition";
import {
  LAKE_FORMATION_DATA_ACCESS_ACTIONS,
  LOG_DELIVERY_ACTIONS,
  REDSHIFT_DATA_DESCRIBE_ACTIONS,
  XRAY_ACTIONS,
} from "./perms";

const TOPIC = "arn:aws:sns:us-east-1:1:failures";
const full = () =>
  pipelineDefinition({
    pipeline: "daily",
    glueJob: { jobName: "raw-to-processed" },
    partitions: { kind: "athena", workgroup: "analytics", database: "processed", table: "events" },
    load: {
      kind: "cluster",
      clusterIdentifier: "wh",
      database: "analytics",
      dbUser: "etl_loader",
      sql: "CALL x(:run_date)",
    },
    failureTopicArn: TOPIC,
  });
type Task = Extract<StateMachineDefinition["States"][string], { Type: "Task" }>;
const task = (d: StateMachineDefinition, n: string) => d.States[n] as Task;

describe("pipeline definition", () => {
  it("runs Glue job, partition repair and warehouse load in order and ends in success", () => {
    const d = full();
    expect(d.StartAt).toBe(STATE.prepare);
    expect(task(d, STATE.glue)).toMatchObject({
      Resource: "arn:aws:states:::glue:startJobRun.sync",
      Next: STATE.athena,
    });
    expect(task(d, STATE.athena)).toMatchObject({
      Resource: "arn:aws:states:::athena:startQueryExecution.sync",
      Parameters: { QueryString: "MSCK REPAIR TABLE `processed`.`events`", WorkGroup: "analytics" },
      Next: STATE.load,
    });
    expect(task(d, STATE.load)).toMatchObject({
      Resource: "arn:aws:states:::aws-sdk:redshiftdata:executeStatement",
      Parameters: {
        ClusterIdentifier: "wh",
        DbUser: "etl_loader",
        Database: "analytics",
        Sql: "CALL x(:run_date)",
      },
    });
    expect(d.States[STATE.loadDone]).toMatchObject({ Type: "Choice", Default: STATE.waitLoad });
    expect(definitionProblems(d)).toEqual([]);
  });

  it("retries every task and routes every failure to one SNS notification, then fails the execution", () => {
    const d = full();
    for (const [name, s] of Object.entries(d.States)) {
      if (s.Type !== "Task") continue;
      expect(s.Retry.length).toBeGreaterThan(0);
      if (name !== STATE.notify)
        expect(s.Catch).toContainEqual({
          ErrorEquals: ["States.ALL"],
          ResultPath: "$.error",
          Next: STATE.notify,
        });
    }
    expect(task(d, STATE.notify)).toMatchObject({
      Resource: "arn:aws:states:::sns:publish",
      Parameters: { TopicArn: TOPIC, "Message.$": "States.JsonToString($)" },
      Next: STATE.failed,
    });
    expect(d.States[STATE.failed]).toMatchObject({ Type: "Fail" });
    expect(d.States[STATE.loadFailed]).toMatchObject({ Type: "Pass", Next: STATE.notify });
  });

  it("passes the execution's run date to the job and the load", () => {
    const d = full();
    expect(task(d, STATE.glue).Parameters.Arguments).toEqual({ "--run_date.$": "$.run.runDate" });
    expect(task(d, STATE.load).Parameters.Parameters).toEqual([
      { Name: "run_date", "Value.$": "$.run.runDate" },
    ]);
  });

  it("treats a crawler that is already running as done, and skips steps that are not configured", () => {
    const d = pipelineDefinition({
      pipeline: "p",
      glueJob: { jobName: "j" },
      partitions: { kind: "crawler", crawlerName: "c" },
      failureTopicArn: TOPIC,
    });
    expect(task(d, STATE.crawler).Catch![0]).toEqual({
      ErrorEquals: ["Glue.CrawlerRunningException"],
      ResultPath: "$.crawler",
      Next: STATE.succeeded,
    });
    expect(d.States[STATE.load]).toBeUndefined();
    expect(definitionProblems(d)).toEqual([]);
  });

  it("flags a task without a catch-all (the checker is not vacuous)", () => {
    const d = full();
    const broken = { ...d, States: { ...d.States, [STATE.glue]: { ...task(d, STATE.glue), Catch: [] } } };
    expect(definitionProblems(broken)).toEqual([`${STATE.glue} has no Catch for States.ALL`]);
  });

  it("refuses table names that could inject into the MSCK statement", () => {
    expect(() => msckStatement("processed", "events`; DROP TABLE x")).toThrow(/partitions\.table/);
  });
});

describe("Spark step", () => {
  const base = {
    pipeline: "orders-nightly",
    glueJob: { jobName: "j" },
    partitions: { kind: "athena" as const, workgroup: "analytics", database: "processed", table: "events" },
    load: {
      kind: "serverless" as const,
      workgroupName: "wh",
      database: "analytics",
      sql: "CALL platform.load_events_for_run(:run_date, :dataset)",
      parameters: { dataset: "orders/events/" },
    },
    failureTopicArn: TOPIC,
  };

  it("runs between the partitions and the load, as an EMR step on the persistent cluster", () => {
    const d = pipelineDefinition({
      ...base,
      spark: {
        kind: "emr",
        clusterId: "j-ABC",
        scriptUri: "s3://artifacts/spark/daily_event_rollup.py",
        arguments: ["--source", "s3://processed/orders/events/"],
      },
    });
    expect(task(d, STATE.athena).Next).toBe(STATE.spark);
    const spark = task(d, STATE.spark);
    expect(spark).toMatchObject({
      Resource: "arn:aws:states:::elasticmapreduce:addStep.sync",
      Parameters: {
        ClusterId: "j-ABC",
        Step: { ActionOnFailure: "CONTINUE", HadoopJarStep: { Jar: "command-runner.jar" } },
      },
      Next: STATE.load,
    });
    expect((spark.Parameters.Step as { HadoopJarStep: Record<string, string> }).HadoopJarStep["Args.$"]).toBe(
      "States.Array('spark-submit', '--deploy-mode', 'cluster', 's3://artifacts/spark/daily_event_rollup.py', " +
        "'--source', 's3://processed/orders/events/', '--run_date', $.run.runDate)",
    );
    expect(spark.Catch).toContainEqual({
      ErrorEquals: ["States.ALL"],
      ResultPath: "$.error",
      Next: STATE.notify,
    });
    expect(spark.Retry.length).toBeGreaterThan(0);
    expect(definitionProblems(d)).toEqual([]);
  });

  it("runs as an EMR Serverless job run with the job role, and binds the dataset to the load", () => {
    const d = pipelineDefinition({
      ...base,
      spark: {
        kind: "emr-serverless",
        applicationId: "00abc",
        executionRoleArn: "arn:aws:iam::1:role/spark-job",
        scriptUri: "s3://artifacts/spark/rollup.py",
      },
    });
    expect(task(d, STATE.spark)).toMatchObject({
      Resource: "arn:aws:states:::emr-serverless:startJobRun.sync",
      Parameters: {
        ApplicationId: "00abc",
        ExecutionRoleArn: "arn:aws:iam::1:role/spark-job",
        JobDriver: {
          SparkSubmit: {
            EntryPoint: "s3://artifacts/spark/rollup.py",
            "EntryPointArguments.$": "States.Array('--run_date', $.run.runDate)",
          },
        },
      },
      Next: STATE.load,
    });
    expect(task(d, STATE.load).Parameters.Parameters).toEqual([
      { Name: "run_date", "Value.$": "$.run.runDate" },
      { Name: "dataset", Value: "orders/events/" },
    ]);
    expect(definitionProblems(d)).toEqual([]);
  });

  it("escapes quotes and braces of literal arguments inside the intrinsic function", () => {
    expect(intrinsicString("it's {x}\\")).toBe("'it\\'s \\{x\\}\\\\'");
  });
});

describe("run date", () => {
  it("reprocesses the day an execution's input names, else takes the execution's start date", () => {
    const d = full();
    expect(d.States[STATE.prepare]).toMatchObject({
      Type: "Choice",
      Choices: [{ Variable: "$.runDate", IsPresent: true, Next: STATE.givenDate }],
      Default: STATE.startDate,
    });
    expect(d.States[STATE.givenDate]).toMatchObject({
      Parameters: { "runDate.$": "$.runDate" },
      ResultPath: "$.run",
      Next: STATE.glue,
    });
    expect(d.States[STATE.startDate]).toMatchObject({ ResultPath: "$.run", Next: STATE.glue });
  });
});

describe("pipeline metrics", () => {
  it("counts failures as a 5-minute sum per state machine and durations as a maximum", () => {
    expect(stateMachineMetric("arn:sm", "ExecutionsFailed")).toEqual({
      namespace: "AWS/States",
      metricName: "ExecutionsFailed",
      dimensions: { StateMachineArn: "arn:sm" },
      statistic: "Sum",
      period: 300,
    });
    expect(stateMachineMetric("arn:sm", "ExecutionTime").statistic).toBe("Maximum");
  });
});

describe("schedule expressions", () => {
  it.each(["cron(15 2 * * ? *)", "cron(0 */6 ? * MON-FRI *)", "rate(1 hour)", "rate(30 minutes)"])(
    "accepts %s",
    (e) => expect(scheduleProblems(e)).toEqual([]),
  );
  it.each(["every day", "rate(1 hours)", "rate(0 minutes)", "cron(0 2 * * * *)", "cron(0 2 * *)"])(
    "refuses %s",
    (e) => expect(scheduleProblems(e).map((p) => p.field)).toEqual(["schedule"]),
  );
});

/** Statements on `*` may only hold actions IAM cannot scope (documented in perms.ts). */
const UNSCOPABLE = new Set<string>([
  ...LAKE_FORMATION_DATA_ACCESS_ACTIONS,
  ...LOG_DELIVERY_ACTIONS,
  ...XRAY_ACTIONS,
  ...REDSHIFT_DATA_DESCRIBE_ACTIONS,
]);
const onStar = (s: PolicyStatement) =>
  (typeof s.Resource === "string" ? [s.Resource] : s.Resource).includes("*");

describe("state machine role", () => {
  const doc = workflowPolicy({
    region: "us-east-1",
    accountId: "1",
    glueJobArn: "arn:aws:glue:us-east-1:1:job/j",
    load: {
      kind: "cluster",
      arn: "arn:aws:redshift:us-east-1:1:cluster:wh",
      database: "analytics",
      dbUser: "etl_loader",
    },
    failureTopicArn: TOPIC,
  });
  it("gets temporary credentials only for the load user of the warehouse database", () => {
    expect(doc.Statement.find((s) => s.Sid === "LoadUserCredentials")!.Resource).toEqual([
      "arn:aws:redshift:us-east-1:1:dbuser:wh/etl_loader",
      "arn:aws:redshift:us-east-1:1:dbname:wh/analytics",
    ]);
  });
  it("polls only statements it started", () => {
    expect(doc.Statement.find((s) => s.Sid === "PollOwnStatements")!.Condition).toEqual({
      StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" },
    });
  });
  it("uses no wildcard action and only unscopable actions on *", () => {
    expect(overBroadStatements(doc)).toEqual([]);
    for (const s of doc.Statement.filter(onStar)) for (const a of s.Action) expect(UNSCOPABLE).toContain(a);
  });
});

describe("state machine role with a Spark step", () => {
  const policy = (spark: Parameters<typeof workflowPolicy>[0]["spark"]) =>
    workflowPolicy({
      region: "us-east-1",
      accountId: "1",
      glueJobArn: "arn:aws:glue:us-east-1:1:job/j",
      spark,
      failureTopicArn: TOPIC,
    });
  // The statements Step Functions generates for each `.sync` integration (perms.ts cites the pages).
  it("adds steps to exactly the platform's cluster and follows them through Step Functions' managed rule", () => {
    const doc = policy({ kind: "emr", id: "j-1", arn: "arn:aws:elasticmapreduce:us-east-1:1:cluster/j-1" });
    expect(doc.Statement.find((s) => s.Sid === "RunSparkStep")).toMatchObject({
      Action: [
        "elasticmapreduce:AddJobFlowSteps",
        "elasticmapreduce:DescribeStep",
        "elasticmapreduce:CancelSteps",
      ],
      Resource: "arn:aws:elasticmapreduce:us-east-1:1:cluster/j-1",
    });
    expect(doc.Statement.find((s) => s.Sid === "FollowSparkJob")!.Resource).toBe(
      // emr-iam.html: "GetEvent" (singular) for addStep; a wrong name leaves the step unfollowed.
      "arn:aws:events:us-east-1:1:rule/StepFunctionsGetEventForEMRAddJobFlowStepsRule",
    );
    expect(doc.Statement.find((s) => s.Sid === "PassSparkJobRole")).toBeUndefined();
    expect(overBroadStatements(doc)).toEqual([]);
  });
  it("runs jobs on exactly the application and passes the job role to EMR Serverless only", () => {
    const app = "arn:aws:emr-serverless:us-east-1:1:/applications/00a";
    const doc = policy({
      kind: "emr-serverless",
      id: "00a",
      arn: app,
      jobRoleArn: "arn:aws:iam::1:role/job",
    });
    expect(doc.Statement.find((s) => s.Sid === "RunSparkJob")).toMatchObject({
      Action: ["emr-serverless:StartJobRun"],
      Resource: app,
    });
    expect(doc.Statement.find((s) => s.Sid === "FollowSparkJobRuns")).toMatchObject({
      Action: ["emr-serverless:GetJobRun", "emr-serverless:CancelJobRun"],
      Resource: `${app}/jobruns/*`,
    });
    expect(doc.Statement.find((s) => s.Sid === "PassSparkJobRole")).toMatchObject({
      Action: ["iam:PassRole"],
      Resource: "arn:aws:iam::1:role/job",
      Condition: { StringEquals: { "iam:PassedToService": "emr-serverless.amazonaws.com" } },
    });
    expect(doc.Statement.find((s) => s.Sid === "FollowSparkJob")!.Resource).toBe(
      "arn:aws:events:us-east-1:1:rule/StepFunctionsGetEventsForEMRServerlessJobRule",
    );
  });
});

describe("state machine role with the Athena partition step", () => {
  const doc = workflowPolicy({
    region: "us-east-1",
    accountId: "1",
    glueJobArn: "arn:aws:glue:us-east-1:1:job/j",
    athena: {
      workgroupArn: "arn:aws:athena:us-east-1:1:workgroup/analytics",
      database: "processed",
      table: "events",
      resultsBucketArn: "arn:aws:s3:::results",
      tableBucketArn: "arn:aws:s3:::processed",
      kmsKeyArns: ["arn:aws:kms:us-east-1:1:key/k"],
    },
    failureTopicArn: TOPIC,
  });
  it("runs the query in its workgroup and the default data catalog, with Lake Formation credentials", () => {
    expect(doc.Statement.find((s) => s.Sid === "RunAthenaQuery")).toMatchObject({
      Action: expect.arrayContaining([
        "athena:StartQueryExecution",
        "athena:GetQueryExecution",
        "athena:StopQueryExecution",
      ]),
      Resource: "arn:aws:athena:us-east-1:1:workgroup/analytics",
    });
    expect(doc.Statement.find((s) => s.Sid === "ReadDataCatalog")).toMatchObject({
      Action: ["athena:GetDataCatalog"],
      Resource: "arn:aws:athena:us-east-1:1:datacatalog/AwsDataCatalog",
    });
    expect(doc.Statement.find((s) => s.Sid === "LakeFormationDataAccess")!.Action).toEqual([
      "lakeformation:GetDataAccess",
    ]);
    expect(overBroadStatements(doc)).toEqual([]);
    for (const s of doc.Statement.filter(onStar)) for (const a of s.Action) expect(UNSCOPABLE).toContain(a);
  });
});

describe.each(["dev", "prod"] as const)("pipeline in a %s-like stack", (stack) => {
  it("is a standard state machine logging everything to a KMS-encrypted log group, traced with X-Ray", async () => {
    const p = await batchPlan(stack);
    const sm = inputsOf(p, "aws:sfn/stateMachine:StateMachine");
    expect(sm.type).toBe("STANDARD");
    expect(sm.tracingConfiguration).toEqual({ enabled: true });
    const encryption = sm.encryptionConfiguration as { type: string; kmsKeyId: string };
    expect(encryption.type).toBe("CUSTOMER_MANAGED_KMS_KEY");
    expect(encryption.kmsKeyId).toMatch(/^arn:aws:kms:/);
    const keyGrants = p.document.steps
      .filter((st) => st.newState.type === "aws:iam/rolePolicy:RolePolicy" && /state-key$/.test(st.urn))
      .map((st) => JSON.parse(String(st.newState.inputs.policy)).Statement[0]);
    expect(keyGrants).toHaveLength(2);
    for (const g of keyGrants)
      expect(g).toMatchObject({
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: encryption.kmsKeyId,
      });
    const logging = sm.loggingConfiguration as Record<string, unknown>;
    expect(logging).toMatchObject({ level: "ALL", includeExecutionData: true });
    expect(logging.logDestination).toMatch(
      /^arn:aws:logs:us-east-1:123456789012:log-group:\/aws\/vendedlogs\/states\/daily-events-.*:\*$/,
    );
    const lg = inputsOf(p, "aws:cloudwatch/logGroup:LogGroup", "daily-events-executions");
    expect(lg).toMatchObject({ kmsKeyId: keysOf(p).logs, retentionInDays: stack === "prod" ? 365 : 14 });
  });

  it("generates its definition from the fixture's job, topic and warehouse", async () => {
    const p = await batchPlan(stack);
    const d = JSON.parse(
      String(inputsOf(p, "aws:sfn/stateMachine:StateMachine").definition),
    ) as StateMachineDefinition;
    expect(definitionProblems(d)).toEqual([]);
    expect(task(d, STATE.glue).Parameters.JobName).toBe(String(p.outputs.glueJobArn).split("/").pop());
    expect(task(d, STATE.notify).Parameters.TopicArn).toBe(p.outputs.failureTopicArn);
    const load = task(d, STATE.load).Parameters;
    if (stack === "prod") {
      expect(load).toMatchObject({ ClusterIdentifier: p.outputs.warehouseLoadTarget, DbUser: "etl_loader" });
      expect(d.States[STATE.crawler]).toBeDefined();
    } else {
      expect(load).toMatchObject({ WorkgroupName: p.outputs.warehouseLoadTarget });
      expect(task(d, STATE.athena).Parameters.QueryString).toBe("MSCK REPAIR TABLE `processed`.`events`");
    }
  });

  it("scopes the role to exactly the job, the warehouse and the topic", async () => {
    const p = await batchPlan(stack);
    const doc = JSON.parse(
      String(inputsOf(p, "aws:iam/rolePolicy:RolePolicy", "daily-events-role").policy),
    ) as PolicyDocument;
    const sid = (s: string) => doc.Statement.find((x) => x.Sid === s);
    expect(sid("RunGlueJob")!.Resource).toBe(p.outputs.glueJobArn);
    expect(sid("ExecuteLoad")!.Resource).toBe(p.outputs.warehouseLoadArn);
    expect(sid("NotifyFailure")!.Resource).toBe(p.outputs.failureTopicArn);
    expect(sid("UseTopicKey")!.Resource).toBe(keysOf(p).secrets);
    expect(stack === "prod" ? sid("LoadUserCredentials") : sid("WorkgroupCredentials")).toBeDefined();
    expect(overBroadStatements(doc)).toEqual([]);
  });

  it("loads as a database user holding only the load role, and reads no secret for it", async () => {
    const p = await batchPlan(stack);
    const doc = JSON.parse(
      String(inputsOf(p, "aws:iam/rolePolicy:RolePolicy", "daily-events-role").policy),
    ) as PolicyDocument;
    const role = allOf(p, "aws:iam/role:Role").find((r) => r.urn.endsWith("::daily-events-role"))!;
    const actions = doc.Statement.flatMap((s) => s.Action);
    // Temporary credentials, not the admin secret: no Secrets Manager access at all.
    expect(actions.filter((a) => a.startsWith("secretsmanager:"))).toEqual([]);
    if (stack === "prod") {
      // Cluster: GetClusterCredentials for etl_loader only (which holds platform_loader, platform.sql).
      expect(doc.Statement.find((x) => x.Sid === "LoadUserCredentials")!.Resource).toEqual([
        expect.stringMatching(/:dbuser:[^/]+\/etl_loader$/),
        expect.stringMatching(/:dbname:[^/]+\/analytics$/),
      ]);
      expect(role.inputs.tags ?? {}).not.toHaveProperty("RedshiftDbRoles");
    } else {
      // Serverless: the Data API signs in as IAMR:<this role>, which gets platform_loader from the tag.
      expect(doc.Statement.find((x) => x.Sid === "WorkgroupCredentials")).toMatchObject({
        Action: ["redshift-serverless:GetCredentials"],
        Resource: p.outputs.warehouseLoadArn,
      });
      expect(role.inputs.tags).toMatchObject({ RedshiftDbRoles: "platform_loader" });
    }
  });

  it("is started by an EventBridge schedule whose own role may start only this state machine", async () => {
    const p = await batchPlan(stack);
    expect(inputsOf(p, "aws:cloudwatch/eventRule:EventRule")).toMatchObject({
      scheduleExpression: "cron(15 2 * * ? *)",
      state: "ENABLED",
    });
    const target = inputsOf(p, "aws:cloudwatch/eventTarget:EventTarget");
    expect(target.arn).toBe(p.outputs.stateMachineArn);
    const scheduleRole = allOf(p, "aws:iam/role:Role").find((r) =>
      r.urn.endsWith("::daily-events-schedule"),
    )!;
    expect(JSON.parse(String(scheduleRole.inputs.assumeRolePolicy)).Statement[0].Principal).toEqual({
      Service: "events.amazonaws.com",
    });
    const scheduleRoleId = p.document.steps.find((s) => s.urn === scheduleRole.urn)!.newState.id;
    expect(target.roleArn).toBe(`arn:aws:iam::123456789012:role/${scheduleRoleId}`);
    const policy = JSON.parse(
      String(inputsOf(p, "aws:iam/rolePolicy:RolePolicy", "daily-events-schedule").policy),
    );
    expect(policy.Statement).toEqual([
      {
        Sid: "StartPipeline",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: p.outputs.stateMachineArn,
      },
    ]);
  });
});

describe("pipeline errors", () => {
  it("stops with the field, the value and the accepted forms for a bad schedule", async () => {
    await expect(batchPlan("dev", { schedule: "every day at 2" })).rejects.toThrow(
      /BatchWorkflow "daily-events": invalid arguments:\n\s+- schedule = "every day at 2": rate\(<n> <unit>\)/,
    );
  });
});

/**
 * The orders domain's nightly batch layer as planned: the state machine the orders stack deploys runs
 * Glue → Spark on the platform's compute → Redshift load into the platform's warehouse, with ARNs and
 * names taken from the platform's evaluated plan (the StackReference outputs the domain really reads).
 */
import { discoverProjects } from "../../harness/projects";
import { planFor, planOf, resourcesOf } from "../../harness/testing";
import { LOAD_RUN_STATEMENT, PLATFORM_SQL_FILE, tableColumns } from "../warehouse/sql";
import * as fs from "node:fs";
import { definitionProblems, STATE, type StateMachineDefinition } from "./definition";
import { PROCESSED_EVENT_COLUMNS } from "./dataProduct";

type Task = Extract<StateMachineDefinition["States"][string], { Type: "Task" }>;
const projects = discoverProjects().filter((p) => ["data-platform", "orders"].includes(p.name));

async function load(stack: string) {
  const plans = await planFor(stack, { projects });
  const orders = planOf(plans, "orders");
  const platform = planOf(plans, "data-platform");
  const byName = (type: string, name: string) => {
    const r = resourcesOf(orders, type).find((x) => x.urn.endsWith(`::${name}`));
    if (!r) throw new Error(`no ${type} ${name} in the orders plan`);
    return r;
  };
  const machine = byName("aws:sfn/stateMachine:StateMachine", "orders-nightly-pipeline");
  const definition = JSON.parse(String(machine.inputs.definition)) as StateMachineDefinition;
  const policy = JSON.parse(
    String(byName("aws:iam/rolePolicy:RolePolicy", "orders-nightly-role").inputs.policy),
  ) as {
    Statement: { Sid: string; Resource: unknown; Action: string[] }[];
  };
  return { orders, platform, byName, definition, policy, out: platform.outputs as Record<string, never> };
}

describe.each(["dev", "prod"])("orders nightly workflow (%s)", (stack) => {
  it("runs Glue, then Spark on the platform's batch compute, then the load into the platform's warehouse", async () => {
    const { definition: d, out } = await load(stack);
    const batch = out.batch as {
      kind: string;
      id: string;
      arn: string;
      jobRoleArn: string;
      scriptsUri: string;
    };
    const warehouse = out.warehouse as { kind: string; name: string; database: string; dbUser?: string };
    expect(definitionProblems(d)).toEqual([]);
    const glue = d.States[STATE.glue] as Task;
    expect(glue.Next).toBe(STATE.spark);
    const spark = d.States[STATE.spark] as Task;
    expect(spark.Next).toBe(STATE.load);
    if (batch.kind === "emr") {
      expect(spark.Resource).toBe("arn:aws:states:::elasticmapreduce:addStep.sync");
      expect(spark.Parameters.ClusterId).toBe(batch.id);
    } else {
      expect(spark.Resource).toBe("arn:aws:states:::emr-serverless:startJobRun.sync");
      expect(spark.Parameters).toMatchObject({ ApplicationId: batch.id, ExecutionRoleArn: batch.jobRoleArn });
    }
    const args = JSON.stringify(spark.Parameters);
    expect(args).toContain(`${batch.scriptsUri}orders/daily_event_rollup.py`);
    expect(args).toContain("/orders/events/");
    expect(args).toContain("/orders/event_rollups/");
    const loadStep = d.States[STATE.load] as Task;
    expect(loadStep.Parameters).toMatchObject({
      ...(warehouse.kind === "cluster"
        ? { ClusterIdentifier: warehouse.name, DbUser: warehouse.dbUser }
        : { WorkgroupName: warehouse.name }),
      Database: warehouse.database,
      Sql: LOAD_RUN_STATEMENT,
      Parameters: [
        { Name: "run_date", "Value.$": "$.run.runDate" },
        { Name: "dataset", Value: "orders/events/" },
        { Name: "rollups", Value: "orders/event_rollups/" },
      ],
    });
    for (const [name, s] of Object.entries(d.States))
      if (s.Type === "Task" && name !== STATE.notify)
        expect(s.Catch).toContainEqual({
          ErrorEquals: ["States.ALL"],
          ResultPath: "$.error",
          Next: STATE.notify,
        });
    expect((d.States[STATE.notify] as Task).Parameters.TopicArn).toBe(out.alarmTopicArn);
  });

  it("may submit only to the platform's Spark compute and load only into its warehouse", async () => {
    const { policy, out } = await load(stack);
    const batch = out.batch as { kind: string; arn: string; jobRoleArn: string };
    const warehouse = out.warehouse as { arn: string };
    const sid = (s: string) => policy.Statement.find((x) => x.Sid === s);
    if (batch.kind === "emr") expect(sid("RunSparkStep")!.Resource).toBe(batch.arn);
    else {
      expect(sid("RunSparkJob")!.Resource).toBe(batch.arn);
      expect(sid("FollowSparkJobRuns")!.Resource).toBe(`${batch.arn}/jobruns/*`);
      expect(sid("PassSparkJobRole")!.Resource).toBe(batch.jobRoleArn);
    }
    expect(sid("ExecuteLoad")!.Resource).toBe(warehouse.arn);
    expect(sid("UseTopicKey")!.Resource).toBe((out.kmsKeyArns as Record<string, string>).logs);
  });

  it("loads into Redshift the roll-ups the Spark step writes, from where it writes them, through a role that may read them", async () => {
    const { definition: d, platform, out } = await load(stack);
    const spark = JSON.stringify((d.States[STATE.spark] as Task).Parameters);
    const curated = (out.lake as { buckets: { curated: { name: string } } }).buckets.curated.name;
    // The Spark step's --target is the curated bucket plus the prefix the load binds as :rollups.
    const rollups = (d.States[STATE.load] as Task).Parameters.Parameters as {
      Name: string;
      Value?: string;
    }[];
    const prefix = rollups.find((p) => p.Name === "rollups")!.Value!;
    expect(spark).toContain(`'--target', 's3://${curated}/${prefix}'`);
    // The warehouse's lake role (COPY's IAM_ROLE) reads that bucket.
    const lakeRolePolicy = resourcesOf(platform, "aws:iam/rolePolicy:RolePolicy").find((r) =>
      r.urn.endsWith("::warehouse-lake"),
    )!;
    const read = (
      JSON.parse(String(lakeRolePolicy.inputs.policy)) as { Statement: { Sid: string; Resource: unknown }[] }
    ).Statement.find((x) => x.Sid === "ReadLakeObjects")!;
    expect([read.Resource].flat()).toContain(`arn:aws:s3:::${curated}/*`);
  });

  it("runs the Glue job per run date without bookmarks, on the canonical fields of an order", async () => {
    const { byName } = await load(stack);
    const job = byName("aws:glue/job:Job", "orders-to-parquet-job").inputs;
    expect(job.defaultArguments).toMatchObject({
      "--job-bookmark-option": "job-bookmark-disable",
      "--timestamp_field": "occurredAt",
      "--entity_field": "orderId",
      "--event_type_field": "status",
    });
    expect(String((job.defaultArguments as Record<string, string>)["--target_path"])).toMatch(
      /^s3:\/\/[^/]+\/orders\/events\/$/,
    );
  });

  it("catalogues the processed events as a Parquet table with the warehouse's columns", async () => {
    const { byName } = await load(stack);
    const table = byName("aws:glue/catalogTable:CatalogTable", "orders-processed-events-table").inputs as {
      name: string;
      parameters: Record<string, string>;
      storageDescriptor: { location: string; columns: { name: string }[] };
    };
    expect(table.name).toBe("events");
    expect(table.parameters).toMatchObject({ classification: "parquet", "projection.enabled": "true" });
    expect(table.storageDescriptor.location).toMatch(/\/orders\/events\/$/);
    const ddl = fs.readFileSync(PLATFORM_SQL_FILE, "utf8");
    expect(table.storageDescriptor.columns.map((c) => c.name)).toEqual(tableColumns(ddl, "platform.events"));
    expect(PROCESSED_EVENT_COLUMNS.map((c) => c.name)).toEqual(tableColumns(ddl, "platform.events"));
  });

  it("ships the roll-up script where the platform's Spark job role may read it", async () => {
    const { byName, out, platform } = await load(stack);
    const batch = out.batch as { jobRoleArn: string; scriptsUri: string };
    const script = byName("aws:s3/bucketObjectv2:BucketObjectv2", "orders-rollup-script").inputs;
    expect(`s3://${script.bucket}/${script.key}`).toBe(`${batch.scriptsUri}orders/daily_event_rollup.py`);
    // The job role's own policy on the platform covers the scripts prefix.
    const jobPolicies = resourcesOf(platform, "aws:iam/rolePolicy:RolePolicy").map((r) =>
      String(r.inputs.policy),
    );
    const scriptsArn = batch.scriptsUri.replace(/^s3:\/\//, "arn:aws:s3:::");
    expect(jobPolicies.some((p) => p.includes(scriptsArn))).toBe(true);
  });
});

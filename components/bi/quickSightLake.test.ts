import * as fs from "node:fs";
import * as path from "node:path";
import type { ProjectPlan } from "../../harness/evaluate";
import { planFor, planOf, projectsNamed, theResource } from "../../harness/testing";
import { configSchema } from "../../stacks/orders/config";
import { quickSightLakeProblems, ROLLUP_COLUMNS, rollupProjection } from "./quickSightLake";

/* eslint-disable @typescript-eslint/no-explicit-any -- plan inputs are untyped JSON */
const PROJECTS = ["data-platform", "orders"];
const plansOf = (stack: string) => planFor(stack, { projects: projectsNamed(PROJECTS) });
const one = theResource;

describe("QuickSight arguments and config", () => {
  it("names the bad field, its value and what is allowed", () => {
    expect(quickSightLakeProblems({ product: "orders" })).toEqual([]);
    expect(quickSightLakeProblems({ product: "Orders", importMode: "LIVE" as never })).toEqual([
      'product = "Orders": lower-case letters, digits and dashes, at most 41 characters',
      'importMode = "LIVE": one of DIRECT_QUERY, SPICE',
    ]);
  });

  it("is off unless orders:quicksight.enabled, and then needs the QuickSight principal", () => {
    expect(configSchema.parse({}).quicksight).toEqual({ enabled: false, importMode: "DIRECT_QUERY" });
    const r = configSchema.safeParse({ quicksight: { enabled: true } });
    expect(r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "quicksight.principalArn: required when quicksight.enabled is true",
    ]);
  });

  it("declares the roll-up columns in the order and types the Spark job writes them", () => {
    const script = fs.readFileSync(
      path.join(__dirname, "..", "..", "runtime", "jobs", "spark", "daily_event_rollup.py"),
      "utf8",
    );
    const declared = /ROLLUP_COLUMNS = \(([^)]*)\)/.exec(script)![1].match(/"([a-z_]+)"/g)!;
    expect(ROLLUP_COLUMNS.map((c) => `"${c.name}"`)).toEqual(declared);
    // The job casts hour to smallint and counts with countDistinct (bigint).
    expect(script).toMatch(/F\.col\("hour"\)\.cast\("smallint"\)/);
    expect(Object.fromEntries(ROLLUP_COLUMNS.map((c) => [c.name, c.type]))).toMatchObject({
      hour: "smallint",
      event_count: "bigint",
      distinct_entities: "bigint",
    });
  });

  it("projects the zero-padded year=/month=/day= partitions the job writes", () => {
    const p = rollupProjection("s3://curated/orders/event_rollups/");
    expect(p["storage.location.template"]).toBe(
      "s3://curated/orders/event_rollups/year=${year}/month=${month}/day=${day}/",
    );
    expect([p["projection.month.digits"], p["projection.day.digits"], p["projection.year.digits"]]).toEqual([
      "2",
      "2",
      "4",
    ]);
  });
});

describe("QuickSight in the prod plan of orders", () => {
  let orders: ProjectPlan;
  let platform: Record<string, any>;
  beforeAll(async () => {
    const plans = await plansOf("prod");
    orders = planOf(plans, "orders");
    platform = planOf(plans, "data-platform").outputs as Record<string, any>;
  });

  it("queries through the platform's Athena workgroup as its own role, owned by the configured QuickSight group", () => {
    const source = one(orders, "aws:quicksight/dataSource:DataSource", "orders-quicksight-athena")
      .inputs as any;
    const role = one(orders, "aws:iam/role:Role", "orders-quicksight-role");
    expect(source.type).toBe("ATHENA");
    expect(source.parameters.athena.workGroup).toBe(platform.lake.workgroup);
    expect(source.parameters.athena.roleArn).toMatch(/:role\/orders-quicksight-role-/);
    expect(source.sslProperties).toEqual({ disableSsl: false });
    expect(source.permissions[0].principal).toBe(
      "arn:aws:quicksight:us-east-1:222222222222:group/default/data-platform-authors",
    );
    const trust = JSON.parse(String((role.inputs as any).assumeRolePolicy));
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "quicksight.amazonaws.com" },
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      }),
    ]);
  });

  it("sets the data set on the curated roll-up table, which the platform's curated database holds and LF-tags curated", () => {
    const set = one(orders, "aws:quicksight/dataSet:DataSet", "orders-quicksight-rollups-dataset")
      .inputs as any;
    const table = one(orders, "aws:glue/catalogTable:CatalogTable", "orders-quicksight-rollups")
      .inputs as any;
    const rel = set.physicalTableMaps[0].relationalTable;
    expect(rel).toMatchObject({
      catalog: "AwsDataCatalog",
      schema: platform.lake.databases.curated,
      name: table.name,
    });
    expect(rel.inputColumns.map((c: any) => c.name)).toEqual(ROLLUP_COLUMNS.map((c) => c.name));
    expect(set.importMode).toBe("DIRECT_QUERY");
    expect(table.databaseName).toBe(platform.lake.databases.curated);
    expect(table.storageDescriptor.location).toBe(
      `s3://${platform.lake.buckets.curated.name}/orders/event_rollups/`,
    );
    const tags = one(
      orders,
      "aws:lakeformation/resourceLfTags:ResourceLfTags",
      "orders-quicksight-rollups-lf-tags",
    ).inputs as any;
    expect(tags.lfTags).toEqual([
      { key: "domain", value: "orders" },
      { key: "classification", value: "confidential" },
      { key: "zone", value: "curated" },
    ]);
  });

  it("gets Lake Formation SELECT on orders' curated tables by LF-tag, and IAM only on the workgroup, the roll-ups and the results", () => {
    const roleArn = (
      one(orders, "aws:quicksight/dataSource:DataSource", "orders-quicksight-athena").inputs as any
    ).parameters.athena.roleArn;
    const tables = one(
      orders,
      "aws:lakeformation/permissions:Permissions",
      "orders-quicksight-tables-permissions",
    ).inputs as any;
    expect(tables).toMatchObject({ principal: roleArn, permissions: ["SELECT", "DESCRIBE"] });
    expect(tables.lfTagPolicy).toEqual({
      resourceType: "TABLE",
      expressions: [
        { key: "domain", values: ["orders"] },
        { key: "zone", values: ["curated"] },
      ],
    });
    const policy = JSON.parse(
      String(one(orders, "aws:iam/rolePolicy:RolePolicy", "orders-quicksight-query").inputs.policy),
    ) as { Statement: { Sid: string; Resource: string | string[]; Action: string[] }[] };
    const by = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(by.RunQueries.Resource).toMatch(new RegExp(`:workgroup/${platform.lake.workgroup}$`));
    expect(by.RollupsReadObjects.Resource).toBe(
      `${platform.lake.buckets.curated.arn}/orders/event_rollups/*`,
    );
    expect(by.ResultsReadObjects.Resource).toBe(`${platform.lake.buckets.queryResults.arn}/*`);
    // Nothing in the policy writes outside the query results.
    const writes = policy.Statement.filter((s) => s.Action.some((a) => /s3:Put|s3:Delete/.test(a)));
    expect(writes.flatMap((s) => [s.Resource].flat())).toEqual([
      `${platform.lake.buckets.queryResults.arn}/*`,
    ]);
  });
});

describe("QuickSight off (dev)", () => {
  it("plans no QuickSight resource", async () => {
    const orders = planOf(await plansOf("dev"), "orders");
    expect(orders.document.steps.filter((s) => s.newState.type.startsWith("aws:quicksight/"))).toEqual([]);
  });
});

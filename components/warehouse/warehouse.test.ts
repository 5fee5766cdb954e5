import * as fs from "node:fs";
import { PLATFORM_SQL_FILE, splitStatements } from "./sql";
import { LIMITS } from "../../config/limits";
import { allOf, batchPlan, idOf, inputsOf, keysOf } from "../../harness/fixtures/batch/plan";
import { overBroadStatements, type PolicyDocument } from "../batch/iam";
import {
  auditLogGroupNames,
  lakeAccessPolicy,
  redshiftParameters,
  validateWarehouse,
  type WarehouseSettings,
} from "./warehouse";

const provisioned: WarehouseSettings = {
  serverless: false,
  nodeType: "ra3.xlplus",
  nodeCount: 2,
  multiAz: true,
  snapshotRetentionDays: 7,
  adminUsername: "platform_admin",
  databaseName: "analytics",
  loadUser: "etl_loader",
  logRetentionDays: 365,
  serverlessBaseCapacity: 8,
  serverlessMaxCapacity: 64,
  hasSubnetGroup: true,
  subnetCount: 0,
};
const fields = (s: Partial<WarehouseSettings>) =>
  validateWarehouse({ ...provisioned, ...s }).map((p) => p.field);

describe("warehouse settings", () => {
  it("accepts up to the Redshift per-cluster node limit and refuses more", () => {
    expect(fields({ nodeCount: LIMITS.redshiftMaxNodes })).toEqual([]);
    expect(validateWarehouse({ ...provisioned, nodeCount: 129 })).toEqual([
      { field: "nodeCount", value: 129, allowed: "an integer from 1 to 128 (Redshift nodes per cluster)" },
    ]);
  });
  it("allows Multi-AZ only on RA3 with at least two nodes", () => {
    expect(fields({ nodeType: "dc2.large" })).toEqual(["nodeType"]);
    expect(fields({ nodeCount: 1 })).toEqual(["nodeCount"]);
    expect(fields({ multiAz: false, nodeCount: 1, nodeType: "dc2.large" })).toEqual([]);
  });
  it("refuses the default admin user and database names", () => {
    expect(fields({ adminUsername: "awsuser" })).toEqual(["adminUsername"]);
    expect(fields({ adminUsername: "admin" })).toEqual(["adminUsername"]);
    expect(fields({ databaseName: "dev" })).toEqual(["databaseName"]);
    expect(fields({ databaseName: "Analytics-DB" })).toEqual(["databaseName"]);
  });
  it("keeps automated snapshots 1 to 35 days", () => {
    expect(fields({ snapshotRetentionDays: 0 })).toEqual(["snapshotRetentionDays"]);
    expect(fields({ snapshotRetentionDays: 36 })).toEqual(["snapshotRetentionDays"]);
  });
  it("needs three subnets for Redshift Serverless and a subnet group for a cluster", () => {
    expect(fields({ serverless: true, subnetCount: 2 })).toEqual(["subnetIds"]);
    expect(fields({ serverless: true, subnetCount: 3 })).toEqual([]);
    expect(fields({ hasSubnetGroup: false })).toEqual(["subnetGroupName"]);
  });
  it("turns on TLS-only connections and user activity logging", () => {
    expect(redshiftParameters()).toEqual(
      expect.arrayContaining([
        { name: "require_ssl", value: "true" },
        { name: "enable_user_activity_logging", value: "true" },
      ]),
    );
  });
});

describe("Redshift lake role", () => {
  const doc = lakeAccessPolicy({
    bucketArn: "arn:aws:s3:::processed-1",
    curatedBucketArn: "arn:aws:s3:::curated-1",
    prefix: "events/",
    kmsKeyArn: "arn:aws:kms:us-east-1:1:key/lake",
    glueDatabaseNames: ["processed"],
    region: "us-east-1",
    accountId: "1",
  });
  it("reads only the processed and curated zones' prefix and decrypts only with the lake key", () => {
    const sid = (s: string) => doc.Statement.find((x) => x.Sid === s)!;
    expect(sid("ReadLakeObjects").Resource).toEqual([
      "arn:aws:s3:::processed-1/events/*",
      "arn:aws:s3:::curated-1/events/*",
    ]);
    expect(sid("ListLakePrefix").Resource).toEqual(["arn:aws:s3:::processed-1", "arn:aws:s3:::curated-1"]);
    expect(sid("ListLakePrefix").Condition).toEqual({ StringLike: { "s3:prefix": ["events/*"] } });
    expect(sid("DecryptLake")).toMatchObject({
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "arn:aws:kms:us-east-1:1:key/lake",
    });
    expect(sid("ReadCatalog").Resource).toEqual([
      "arn:aws:glue:us-east-1:1:catalog",
      "arn:aws:glue:us-east-1:1:database/processed",
      "arn:aws:glue:us-east-1:1:table/processed/*",
    ]);
    expect(
      sid("ReadCatalog").Action.every((a) => a.startsWith("glue:Get") || a.startsWith("glue:BatchGet")),
    ).toBe(true);
    expect(overBroadStatements(doc)).toEqual([]);
  });
});

describe("provisioned Redshift in a prod-like stack", () => {
  const plan = () => batchPlan("prod");

  it("is encrypted with the warehouse key, private, enhanced-VPC-routed and Multi-AZ on RA3", async () => {
    const p = await plan();
    const c = inputsOf(p, "aws:redshift/cluster:Cluster");
    expect(c).toMatchObject({
      encrypted: "true",
      kmsKeyId: keysOf(p).warehouse,
      publiclyAccessible: false,
      enhancedVpcRouting: true,
      multiAz: true,
      nodeType: "ra3.xlplus",
      numberOfNodes: 2,
      clusterType: "multi-node",
      clusterSubnetGroupName: idOf(p, "aws:redshift/subnetGroup:SubnetGroup", "database"),
      vpcSecurityGroupIds: [idOf(p, "aws:ec2/securityGroup:SecurityGroup", "redshift")],
      automatedSnapshotRetentionPeriod: 7,
      skipFinalSnapshot: false,
    });
  });

  it("keeps the admin password in Secrets Manager under the secrets key, never in state", async () => {
    const c = inputsOf(await plan(), "aws:redshift/cluster:Cluster");
    expect(c.manageMasterPassword).toBe(true);
    expect(c.masterPasswordSecretKmsKeyId).toBe(keysOf(await plan()).secrets);
    expect(c.masterPassword).toBeUndefined();
    expect(c.masterPasswordWo).toBeUndefined();
    expect(c.masterUsername).toBe("platform_admin");
    expect(c.databaseName).toBe("analytics");
  });

  it("uses a parameter group requiring SSL", async () => {
    const p = await plan();
    const pg = inputsOf(p, "aws:redshift/parameterGroup:ParameterGroup");
    expect(pg.parameters).toEqual(expect.arrayContaining([{ name: "require_ssl", value: "true" }]));
    const pgName = p.document.steps.find(
      (s) => s.newState.type === "aws:redshift/parameterGroup:ParameterGroup",
    )!.newState.id;
    expect(inputsOf(p, "aws:redshift/cluster:Cluster").clusterParameterGroupName).toBe(pgName);
  });

  it("exports audit logs to KMS-encrypted log groups with retention, created before logging starts", async () => {
    const p = await plan();
    const cluster = inputsOf(p, "aws:redshift/cluster:Cluster");
    const logging = p.document.steps.find(
      (s) => s.newState.type === "aws:redshift/logging:Logging",
    )!.newState;
    expect(logging.inputs).toMatchObject({
      clusterIdentifier: cluster.clusterIdentifier,
      logDestinationType: "cloudwatch",
      logExports: ["connectionlog", "userlog", "useractivitylog"],
    });
    const groups = allOf(p, "aws:cloudwatch/logGroup:LogGroup").filter((g) =>
      String(g.inputs.name).startsWith("/aws/redshift/"),
    );
    expect(groups.map((g) => g.inputs.name).sort()).toEqual(
      auditLogGroupNames("cluster", String(cluster.clusterIdentifier)).sort(),
    );
    for (const g of groups) {
      expect(g.inputs).toMatchObject({ kmsKeyId: keysOf(p).logs, retentionInDays: 365 });
      expect(logging.dependencies).toContain(g.urn);
    }
  });

  it("is retained on destroy and reads the lake through its own role", async () => {
    const p = await plan();
    const step = p.document.steps.find((s) => s.newState.type === "aws:redshift/cluster:Cluster")!;
    expect(step.newState.retainOnDelete).toBe(true);
    const role = allOf(p, "aws:iam/role:Role").find((r) => r.urn.endsWith("::warehouse-lake"))!;
    expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal).toEqual({
      Service: "redshift.amazonaws.com",
    });
    const policy = JSON.parse(
      String(inputsOf(p, "aws:iam/rolePolicy:RolePolicy", "warehouse-lake").policy),
    ) as PolicyDocument;
    expect(policy.Statement.find((s) => s.Sid === "DecryptLake")!.Resource).toBe(keysOf(p).lake);
  });

  it("stops with the field, the value and the Redshift limit for 129 nodes", async () => {
    await expect(
      batchPlan("prod", { batch: { mwaa: false }, warehouse: { nodeCount: 129 } }),
    ).rejects.toThrow(
      /Warehouse "warehouse": invalid arguments:\n\s+- nodeCount = 129: an integer from 1 to 128 \(Redshift nodes per cluster\)/,
    );
  });
});

describe("Redshift Serverless in a dev-like stack", () => {
  it("is encrypted, private, enhanced-VPC-routed, TLS-only and audit-logged with a managed admin password", async () => {
    const p = await batchPlan("dev");
    expect(allOf(p, "aws:redshift/cluster:Cluster")).toEqual([]);
    const ns = inputsOf(p, "aws:redshiftserverless/namespace:Namespace");
    expect(ns).toMatchObject({
      kmsKeyId: keysOf(p).warehouse,
      manageAdminPassword: true,
      adminPasswordSecretKmsKeyId: keysOf(p).secrets,
      adminUsername: "platform_admin",
      dbName: "analytics",
      logExports: ["connectionlog", "userlog", "useractivitylog"],
    });
    expect(ns.adminUserPassword).toBeUndefined();
    const wg = inputsOf(p, "aws:redshiftserverless/workgroup:Workgroup");
    expect(wg).toMatchObject({
      publiclyAccessible: false,
      enhancedVpcRouting: true,
      namespaceName: ns.namespaceName,
    });
    expect(wg.subnetIds).toEqual([0, 1, 2].map((i) => idOf(p, "aws:ec2/subnet:Subnet", `database-${i}`)));
    expect(wg.configParameters).toEqual(
      expect.arrayContaining([
        { parameterKey: "require_ssl", parameterValue: "true" },
        { parameterKey: "enable_user_activity_logging", parameterValue: "true" },
      ]),
    );
    const groups = allOf(p, "aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs.name);
    expect(groups).toEqual(
      expect.arrayContaining(auditLogGroupNames("serverless", String(ns.namespaceName))),
    );
  });

  it("names the namespace after project, stack and component so two instances never collide", async () => {
    const ns = inputsOf(await batchPlan("dev"), "aws:redshiftserverless/namespace:Namespace");
    expect(ns.namespaceName).toMatch(/^batch-fixture-dev-warehouse-[0-9a-f]{6}$/);
  });
});

describe.each(["dev", "prod"] as const)("platform SQL applied at creation (%s)", (stack) => {
  it("runs every statement of platform.sql in order, as the admin user, with the lake role filled in", async () => {
    const p = await batchPlan(stack);
    const statements = p.document.steps
      .filter((s) => s.newState.type === "aws:redshiftdata/statement:Statement")
      .map((s) => s.newState);
    const expected = splitStatements(fs.readFileSync(PLATFORM_SQL_FILE, "utf8"));
    expect(statements).toHaveLength(expected.length);
    const lakeRole = allOf(p, "aws:iam/role:Role").find((r) => r.urn.endsWith("::warehouse-lake"))!;
    const lakeRoleArn = `arn:aws:iam::123456789012:role/${p.document.steps.find((s) => s.urn === lakeRole.urn)!.newState.id}`;
    statements.forEach((st, i) => {
      expect(st.inputs).toMatchObject({
        database: "analytics",
        ...(stack === "prod"
          ? { clusterIdentifier: p.outputs.warehouseLoadTarget, dbUser: "platform_admin" }
          : { workgroupName: p.outputs.warehouseLoadTarget, secretArn: p.outputs.warehouseAdminSecretArn }),
      });
      expect(st.urn.endsWith(`::warehouse-sql-${expected[i].key}`)).toBe(true);
      // Each waits for the previous one: CREATE SCHEMA before the tables, the tables before the grants.
      if (i > 0) expect(st.dependencies).toContain(statements[i - 1].urn);
    });
    expect(String(statements[0].inputs.sql)).toBe("CREATE SCHEMA IF NOT EXISTS platform");
    const spectrum = statements.find((s) => String(s.inputs.sql).startsWith("CREATE EXTERNAL SCHEMA"))!;
    expect(String(spectrum.inputs.sql)).toContain(`IAM_ROLE '${lakeRoleArn}'`);
    expect(statements.map((s) => String(s.inputs.sql)).join("\n")).not.toMatch(/\{\{/);
  });
});

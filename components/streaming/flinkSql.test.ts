import { untracedFindings } from "../../cli/freshAccount";
import { parseConfig } from "../../config/load";
import { configSchema } from "../../stacks/clickstream/config";
import { discoverProjects } from "../../harness/projects";
import type { ProjectPlan } from "../../harness/evaluate";
import { planFor, planOf, policyOf, resourcesOf } from "../../harness/testing";
import { FlinkConfigSchema, windowWriter } from "./flinkDataProduct";
import { FLINK_RUNTIME, flinkPackage } from "./flinkSql";

/*
 * The Flink SQL application as the clickstream domain deploys it (prod: `clickstream:flink.enabled`),
 * read from offline plans of the platform and the clickstream project.
 */

const PROJECTS = discoverProjects().filter((p) => ["data-platform", "clickstream"].includes(p.name));
const APP = "aws:kinesisanalyticsv2/application:Application";
type Platform = {
  vpcId: string;
  kmsKeyArns: Record<string, string>;
  subnetIds: { private: string[] };
  lake: { kmsKeyArn: string; buckets: Record<string, { name: string; arn: string }> };
};
const plans: Record<string, { plan: ProjectPlan; platform: Platform }> = {};

beforeAll(async () => {
  for (const stack of ["dev", "prod"]) {
    const all = await planFor(stack, { projects: PROJECTS });
    plans[stack] = {
      plan: planOf(all, "clickstream"),
      platform: planOf(all, "data-platform").outputs as unknown as Platform,
    };
  }
});

const only = (plan: ProjectPlan, type: string, urnPart: string) => {
  const found = resourcesOf(plan, type).filter((r) => r.urn.includes(urnPart));
  expect(found).toHaveLength(1);
  return found[0];
};
type AppInputs = {
  runtimeEnvironment: string;
  serviceExecutionRole: string;
  cloudwatchLoggingOptions: { logStreamArn: string };
  applicationConfiguration: {
    applicationCodeConfiguration: {
      codeContent: { s3ContentLocation: { bucketArn: string; fileKey: string } };
    };
    applicationEncryptionConfiguration: { keyType: string; keyId: string };
    applicationSnapshotConfiguration: { snapshotsEnabled: boolean };
    environmentProperties: {
      propertyGroups: { propertyGroupId: string; propertyMap: Record<string, string> }[];
    };
    flinkApplicationConfiguration: {
      checkpointConfiguration: {
        configurationType: string;
        checkpointingEnabled: boolean;
        checkpointInterval: number;
      };
      parallelismConfiguration: {
        configurationType: string;
        parallelism: number;
        autoScalingEnabled: boolean;
      };
    };
    vpcConfiguration: { subnetIds: string[]; securityGroupIds: string[] };
  };
};

describe("Flink SQL application (prod clickstream)", () => {
  const app = () => only(plans.prod.plan, APP, "clickstream-flink-app").inputs as unknown as AppInputs;

  it("runs Flink 1.20 in the private subnets behind its own outbound-only security group", () => {
    const a = app();
    expect(a.runtimeEnvironment).toBe(FLINK_RUNTIME);
    expect(a.applicationConfiguration.vpcConfiguration.subnetIds).toEqual(
      plans.prod.platform.subnetIds.private,
    );
    const sg = only(plans.prod.plan, "aws:ec2/securityGroup:SecurityGroup", "clickstream-flink-sg");
    expect(a.applicationConfiguration.vpcConfiguration.securityGroupIds).toEqual([sg.id]);
    expect(sg.inputs.vpcId).toBe(plans.prod.platform.vpcId);
    const rules = resourcesOf(plans.prod.plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
      .concat(resourcesOf(plans.prod.plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"))
      .filter((r) => r.inputs.securityGroupId === sg.id);
    expect(rules.map((r) => [r.type.split(":").pop(), r.inputs.fromPort, r.inputs.toPort])).toEqual([
      ["SecurityGroupEgressRule", 443, 443],
    ]);
  });

  it("checkpoints, snapshots, scales automatically and encrypts its state with the streaming key", () => {
    const c = app().applicationConfiguration;
    expect(c.flinkApplicationConfiguration.checkpointConfiguration).toMatchObject({
      configurationType: "CUSTOM",
      checkpointingEnabled: true,
      checkpointInterval: 60_000,
    });
    expect(c.applicationSnapshotConfiguration.snapshotsEnabled).toBe(true);
    expect(c.flinkApplicationConfiguration.parallelismConfiguration).toMatchObject({
      configurationType: "CUSTOM",
      parallelism: 2,
      autoScalingEnabled: true,
    });
    expect(c.applicationEncryptionConfiguration).toEqual({
      keyType: "CUSTOMER_MANAGED_KEY",
      keyId: plans.prod.platform.kmsKeyArns.streaming,
    });
  });

  it("logs to a stream of its own KMS-encrypted log group with retention", () => {
    const group = only(plans.prod.plan, "aws:cloudwatch/logGroup:LogGroup", "clickstream-flink-logs");
    expect(group.inputs.kmsKeyId).toBe(plans.prod.platform.kmsKeyArns.logs);
    expect(Number(group.inputs.retentionInDays)).toBeGreaterThan(0);
    const stream = only(
      plans.prod.plan,
      "aws:cloudwatch/logStream:LogStream",
      "clickstream-flink-log-stream",
    );
    expect(stream.inputs.logGroupName).toBe(group.id);
    expect(app().cloudwatchLoggingOptions.logStreamArn).toMatch(
      new RegExp(`:log-group:${String(group.id)}:log-stream:${String(stream.id)}$`),
    );
  });

  it("runs the SQL of the uploaded package against the pipeline's stream and window table", () => {
    const c = app().applicationConfiguration;
    const code = only(plans.prod.plan, "aws:s3/bucketObjectv2:BucketObjectv2", "clickstream-flink-code");
    const artifacts = plans.prod.platform.lake.buckets.artifacts;
    expect(code.inputs).toMatchObject({
      bucket: artifacts.name,
      serverSideEncryption: "aws:kms",
      kmsKeyId: plans.prod.platform.lake.kmsKeyArn,
    });
    expect(c.applicationCodeConfiguration.codeContent.s3ContentLocation).toEqual({
      bucketArn: artifacts.arn,
      fileKey: code.inputs.key,
    });
    expect(code.inputs.key).toBe(
      `flink/clickstream-flink/${flinkPackage("clickstream").sha256.slice(0, 16)}.zip`,
    );
    const stream = only(plans.prod.plan, "aws:kinesis/stream:Stream", "clickstream-stream");
    const windows = only(plans.prod.plan, "aws:dynamodb/table:Table", "clickstream-windows");
    const params = c.environmentProperties.propertyGroups.find(
      (g) => g.propertyGroupId === "sql.parameters",
    )!;
    expect(params.propertyMap).toMatchObject({
      SQL_FILE: "sql/clickstream-windows.sql",
      WINDOW_TABLE: windows.id,
      WINDOW_SECONDS: "60",
      TTL_SECONDS: String(30 * 86_400),
    });
    expect(params.propertyMap.STREAM_ARN).toMatch(new RegExp(`:stream/${String(stream.id)}$`));
  });

  it("replaces the Lambda aggregator: prod has no aggregator function, dev has no Flink application", () => {
    const fns = (p: ProjectPlan) => resourcesOf(p, "aws:lambda/function:Function").map((f) => f.urn);
    expect(fns(plans.prod.plan).some((u) => u.endsWith("::clickstream-aggregator"))).toBe(false);
    expect(fns(plans.dev.plan).some((u) => u.endsWith("::clickstream-aggregator"))).toBe(true);
    expect(resourcesOf(plans.dev.plan, APP)).toHaveLength(0);
  });

  it("gives the role only its stream, table, package object, keys and log stream (VPC ENIs aside)", () => {
    const role = only(plans.prod.plan, "aws:iam/role:Role", "clickstream-flink-role");
    expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal).toEqual({
      Service: "kinesisanalytics.amazonaws.com",
    });
    const policy = policyOf(
      only(plans.prod.plan, "aws:iam/rolePolicy:RolePolicy", "clickstream-flink-policy").inputs.policy,
    );
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid as string, s]));
    const p = plans.prod.platform;
    const stream = only(plans.prod.plan, "aws:kinesis/stream:Stream", "clickstream-stream");
    const code = only(plans.prod.plan, "aws:s3/bucketObjectv2:BucketObjectv2", "clickstream-flink-code");
    expect(bySid.ReadSourceStream.Resource).toMatch(new RegExp(`:stream/${String(stream.id)}$`));
    expect(bySid.WriteWindowTable.Resource).toMatch(/:table\/clickstream-windows-/);
    expect(bySid.ReadCodePackage.Resource).toBe(`${p.lake.buckets.artifacts.arn}/${String(code.inputs.key)}`);
    expect(bySid.UseKeys.Resource).toEqual([p.kmsKeyArns.streaming, p.lake.kmsKeyArn].sort());
    expect(bySid.WriteLogStream.Resource).toBe(app().cloudwatchLoggingOptions.logStreamArn);
    const wildcard = policy.Statement.filter(
      (s) => JSON.stringify(s.Resource).includes('"*"') || s.Resource === "*",
    );
    expect(wildcard.map((s) => s.Sid).sort()).toEqual(["VpcNetworkInterfaces", "VpcReadOnly"]);
    for (const s of wildcard) for (const a of s.Action as string[]) expect(a).toMatch(/^ec2:/);
  });
});

describe("Flink SQL application and the fresh-account check", () => {
  it("takes every ARN and id from a resource or the platform's StackReference (nothing untraced)", () => {
    const findings = untracedFindings({ project: "clickstream", document: plans.prod.plan.document });
    expect(findings.filter((f) => f.message.includes("flink")).map((f) => f.message)).toEqual([]);
  });
});

describe("Flink configuration", () => {
  it("rejects out-of-range settings naming the range", () => {
    const r = FlinkConfigSchema.safeParse({ enabled: true, parallelismPerKpu: 9 });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("1 to 8 tasks per KPU");
    expect(FlinkConfigSchema.safeParse({ enabled: true, checkpointIntervalSeconds: 5 }).success).toBe(false);
    expect(FlinkConfigSchema.safeParse({ enabeld: true }).success).toBe(false);
  });

  it("reports a bad clickstream:flink value with the key, the value and the allowed range", () => {
    const parse = (flink: object) =>
      parseConfig(configSchema, { flink }, "clickstream", 'the prod stack of project "clickstream"');
    expect(() => parse({ enabled: true, parallelismPerKpu: 9 })).toThrow(
      /clickstream:flink\.parallelismPerKpu = 9: .*1 to 8 tasks per KPU/,
    );
    expect(parse({ enabled: true }).flink).toEqual({
      enabled: true,
      parallelism: 1,
      parallelismPerKpu: 1,
      autoScaling: true,
      checkpointIntervalSeconds: 60,
    });
  });

  it("keeps the Lambda aggregator unless enabled, and refuses Flink on local naming the key", () => {
    const cfg = FlinkConfigSchema.parse({});
    expect(windowWriter("clickstream", "prod", cfg)).toBe("lambda");
    expect(windowWriter("clickstream", "prod", { ...cfg, enabled: true })).toBe("flink");
    expect(() => windowWriter("clickstream", "local", { ...cfg, enabled: true })).toThrow(
      "clickstream:flink.enabled = true: not on the local environment",
    );
  });

  it("builds the same package key from the same files", () => {
    const a = flinkPackage("clickstream");
    expect(flinkPackage("clickstream").sha256).toBe(a.sha256);
    expect(a.files.map((f) => f.archivePath).slice(0, 2)).toEqual(["main.py", "sql/clickstream-windows.sql"]);
  });
});

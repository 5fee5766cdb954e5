/**
 * Operations (issue #11) over the whole offline plans of dev and prod: every pipeline, job, table,
 * cluster and cache has its alarms, routed to the environment's topic, under composite "unhealthy"
 * alarms; dashboards; backups and cross-region copies (the RPO/RTO settings); the Redis cache's
 * security; budgets and cost governance; and zero mandatory policy violations.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkFiles } from "./cli/check";
import type { ProjectPlan } from "./harness/evaluate";
import { planFor, planOf, platformPlan, resourcesOf } from "./harness/testing";

const T = {
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  composite: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  stream: "aws:kinesis/stream:Stream",
  fn: "aws:lambda/function:Function",
  table: "aws:dynamodb/table:Table",
  firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  glueJob: "aws:glue/job:Job",
  sfn: "aws:sfn/stateMachine:StateMachine",
  redshift: "aws:redshift/cluster:Cluster",
  emr: "aws:emr/cluster:Cluster",
  emrServerless: "aws:emrserverless/application:Application",
  redis: "aws:elasticache/replicationGroup:ReplicationGroup",
  vault: "aws:backup/vault:Vault",
  plan: "aws:backup/plan:Plan",
  selection: "aws:backup/selection:Selection",
  budget: "aws:budgets/budget:Budget",
} as const;

type Inputs = Record<string, unknown>;
type Alarm = { urn: string; inputs: Inputs };

const all = (plans: ProjectPlan[], type: string) => plans.flatMap((p) => resourcesOf(p, type));
/** The physical name: given in the inputs, or the auto-name the (mock) provider returned as the id. */
const nameOf = (r: { id?: unknown; inputs: Inputs }) => String(r.inputs.name ?? r.id);
const dims = (a: Alarm) => (a.inputs.dimensions ?? {}) as Record<string, string>;
const metricsOf = (alarms: Alarm[], namespace: string, dimension: string, value: string) =>
  alarms
    .filter((a) => a.inputs.namespace === namespace && dims(a)[dimension] === value)
    .map((a) => String(a.inputs.metricName))
    .sort();

const EXPECTED = {
  dev: { backup: "cron(0 5 ? * * *)", retention: 7, drCopy: false, redisNodes: 1, multiAz: false },
  prod: { backup: "cron(0 * ? * * *)", retention: 35, drCopy: true, redisNodes: 2, multiAz: true },
} as const;

describe.each(["dev", "prod"] as const)("operations in the %s plans", (stack) => {
  let plans: ProjectPlan[];
  let alarms: Alarm[];
  let topicArn: string;
  beforeAll(async () => {
    plans = await planFor(stack);
    alarms = all(plans, T.alarm);
    topicArn = String(planOf(plans, "data-platform").outputs.alarmTopicArn);
  });

  it("alarms on every stage of every streaming pipeline", () => {
    const streams = all(plans, T.stream);
    expect(streams.length).toBeGreaterThanOrEqual(2);
    for (const s of streams) {
      expect(metricsOf(alarms, "AWS/Kinesis", "StreamName", nameOf(s))).toEqual([
        "GetRecords.IteratorAgeMilliseconds",
        "WriteProvisionedThroughputExceeded",
      ]);
    }
    const processors = all(plans, T.fn).filter((f) => f.urn.endsWith("-processor"));
    expect(processors).toHaveLength(streams.length);
    for (const f of processors) {
      const name = nameOf(f);
      expect(metricsOf(alarms, "AWS/Lambda", "FunctionName", name)).toEqual([
        "Duration",
        "Errors",
        "Throttles",
      ]);
      expect(metricsOf(alarms, "DataPlatform/Streaming", "FunctionName", name)).toEqual(["DeadLettered"]);
      const p99 = alarms.find((a) => dims(a).FunctionName === name && a.inputs.metricName === "Duration")!;
      expect(p99.inputs).toMatchObject({ extendedStatistic: "p99", threshold: 10_000 });
    }
    for (const d of all(plans, T.firehose)) {
      expect(metricsOf(alarms, "AWS/Firehose", "DeliveryStreamName", nameOf(d))).toEqual([
        "DeliveryToS3.DataFreshness",
      ]);
    }
  });

  it("alarms on throttles and write latency of every serving table", () => {
    const serving = all(plans, T.table).filter((t) => t.urn.endsWith("-table"));
    expect(serving.length).toBeGreaterThanOrEqual(2);
    for (const t of serving) {
      expect(metricsOf(alarms, "AWS/DynamoDB", "TableName", nameOf(t))).toEqual([
        "SuccessfulRequestLatency",
        "ThrottledRequests",
        "WriteThrottleEvents",
      ]);
    }
  });

  it("alarms on every Glue job, Step Functions workflow, Spark runtime, warehouse and cache", () => {
    for (const j of all(plans, T.glueJob))
      expect(metricsOf(alarms, "Glue", "JobName", nameOf(j))).toEqual([
        "glue.driver.aggregate.numFailedTasks",
      ]);
    const machines = all(plans, T.sfn);
    expect(machines.length).toBeGreaterThanOrEqual(1);
    for (const m of machines) {
      const arn = `arn:aws:states:us-east-1:123456789012:stateMachine:${nameOf(m)}`;
      expect(metricsOf(alarms, "AWS/States", "StateMachineArn", arn)).toEqual([
        "ExecutionsFailed",
        "ExecutionsTimedOut",
      ]);
      expect(m.inputs.tracingConfiguration).toEqual({ enabled: true });
    }
    const platform = planOf(plans, "data-platform");
    for (const c of resourcesOf(platform, T.redshift)) {
      expect(
        metricsOf(alarms, "AWS/Redshift", "ClusterIdentifier", String(c.inputs.clusterIdentifier)),
      ).toEqual(["CPUUtilization", "HealthStatus", "PercentageDiskSpaceUsed"]);
    }
    const spark = [...resourcesOf(platform, T.emr), ...resourcesOf(platform, T.emrServerless)];
    expect(spark).toHaveLength(1);
    const sparkNamespace = stack === "prod" ? "AWS/ElasticMapReduce" : "AWS/EMRServerless";
    expect(alarms.filter((a) => a.inputs.namespace === sparkNamespace).length).toBeGreaterThan(0);
    for (const r of resourcesOf(platform, T.redis)) {
      // Every node (`<group>-001` … `-00N`): after a failover any of them is the primary.
      const nodes = Number(r.inputs.numCacheClusters);
      expect(nodes).toBeGreaterThanOrEqual(1);
      for (let n = 1; n <= nodes; n++) {
        const node = `${String(r.id)}-${String(n).padStart(3, "0")}`;
        expect(metricsOf(alarms, "AWS/ElastiCache", "CacheClusterId", node)).toEqual([
          "DatabaseMemoryUsagePercentage",
          "EngineCPUUtilization",
        ]);
      }
    }
  });

  it("routes every alarm to the environment's topic and rolls pipelines up into composite alarms", () => {
    for (const a of alarms) expect([a.urn, a.inputs.alarmActions]).toEqual([a.urn, [topicArn]]);
    const composites = all(plans, T.composite);
    const names = composites.map((c) => c.urn.split("::").pop()).sort();
    expect(names).toEqual(["clickstream-health-unhealthy", "orders-health-unhealthy", "platform-unhealthy"]);
    for (const c of composites) {
      expect(c.inputs.alarmActions).toEqual([topicArn]);
      expect(String(c.inputs.alarmRule)).toMatch(
        /^ALARM\("arn:aws:cloudwatch:[^"]+"\)( OR ALARM\("[^"]+"\))+$/,
      );
    }
    // The pipeline composite covers the component's own alarms and the extra ones (10 per pipeline).
    const orders = composites.find((c) => c.urn.endsWith("::orders-health-unhealthy"))!;
    expect(String(orders.inputs.alarmRule).split(" OR ")).toHaveLength(10);
  });

  it("has a dashboard per domain and one for the platform, in the primary region", () => {
    for (const project of ["data-platform", "clickstream", "orders"]) {
      const [d] = resourcesOf(planOf(plans, project), T.dashboard);
      const body = JSON.parse(String(d.inputs.dashboardBody)) as {
        widgets: { type: string; properties: { region?: string; metrics?: unknown[][] } }[];
      };
      const graphs = body.widgets.filter((w) => w.type === "metric");
      expect(graphs.length).toBeGreaterThan(2);
      for (const g of graphs) expect(g.properties.region).toBe("us-east-1");
    }
  });

  it(`backs up the warehouse and serving tables ${stack === "prod" ? "hourly with a copy to the DR region" : "daily"}`, () => {
    const e = EXPECTED[stack];
    const platform = planOf(plans, "data-platform");
    const [rule] = resourcesOf(platform, T.plan)[0].inputs.rules as Inputs[];
    expect(rule).toMatchObject({ schedule: e.backup, lifecycle: { deleteAfter: e.retention } });
    const vaults = resourcesOf(platform, T.vault);
    for (const v of vaults) expect(String(v.inputs.kmsKeyArn)).toMatch(/^arn:aws:kms:/);
    const outputs = platform.outputs as { kmsReplicaKeyArns?: { warehouse: string } };
    if (e.drCopy) {
      const dr = platform.document.steps.find((s) => s.newState.urn.endsWith("::backup-dr-vault"))!;
      expect(String(dr.provider)).toMatch(/::platform-aws-dr::/);
      expect(dr.newState.inputs.kmsKeyArn).toBe(outputs.kmsReplicaKeyArns!.warehouse);
      expect(rule.copyActions).toEqual([
        { destinationVaultArn: expect.stringContaining(":us-west-2:"), lifecycle: { deleteAfter: 35 } },
      ]);
    } else {
      expect(vaults).toHaveLength(1);
      expect(rule.copyActions).toBeUndefined();
    }
    const selected = all(plans, T.selection).flatMap((s) => s.inputs.resources as string[]);
    expect(selected.filter((a) => a.includes(":dynamodb:"))).toHaveLength(all(plans, T.table).length);
    expect(selected.filter((a) => a.includes(":redshift:"))).toHaveLength(1);
  });

  it("serves the cache over TLS with AUTH from Secrets Manager, encrypted, in the database tier", () => {
    const e = EXPECTED[stack];
    const platform = planOf(plans, "data-platform");
    const [r] = resourcesOf(platform, T.redis);
    const outputs = platform.outputs as {
      subnetGroupNames: { elasticache: string };
      kmsKeyArns: { warehouse: string };
      cache: { endpoint: string; port: number; authTokenSecretArn: string; securityGroupId: string };
    };
    expect(r.inputs).toMatchObject({
      atRestEncryptionEnabled: true,
      kmsKeyId: outputs.kmsKeyArns.warehouse,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      subnetGroupName: outputs.subnetGroupNames.elasticache,
      securityGroupIds: [outputs.cache.securityGroupId],
      numCacheClusters: e.redisNodes,
      automaticFailoverEnabled: e.multiAz,
      multiAzEnabled: e.multiAz,
    });
    expect(Number(r.inputs.snapshotRetentionLimit)).toBeGreaterThan(0);
    expect(String(r.inputs.authToken)).toHaveLength(64);
    expect(outputs.cache).toEqual({
      endpoint: expect.stringMatching(/cache\.amazonaws\.com$/),
      port: 6379,
      authTokenSecretArn: expect.stringMatching(/^arn:aws:secretsmanager:/),
      securityGroupId: expect.stringMatching(/^sg-/),
    });
    const ingress = resourcesOf(platform, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
      (i) => i.inputs.securityGroupId === outputs.cache.securityGroupId,
    );
    expect(ingress.length).toBeGreaterThan(0);
    for (const i of ingress) {
      expect(i.inputs).toMatchObject({ fromPort: 6379, toPort: 6379, ipProtocol: "tcp" });
      expect(i.inputs.referencedSecurityGroupId).toMatch(/^sg-/);
      expect(i.inputs.cidrIpv4).toBeUndefined();
    }
    const egress = resourcesOf(platform, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    expect(egress.filter((e) => e.inputs.securityGroupId === outputs.cache.securityGroupId)).toEqual([]);
  });

  it("budgets the environment with actual and forecast alerts to the alarm topic", () => {
    const [b] = resourcesOf(planOf(plans, "data-platform"), T.budget);
    expect(b.inputs).toMatchObject({
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: stack === "prod" ? "15000.00" : "1500.00",
      costFilters: [{ name: "TagKeyValue", values: [`user:Environment$${stack}`] }],
    });
    const notes = (b.inputs.notifications as Inputs[]).map((n) => [n.notificationType, n.threshold]);
    expect(notes).toEqual([
      ["ACTUAL", 80],
      ["ACTUAL", 100],
      ["FORECASTED", 100],
    ]);
    for (const n of b.inputs.notifications as Inputs[]) expect(n.subscriberSnsTopicArns).toEqual([topicArn]);
    const platform = planOf(plans, "data-platform");
    const tags = resourcesOf(platform, "aws:costexplorer/costAllocationTag:CostAllocationTag").map(
      (t) => t.inputs.tagKey,
    );
    // Activation is a second step (cost.activateTags, docs/bootstrap.md): AWS refuses keys billing has
    // not seen and member accounts, so a first deploy that activated them would fail.
    expect(tags).toEqual([]);
    const [sub] = resourcesOf(platform, "aws:costexplorer/anomalySubscription:AnomalySubscription");
    expect(sub.inputs.subscribers).toEqual([{ type: "SNS", address: topicArn }]);
  });

  it("passes the policy pack with zero mandatory violations", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ops-${stack}-`));
    const files = plans.map((p) => {
      const file = path.join(dir, `${p.project.name}.json`);
      fs.writeFileSync(file, JSON.stringify(p.document));
      return file;
    });
    const violations = await checkFiles(files, stack);
    expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });
});

/**
 * The prod plan against the reference architecture's recovery objectives (docs/runbook-dr.md):
 * RPO 1 hour for batch data, near zero for streaming, RTO 2 hours for the platform.
 */
describe("prod meets the recovery objectives", () => {
  let plans: ProjectPlan[];
  let platform: ProjectPlan;
  let outputs: { drRegion: string; kmsReplicaKeyArns: Record<string, string> };
  beforeAll(async () => {
    plans = await planFor("prod");
    platform = planOf(plans, "data-platform");
    outputs = platform.outputs as typeof outputs;
  });

  it("RPO 1 h (batch): hourly recovery points of the warehouse and tables, copied to the DR region", () => {
    const [plan] = resourcesOf(platform, T.plan);
    const rules = plan.inputs.rules as Inputs[];
    expect(rules).toHaveLength(1);
    expect(rules[0].schedule).toBe("cron(0 * ? * * *)");
    expect(Number(rules[0].completionWindow)).toBeLessThanOrEqual(120);
    expect((rules[0].copyActions as Inputs[])[0].destinationVaultArn).toContain(`:${outputs.drRegion}:`);
  });

  it("RPO 1 h (lake): raw and curated zones replicate to the DR region within 15 minutes", () => {
    const replication = resourcesOf(platform, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    expect(replication.map((r) => r.urn.split("::").pop()).sort()).toEqual([
      "lake-curated-replication",
      "lake-raw-replication",
    ]);
    for (const r of replication) {
      const [rule] = r.inputs.rules as Inputs[];
      expect(rule).toMatchObject({
        status: "Enabled",
        destination: {
          encryptionConfiguration: { replicaKmsKeyId: outputs.kmsReplicaKeyArns.lake },
          replicationTime: { status: "Enabled", time: { minutes: 15 } },
        },
      });
    }
    const s3 = all(plans, T.alarm).filter((a) => a.inputs.namespace === "AWS/S3");
    expect(s3.map((a) => [dims(a).RuleId, a.inputs.metricName]).sort()).toEqual([
      ["to-dr-region", "OperationsFailedReplication"],
      ["to-dr-region", "OperationsFailedReplication"],
      ["to-dr-region", "ReplicationLatency"],
      ["to-dr-region", "ReplicationLatency"],
    ]);
  });

  it("RPO near zero (streaming): global tables with PITR in the DR region, a week of stream replay", () => {
    for (const t of all(plans, T.table)) {
      expect(t.inputs.pointInTimeRecovery).toEqual({ enabled: true });
      expect(t.inputs.replicas).toEqual([
        expect.objectContaining({
          regionName: outputs.drRegion,
          kmsKeyArn: outputs.kmsReplicaKeyArns.streaming,
          pointInTimeRecovery: true,
        }),
      ]);
    }
    for (const s of all(plans, T.stream))
      expect(Number(s.inputs.retentionPeriod)).toBeGreaterThanOrEqual(168);
  });

  it("RTO 2 h: warehouse snapshots copied to the DR region, keys replicated, Multi-AZ stores", () => {
    const [copy] = resourcesOf(platform, "aws:redshift/snapshotCopy:SnapshotCopy");
    expect(copy.inputs).toMatchObject({ destinationRegion: outputs.drRegion, retentionPeriod: 7 });
    const [grant] = resourcesOf(platform, "aws:redshift/snapshotCopyGrant:SnapshotCopyGrant");
    expect(grant.inputs.kmsKeyId).toBe(outputs.kmsReplicaKeyArns.warehouse);
    expect(copy.inputs.snapshotCopyGrantName).toBe(grant.inputs.snapshotCopyGrantName);
    expect(Object.keys(outputs.kmsReplicaKeyArns).sort()).toEqual(
      ["lake", "logs", "ml", "secrets", "streaming", "warehouse"].sort(),
    );
    const [cluster] = resourcesOf(platform, T.redshift);
    expect(cluster.inputs.multiAz).toBe(true);
    const [redis] = resourcesOf(platform, T.redis);
    expect(redis.inputs).toMatchObject({ multiAzEnabled: true, automaticFailoverEnabled: true });
    expect(resourcesOf(platform, "aws:ec2/natGateway:NatGateway")).toHaveLength(2);
  });
});

describe("notification channels from configuration", () => {
  it("subscribes the alarm email and a read-only Slack channel (AWS Chatbot) to the topic", async () => {
    const p = await platformPlan("dev", {
      configOverrides: {
        "data-platform": {
          "data-platform:observability": JSON.stringify({ alarmEmail: "oncall@example.com" }),
          "data-platform:notifications": JSON.stringify({
            slackWorkspaceId: "T0123ABCD",
            slackChannelId: "C0123ABCD",
          }),
        },
      },
    });
    const topicArn = String(p.outputs.alarmTopicArn);
    const [email] = resourcesOf(p, "aws:sns/topicSubscription:TopicSubscription");
    expect(email.inputs).toMatchObject({
      topic: topicArn,
      protocol: "email",
      endpoint: "oncall@example.com",
    });
    const [slack] = resourcesOf(p, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration");
    expect(slack.inputs).toMatchObject({
      slackTeamId: "T0123ABCD",
      slackChannelId: "C0123ABCD",
      snsTopicArns: [topicArn],
      guardrailPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"],
    });
    const role = resourcesOf(p, "aws:iam/role:Role").find((r) => r.urn.endsWith("::alarms-chatbot"))!;
    const policy = resourcesOf(p, "aws:iam/rolePolicy:RolePolicy").find((r) =>
      r.urn.endsWith("::alarms-chatbot"),
    )!;
    expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal).toEqual({
      Service: "chatbot.amazonaws.com",
    });
    for (const s of JSON.parse(String(policy.inputs.policy)).Statement as { Action: string[] }[])
      for (const a of s.Action) expect(a).toMatch(/^cloudwatch:(Describe|Get|List)/);
    const [budget] = resourcesOf(p, T.budget);
    for (const n of budget.inputs.notifications as Inputs[])
      expect(n.subscriberEmailAddresses).toEqual(["oncall@example.com"]);
  });
});

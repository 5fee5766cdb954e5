import { evaluateProjects, type ProjectPlan } from "../harness/evaluate";
import { planOf, projectsNamed, resourcesOf } from "../harness/testing";
import { deploymentLevels } from "../cli/deploy/order";
import { ML_DEFAULTS } from "../components/ml/settings";

const PROJECTS = ["data-platform", "clickstream", "orders", "api"];
// One evaluation of the four projects: clickstream, with model versions 1 and 2 approved
// (`clickstream:ml.variants[i].modelVersion`), exports its endpoint's `inferenceEndpointName`; orders
// has none, so both cases are read from real evaluated outputs. (Without an approved version
// clickstream has no endpoint either: stacks/platformSettings.test.ts.)
let plans: Promise<ProjectPlan[]>;
beforeAll(() => {
  plans = evaluateProjects({
    stack: "dev",
    projects: projectsNamed(PROJECTS),
    configOverrides: {
      clickstream: {
        "clickstream:ml": JSON.stringify({
          variants: ML_DEFAULTS.dev.variants.map((v, i) => ({ ...v, modelVersion: i + 1 })),
        }),
      },
    },
  });
});

type Outputs = Record<string, unknown> & {
  kmsKeyArns: Record<string, string>;
  subnetIds: Record<string, string[]>;
  vpcId: string;
  logRetentionDays: number;
  alarmTopicArn: string;
};

describe("api project (dev)", () => {
  it("reads the platform and both domain stacks of the same environment, so it is evaluated and deployed after them", async () => {
    const all = await plans;
    const api = planOf(all, "api");
    expect([...api.references].sort()).toEqual(["clickstream/dev", "data-platform/dev", "orders/dev"]);
    const levels = deploymentLevels(
      all.map((p) => ({ name: p.project.name, dependsOn: p.references.map((r) => r.split("/")[0]) })),
    );
    expect(levels[levels.length - 1]).toEqual(["api"]);
  });

  it("grants the task role exactly the domains' streams and tables, and the endpoint only where a domain has one", async () => {
    const all = await plans;
    const api = planOf(all, "api");
    const platform = planOf(all, "data-platform").outputs as Outputs;
    const click = planOf(all, "clickstream").outputs as Record<string, string>;
    const orders = planOf(all, "orders").outputs as Record<string, string>;
    const ENDPOINT = click.inferenceEndpointName;
    expect(ENDPOINT).toEqual(expect.any(String));
    const [role] = resourcesOf(api, "aws:iam/rolePolicy:RolePolicy").filter((r) =>
      r.urn.endsWith("api-task-policy"),
    );
    const doc = JSON.parse(String(role.inputs.policy)) as { Statement: { Sid: string; Resource: unknown }[] };
    const by = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s.Resource]));
    expect(by.PutRecords).toEqual([click.streamArn, orders.streamArn]);
    const tableArn = (streamArn: string, table: string) =>
      streamArn.replace(":kinesis:", ":dynamodb:").replace(/stream\/.*$/, `table/${table}`);
    expect(by.ReadServingTables).toEqual([
      tableArn(click.streamArn, click.servingTableName),
      tableArn(orders.streamArn, orders.servingTableName),
    ]);
    expect(by.InvokeEndpoints).toEqual([
      click.streamArn.replace(":kinesis:", ":sagemaker:").replace(/stream\/.*$/, `endpoint/${ENDPOINT}`),
    ]);
    expect(by.StreamingKey).toBe(platform.kmsKeyArns.streaming);

    const [td] = resourcesOf(api, "aws:ecs/taskDefinition:TaskDefinition");
    const [container] = JSON.parse(String(td.inputs.containerDefinitions));
    const env = Object.fromEntries(
      (container.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    expect(JSON.parse(env.API_DOMAINS)).toEqual({
      clickstream: {
        dataProduct: "clickstream",
        streamName: click.streamName,
        tableName: click.servingTableName,
        endpointName: ENDPOINT,
      },
      orders: { dataProduct: "orders", streamName: orders.streamName, tableName: orders.servingTableName },
    });
    expect(env.AUTH_JWKS_URL).toBe(`${env.AUTH_ISSUER}/.well-known/jwks.json`);
  });

  it("places the load balancer in the platform's public subnets and the tasks in its private subnets, with its keys", async () => {
    const all = await plans;
    const api = planOf(all, "api");
    const platform = planOf(all, "data-platform").outputs as Outputs;
    const [alb] = resourcesOf(api, "awsx:lb:ApplicationLoadBalancer");
    expect(alb.inputs.subnetIds).toEqual(platform.subnetIds.public);
    const [svc] = resourcesOf(api, "awsx:ecs:FargateService");
    expect((svc.inputs.networkConfiguration as { subnets: string[] }).subnets).toEqual(
      platform.subnetIds.private,
    );
    for (const sg of resourcesOf(api, "aws:ec2/securityGroup:SecurityGroup")) {
      expect(sg.inputs.vpcId).toBe(platform.vpcId);
    }
    const [logs] = resourcesOf(api, "aws:cloudwatch/logGroup:LogGroup");
    expect(logs.inputs).toMatchObject({
      kmsKeyId: platform.kmsKeyArns.logs,
      retentionInDays: platform.logRetentionDays,
    });
    for (const a of resourcesOf(api, "aws:cloudwatch/metricAlarm:MetricAlarm")) {
      expect(a.inputs.alarmActions).toEqual([platform.alarmTopicArn]);
    }
    expect(Object.keys(api.outputs.keyMetrics as object).sort()).toEqual([
      "p99LatencySeconds",
      "requests",
      "target5xx",
      "unhealthyHosts",
    ]);
  });

  it("reads items through the platform's Redis cache: AUTH token as a container secret, cache ingress from the tasks only", async () => {
    const all = await plans;
    const api = planOf(all, "api");
    const cache = (planOf(all, "data-platform").outputs as Outputs).cache as {
      endpoint: string;
      port: number;
      authTokenSecretArn: string;
      securityGroupId: string;
    };
    expect(cache).toBeDefined();
    const [td] = resourcesOf(api, "aws:ecs/taskDefinition:TaskDefinition");
    const [container] = JSON.parse(String(td.inputs.containerDefinitions));
    expect(container.secrets).toEqual([{ name: "CACHE_AUTH_TOKEN", valueFrom: cache.authTokenSecretArn }]);
    expect(container.environment).toEqual(
      expect.arrayContaining([{ name: "CACHE_HOST", value: cache.endpoint }]),
    );
    const ingress = resourcesOf(api, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
      (r) => r.inputs.securityGroupId === cache.securityGroupId,
    );
    expect(ingress.map((r) => [r.inputs.fromPort, r.inputs.toPort])).toEqual([[cache.port, cache.port]]);
  });

  it("has a dashboard of its key metrics (5xx, p99 latency)", async () => {
    const api = planOf(await plans, "api");
    const [dashboard] = resourcesOf(api, "aws:cloudwatch/dashboard:Dashboard");
    const body = String(dashboard.inputs.dashboardBody);
    expect(body).toContain("HTTPCode_Target_5XX_Count");
    expect(body).toContain("p99");
  });

  it("stops with the key, the value and what is allowed on bad configuration", async () => {
    const run = evaluateProjects({
      stack: "dev",
      projects: projectsNamed(["api"]),
      configOverrides: {
        api: { "api:certificateArn": "my-cert", "api:domains": JSON.stringify(["billing"]) },
      },
    });
    await expect(run).rejects.toThrow(/certificateArn[\s\S]*an ACM certificate ARN/);
    await expect(run).rejects.toThrow(/domains[\s\S]*one of clickstream, orders/);
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { evaluateProjects, type ProjectPlan } from "../../harness/evaluate";
import { readProject } from "../../harness/projects";
import { resourcesOf } from "../../harness/testing";
import { accessLogBucketPolicy, apiTaskPolicy, endpointArnNear, tableArnNear } from "./policies";
import { API_IMAGE_INPUTS, apiImageTag, ignoreScaledDesiredCount } from "./safeUpdates";

const FIXTURE = readProject(path.join(__dirname, "..", "..", "harness", "fixtures", "api"));
const plans = new Map<string, Promise<ProjectPlan>>();
const planFor = (overrides: Record<string, unknown> = {}) => {
  const key = JSON.stringify(overrides);
  if (!plans.has(key)) {
    plans.set(
      key,
      evaluateProjects({
        stack: "dev",
        projects: [FIXTURE],
        configOverrides: { [FIXTURE.name]: { [`${FIXTURE.name}:overrides`]: JSON.stringify(overrides) } },
      }).then((p) => p[0]),
    );
  }
  return plans.get(key)!;
};
const one = (plan: ProjectPlan, type: string, urnSuffix = "") => {
  const found = resourcesOf(plan, type).filter((r) => r.urn.endsWith(urnSuffix));
  expect(found).toHaveLength(1);
  return found[0];
};
type Statement = { Sid: string; Effect: string; Action: string[]; Resource: string | string[] };
const policyOf = (plan: ProjectPlan, suffix: string) =>
  JSON.parse(String(one(plan, "aws:iam/rolePolicy:RolePolicy", suffix).inputs.policy)) as {
    Statement: Statement[];
  };
const ACCOUNT = "123456789012";

describe("ApiService policies (pure)", () => {
  it("derives table and endpoint ARNs in the stream's account and region", () => {
    const s = "arn:aws:kinesis:eu-west-1:111122223333:stream/orders-1";
    expect(tableArnNear(s, "orders-t")).toBe("arn:aws:dynamodb:eu-west-1:111122223333:table/orders-t");
    expect(endpointArnNear(s, "My-Endpoint")).toBe(
      "arn:aws:sagemaker:eu-west-1:111122223333:endpoint/my-endpoint",
    );
    expect(() => tableArnNear("orders", "t")).toThrow(/not a regional ARN: orders/);
  });

  it("grants nothing beyond the domains' streams, tables, endpoints and the streaming key", () => {
    const doc = apiTaskPolicy(
      [
        { streamArn: "arn:s1", tableArn: "arn:t1" },
        { streamArn: "arn:s2", tableArn: "arn:t2", endpointArn: "arn:e2" },
      ],
      "arn:key",
    );
    expect(doc.Statement).toEqual([
      { Sid: "PutRecords", Effect: "Allow", Action: ["kinesis:PutRecords"], Resource: ["arn:s1", "arn:s2"] },
      {
        Sid: "ReadServingTables",
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:Query"],
        Resource: ["arn:t1", "arn:t2"],
      },
      {
        Sid: "StreamingKey",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "arn:key",
      },
      { Sid: "InvokeEndpoints", Effect: "Allow", Action: ["sagemaker:InvokeEndpoint"], Resource: ["arn:e2"] },
    ]);
    expect(
      apiTaskPolicy([{ streamArn: "arn:s1", tableArn: "arn:t1" }], "k").Statement.map((s) => s.Sid),
    ).not.toContain("InvokeEndpoints");
  });

  it("lets only Elastic Load Balancing write access logs, under the prefix, over TLS", () => {
    const doc = accessLogBucketPolicy({
      bucketArn: "arn:aws:s3:::logs",
      prefix: "alb",
      accountId: ACCOUNT,
      elbAccountArn: "arn:aws:iam::127311923021:root",
    }) as { Statement: Record<string, unknown>[] };
    expect(doc.Statement[0]).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    for (const s of doc.Statement.slice(1)) {
      expect(s).toMatchObject({
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::logs/alb/AWSLogs/${ACCOUNT}/*`,
      });
    }
  });
});

describe("ApiService (offline plan)", () => {
  it("puts the load balancer in the public subnets with HTTPS on the certificate, HTTP redirecting, access logs on", async () => {
    const plan = await planFor();
    const alb = one(plan, "awsx:lb:ApplicationLoadBalancer").inputs;
    const sg = one(plan, "aws:ec2/securityGroup:SecurityGroup", "api-alb-sg");
    const bucket = one(plan, "aws:s3/bucket:Bucket", "api-access-logs");
    expect(alb.internal).toBe(false);
    expect(alb.subnetIds).toEqual(["subnet-public-a", "subnet-public-b"]);
    expect(alb.securityGroups).toEqual([sg.id]);
    expect(alb.defaultSecurityGroup).toEqual({ skip: true });
    expect(alb.dropInvalidHeaderFields).toBe(true);
    expect(alb.accessLogs).toEqual({ bucket: bucket.id, prefix: "alb", enabled: true });
    expect(alb.listeners).toEqual([
      expect.objectContaining({
        port: 443,
        protocol: "HTTPS",
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      }),
      {
        port: 80,
        protocol: "HTTP",
        defaultActions: [
          { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } },
        ],
      },
    ]);
    expect((alb.defaultTargetGroup as { healthCheck: { path: string } }).healthCheck.path).toBe(
      "/health/ready",
    );
  });

  it("runs the tasks in the private subnets without public IPs, reachable only from the load balancer", async () => {
    const plan = await planFor();
    const svc = one(plan, "awsx:ecs:FargateService").inputs;
    const albSg = one(plan, "aws:ec2/securityGroup:SecurityGroup", "api-alb-sg");
    const taskSg = one(plan, "aws:ec2/securityGroup:SecurityGroup", "api-task-sg");
    expect(svc.networkConfiguration).toEqual({
      subnets: ["subnet-private-a", "subnet-private-b"],
      securityGroups: [taskSg.id],
      assignPublicIp: false,
    });
    expect(svc.loadBalancers).toEqual([
      {
        targetGroupArn: expect.stringMatching(/^arn:aws:elasticloadbalancing:us-east-1:\d{12}:targetgroup\//),
        containerName: "api",
        containerPort: 8080,
      },
    ]);
    expect(svc.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
    const ingress = resourcesOf(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(
      (r) => r.inputs,
    );
    // Tasks: one rule, from the load balancer's group on the container port.
    expect(ingress.filter((r) => r.securityGroupId === taskSg.id)).toEqual([
      expect.objectContaining({
        referencedSecurityGroupId: albSg.id,
        fromPort: 8080,
        toPort: 8080,
        ipProtocol: "tcp",
      }),
    ]);
    // Load balancer: 443 and 80 from each configured CIDR, nothing else.
    expect(
      ingress
        .filter((r) => r.securityGroupId === albSg.id)
        .map((r) => `${r.cidrIpv4}:${r.fromPort}-${r.toPort}`)
        .sort(),
    ).toEqual([
      "198.51.100.0/24:443-443",
      "198.51.100.0/24:80-80",
      "203.0.113.0/24:443-443",
      "203.0.113.0/24:80-80",
    ]);
  });

  it("scopes the task role to exactly the domains' streams, tables, endpoint and the streaming key", async () => {
    const plan = await planFor();
    const key = one(plan, "aws:kms/key:Key", "::streaming");
    const ordersArn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${one(plan, "aws:kinesis/stream:Stream", "::orders").id}`;
    const clicksArn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${one(plan, "aws:kinesis/stream:Stream", "::clickstream").id}`;
    const doc = policyOf(plan, "api-task-policy");
    const by = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    expect(Object.keys(by).sort()).toEqual([
      "InvokeEndpoints",
      "PutRecords",
      "ReadServingTables",
      "StreamingKey",
    ]);
    expect(by.PutRecords.Resource).toEqual([ordersArn, clicksArn]);
    expect(by.ReadServingTables.Resource).toEqual([
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-table-1a2b3c`,
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/clickstream-table-4d5e6f`,
    ]);
    expect(by.InvokeEndpoints.Resource).toEqual([
      `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/clickstream-recommender`,
    ]);
    expect(by.StreamingKey.Resource).toBe(`arn:aws:kms:us-east-1:${ACCOUNT}:key/${key.id}`);
    const trust = JSON.parse(String(one(plan, "aws:iam/role:Role", "api-task-role").inputs.assumeRolePolicy));
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: "ecs-tasks.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
    });
  });

  it("configures the container by environment only: domains, issuer, no secrets, non-root, read-only root", async () => {
    const plan = await planFor();
    const td = one(plan, "aws:ecs/taskDefinition:TaskDefinition").inputs;
    expect(td.requiresCompatibilities).toEqual(["FARGATE"]);
    expect(td.networkMode).toBe("awsvpc");
    const [c] = JSON.parse(String(td.containerDefinitions));
    const env = Object.fromEntries(
      (c.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    const domains = JSON.parse(env.API_DOMAINS);
    expect(Object.keys(domains)).toEqual(["orders", "clickstream"]);
    expect(domains.orders).toEqual({
      dataProduct: "orders",
      streamName: one(plan, "aws:kinesis/stream:Stream", "::orders").id,
      tableName: "orders-table-1a2b3c",
    });
    expect(domains.clickstream.endpointName).toBe("Clickstream-Recommender");
    expect(env.AUTH_ISSUER).toBe("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST");
    expect(env.AUTH_AUDIENCE).toBe("client-123");
    expect(c.secrets).toEqual([]);
    expect(c.user).toBe("1000");
    expect(c.readonlyRootFilesystem).toBe(true);
    expect(c.image).toMatch(/\.dkr\.ecr\.us-east-1\.amazonaws\.com\/.+@sha256:/);
    const logs = one(plan, "aws:cloudwatch/logGroup:LogGroup", "api-logs");
    expect(c.logConfiguration.options["awslogs-group"]).toBe(logs.id);
    expect(logs.inputs.retentionInDays).toBe(30);
    expect(logs.inputs.kmsKeyId).toBe(
      `arn:aws:kms:us-east-1:${ACCOUNT}:key/${one(plan, "aws:kms/key:Key", "::logs").id}`,
    );
    expect(one(plan, "aws:ecs/cluster:Cluster").inputs.settings).toEqual([
      { name: "containerInsights", value: "enhanced" },
    ]);
  });

  it("keeps access logs in a private, TLS-only SSE-S3 bucket (the only encryption ALB log delivery supports)", async () => {
    const plan = await planFor();
    const sse = one(
      plan,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ).inputs;
    expect(sse.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    const pab = one(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    expect(pab).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const policy = JSON.parse(String(one(plan, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy));
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "ElbAccount",
      "ElbLogDelivery",
    ]);
  });

  it("scales on CPU and on requests per task of its own target group, and alarms on 5xx, p99 and unhealthy tasks", async () => {
    const plan = await planFor();
    const target = one(plan, "aws:appautoscaling/target:Target").inputs;
    const cluster = one(plan, "aws:ecs/cluster:Cluster");
    expect(target).toMatchObject({
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${cluster.id}/api`,
      minCapacity: 2,
      maxCapacity: 10,
    });
    const policies = resourcesOf(plan, "aws:appautoscaling/policy:Policy").map(
      (p) =>
        p.inputs.targetTrackingScalingPolicyConfiguration as Record<
          string,
          { predefinedMetricType: string; resourceLabel?: string }
        >,
    );
    expect(policies.map((p) => p.predefinedMetricSpecification.predefinedMetricType).sort()).toEqual([
      "ALBRequestCountPerTarget",
      "ECSServiceAverageCPUUtilization",
    ]);
    const label = policies.find((p) => p.predefinedMetricSpecification.resourceLabel)!
      .predefinedMetricSpecification.resourceLabel;
    expect(label).toMatch(/^app\/[^/]+\/[0-9a-f]+\/targetgroup\/[^/]+\/[0-9a-f]+$/);
    const alarms = resourcesOf(plan, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs);
    expect(alarms.map((a) => a.metricName).sort()).toEqual([
      "HTTPCode_Target_5XX_Count",
      "TargetResponseTime",
      "UnHealthyHostCount",
    ]);
    expect(alarms.find((a) => a.metricName === "TargetResponseTime")).toMatchObject({
      extendedStatistic: "p99",
      threshold: 1,
    });
    for (const a of alarms) expect(a.alarmActions).toEqual(["arn:aws:sns:us-east-1:123456789012:alarms"]);
    const metrics = plan.outputs.keyMetrics as Record<
      string,
      { dimensions: Record<string, string>; statistic: string }
    >;
    expect(Object.keys(metrics).sort()).toEqual([
      "p99LatencySeconds",
      "requests",
      "target5xx",
      "unhealthyHosts",
    ]);
    expect(`${metrics.requests.dimensions.LoadBalancer}/${metrics.requests.dimensions.TargetGroup}`).toBe(
      label,
    );
  });

  it("injects the cache auth token as a container secret the execution role may read, with egress to the cache only on its port", async () => {
    const cache = {
      endpoint: "cache.abc.use1.cache.amazonaws.com",
      port: 6379,
      authTokenSecretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:cache-token-AbCdEf`,
      securityGroupId: "sg-cache",
    };
    const plan = await planFor({ cache, image: "public.ecr.aws/example/api:1.0" });
    const [c] = JSON.parse(
      String(one(plan, "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions),
    );
    expect(c.secrets).toEqual([{ name: "CACHE_AUTH_TOKEN", valueFrom: cache.authTokenSecretArn }]);
    expect(c.environment).toEqual(expect.arrayContaining([{ name: "CACHE_HOST", value: cache.endpoint }]));
    expect(JSON.stringify(c.environment)).not.toContain("secret:");
    expect(c.image).toBe("public.ecr.aws/example/api:1.0");
    expect(resourcesOf(plan, "aws:ecr/repository:Repository")).toEqual([]);
    const exec = Object.fromEntries(policyOf(plan, "api-execution-policy").Statement.map((s) => [s.Sid, s]));
    expect(exec.ReadSecrets.Resource).toEqual([cache.authTokenSecretArn]);
    expect(exec.RegistryLogin).toBeUndefined();
    const egress = resourcesOf(plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map(
      (r) => r.inputs,
    );
    expect(egress.filter((r) => r.referencedSecurityGroupId === "sg-cache")).toEqual([
      expect.objectContaining({ fromPort: 6379, toPort: 6379 }),
    ]);
    // ...and the cache admits the tasks' group (and nothing else), on that port only.
    const taskSg = one(plan, "aws:ec2/securityGroup:SecurityGroup", "api-task-sg");
    const ingress = resourcesOf(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .map((r) => r.inputs)
      .filter((r) => r.securityGroupId === "sg-cache");
    expect(ingress).toEqual([
      expect.objectContaining({
        referencedSecurityGroupId: taskSg.id,
        fromPort: 6379,
        toPort: 6379,
        ipProtocol: "tcp",
      }),
    ]);
  });

  it.each([
    [{ cpu: 300 }, /cpu = 300: one of 256, 512/],
    [{ memoryMb: 8192 }, /memoryMb = 8192: 1024-4096 MiB for cpu 512/],
    [{ allowedCidrs: [] }, /allowedCidrs = \[\]: at least one CIDR/],
    [{ minTasks: 3, maxTasks: 2, desiredCount: 3 }, /maxTasks = 2: an integer of at least minTasks \(3\)/],
    [
      {
        domains: {
          nope: { streamName: "s", streamArn: "arn:aws:kinesis:us-east-1:1:stream/s", tableName: "t" },
        },
      },
      /domains.nope.dataProduct = "nope": one of clickstream, orders/,
    ],
  ])("refuses bad arguments with the field, value and allowed range (%j)", async (overrides, message) => {
    await expect(planFor(overrides)).rejects.toThrow(message);
  });
});

describe("safe updates of the API", () => {
  const ROOT = path.join(__dirname, "..", "..");

  it("tags the image with a hash of its build inputs, so an IMMUTABLE repository never sees a tag twice", async () => {
    const image = one(await planFor(), "awsx:ecr:Image").inputs;
    expect(image.imageTag).toMatch(/^[0-9a-f]{16}$/);
    expect(image.imageTag).toBe(apiImageTag(ROOT));
    expect(one(await planFor(), "aws:ecr/repository:Repository").inputs.imageTagMutability).toBe("IMMUTABLE");
  });

  it("hashes exactly what the Dockerfile copies into the build", () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, "runtime", "api", "Dockerfile"), "utf8");
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) => {
      const parts = m[1].trim().split(/\s+/);
      return parts.slice(0, -1);
    });
    expect(sources.map((s) => s.replace(/\/$/, "")).sort()).toEqual([...API_IMAGE_INPUTS].sort());
  });

  it("changes the tag when a build input changes, and only then", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "api-image-"));
    fs.mkdirSync(path.join(root, "policies"));
    fs.mkdirSync(path.join(root, "runtime", "api"), { recursive: true });
    for (const f of ["package.json", "package-lock.json", "policies/package.json", "tsconfig.json"])
      fs.writeFileSync(path.join(root, f), "{}");
    fs.writeFileSync(path.join(root, "runtime", "api", "main.ts"), "export {};\n");
    fs.writeFileSync(path.join(root, "README.md"), "not in the image\n");
    const before = apiImageTag(root);
    fs.writeFileSync(path.join(root, "README.md"), "changed, still not in the image\n");
    expect(apiImageTag(root)).toBe(before);
    fs.writeFileSync(path.join(root, "runtime", "api", "main.ts"), "export const x = 1;\n");
    expect(apiImageTag(root)).not.toBe(before);
  });

  it("leaves the ECS service's task count to autoscaling after creation", () => {
    const base = { name: "api-service", custom: true, props: { desiredCount: 2 } };
    const service = ignoreScaledDesiredCount({
      ...base,
      type: "aws:ecs/service:Service",
      opts: { ignoreChanges: ["tags"] },
    }) as { opts: pulumi.CustomResourceOptions; props: Record<string, unknown> };
    expect(service.opts.ignoreChanges).toEqual(["tags", "desiredCount"]);
    expect(service.props).toEqual({ desiredCount: 2 });
    expect(
      ignoreScaledDesiredCount({ ...base, type: "aws:ecs/taskDefinition:TaskDefinition", opts: {} }),
    ).toBeUndefined();
  });

  it("creates the service with the configured task count (the transform only ignores later changes)", async () => {
    expect(one(await planFor(), "awsx:ecs:FargateService").inputs.desiredCount).toBe(2);
  });
});

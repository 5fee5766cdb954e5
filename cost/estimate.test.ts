import PRICES from "./prices.json";
import { estimatePlan, estimatePlans, formatEstimate, type PlanLike, type PriceTable } from "./estimate";

/** The unit prices the hand computation below uses, pinned so a price update does not move the figure. */
const prices: PriceTable = {
  ...PRICES,
  hoursPerMonth: 730,
  spotDiscount: 0.6,
  hourly: {
    ...PRICES.hourly,
    kinesisShard: 0.015,
    natGateway: 0.045,
    interfaceEndpointPerAz: 0.01,
    ec2: { ...PRICES.hourly.ec2, "m5.xlarge": 0.192, "r5.xlarge": 0.252 },
    emrUplift: { ...PRICES.hourly.emrUplift, "m5.xlarge": 0.048, "r5.xlarge": 0.063 },
    redshift: { ...PRICES.hourly.redshift, "ra3.xlplus": 1.086 },
    elasticache: { ...PRICES.hourly.elasticache, "cache.t4g.micro": 0.016 },
  },
  monthly: { ...PRICES.monthly, kmsKey: 1, ebsGp3PerGb: 0.08 },
};

const step = (name: string, type: string, inputs: Record<string, unknown> = {}) => ({
  newState: { urn: `urn:pulumi:dev::small::${type}::${name}`, type, custom: true, inputs },
});

/** A small plan with one resource of each pricing kind. */
const SMALL: PlanLike = {
  project: { name: "small" },
  stack: "dev",
  document: {
    steps: [
      step("events", "aws:kinesis/stream:Stream", {
        shardCount: 3,
        streamModeDetails: { streamMode: "PROVISIONED" },
      }),
      step("nat", "aws:ec2/natGateway:NatGateway"),
      step("kms-endpoint", "aws:ec2/vpcEndpoint:VpcEndpoint", {
        vpcEndpointType: "Interface",
        subnetIds: ["subnet-a", "subnet-b"],
      }),
      step("s3-endpoint", "aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Gateway" }),
      step("warehouse", "aws:redshift/cluster:Cluster", {
        nodeType: "ra3.xlplus",
        numberOfNodes: 2,
        multiAz: false,
      }),
      step("cache", "aws:elasticache/replicationGroup:ReplicationGroup", {
        nodeType: "cache.t4g.micro",
        numCacheClusters: 2,
      }),
      step("task", "aws:emr/instanceFleet:InstanceFleet", {
        targetOnDemandCapacity: 0,
        targetSpotCapacity: 2,
        instanceTypeConfigs: [
          {
            instanceType: "r5.xlarge",
            weightedCapacity: 1,
            ebsConfigs: [{ size: 64, volumesPerInstance: 1 }],
          },
          {
            instanceType: "m5.xlarge",
            weightedCapacity: 1,
            ebsConfigs: [{ size: 64, volumesPerInstance: 1 }],
          },
        ],
      }),
      step("key", "aws:kms/key:Key"),
      step("raw", "aws:s3/bucket:Bucket"),
      step("role", "aws:iam/role:Role"),
      step("mystery", "aws:quantum/computer:Computer"),
      {
        newState: {
          urn: "urn:pulumi:dev::small::pulumi:pulumi:Stack::small-dev",
          type: "pulumi:pulumi:Stack",
          custom: false,
          inputs: {},
        },
      },
    ],
  },
};

describe("the monthly cost estimate", () => {
  it("prices a small plan to the figure computed by hand", () => {
    // By hand, 730 hours a month:
    //   stream      3 shards x 0.015 x 730                                   =   32.85
    //   NAT         0.045 x 730                                              =   32.85
    //   endpoint    2 AZ x 0.01 x 730                                        =   14.60
    //   gateway     no charge                                                =    0.00
    //   Redshift    2 nodes x 1.086 x 730 (single-AZ)                        = 1585.56
    //   Redis       2 nodes x 0.016 x 730                                    =   23.36
    //   task fleet  cheapest type m5.xlarge (0.24/h vs r5 0.315/h), 2 spot:
    //               EC2 2 x 0.192 x 0.4 x 730 = 112.128; EMR 2 x 0.048 x 730 = 70.08;
    //               EBS 2 x 64 GB x 0.08 = 10.24                             =  192.45
    //   KMS key     1.00                                                     =    1.00
    //   total                                                                = 1882.67
    const [estimate] = estimatePlans([SMALL], prices);
    const byName = Object.fromEntries(estimate.lines.map((l) => [l.name, l]));
    expect(byName.events.monthlyUsd).toBe(32.85);
    expect(byName.nat.monthlyUsd).toBe(32.85);
    expect(byName["kms-endpoint"].monthlyUsd).toBe(14.6);
    expect(byName.warehouse.monthlyUsd).toBe(1585.56);
    expect(byName.cache.monthlyUsd).toBe(23.36);
    expect(byName.task.monthlyUsd).toBe(192.45);
    expect(byName.task.basis).toContain("m5.xlarge");
    expect(estimate.monthlyUsd).toBe(1882.67);
  });

  it("lists usage-based, free and unpriced resources instead of counting them as zero", () => {
    const lines = estimatePlan(SMALL, prices);
    const kind = Object.fromEntries(lines.map((l) => [l.name, l.kind]));
    expect(kind).toMatchObject({
      raw: "usage",
      role: "free",
      "s3-endpoint": "free",
      mystery: "unpriced",
    });
    // Component and stack resources are not billed and not listed.
    expect(lines.map((l) => l.name)).not.toContain("small-dev");
    const text = formatEstimate(estimatePlans([SMALL], prices), prices);
    expect(text).toMatch(/UNPRICED \(1\):\n\s+mystery \(aws:quantum\/computer:Computer\)/);
    expect(text).toContain("usage-based, not estimated (1)");
    expect(text).toContain("Total fixed: $1882.67 / month");
  });

  it("doubles a Multi-AZ warehouse and marks a node type without a price as unpriced", () => {
    const plan = (inputs: Record<string, unknown>): PlanLike => ({
      ...SMALL,
      document: { steps: [step("w", "aws:redshift/cluster:Cluster", inputs)] },
    });
    const [multiAz] = estimatePlan(plan({ nodeType: "ra3.xlplus", numberOfNodes: 2, multiAz: true }), prices);
    expect(multiAz.monthlyUsd).toBe(3171.12); // 2 x 1.086 x 730 x 2
    const [unknown] = estimatePlan(plan({ nodeType: "ra9.huge", numberOfNodes: 2 }), prices);
    expect(unknown).toMatchObject({ kind: "unpriced", basis: expect.stringContaining("ra9.huge") });
  });

  it("prices the API's awsx load balancer and Fargate service (one plan entry each) from the task definition", () => {
    const fargate: PriceTable = {
      ...prices,
      hourly: {
        ...prices.hourly,
        applicationLoadBalancer: 0.0225,
        fargateVcpu: 0.04048,
        fargateGb: 0.004445,
      },
    };
    const plan = (taskDefinition: string): PlanLike => ({
      ...SMALL,
      document: {
        steps: [
          step("api-task", "aws:ecs/taskDefinition:TaskDefinition", {
            cpu: "1024",
            memory: "2048",
            requiresCompatibilities: ["FARGATE"],
          }),
          { newState: { ...step("api-alb", "awsx:lb:ApplicationLoadBalancer").newState, custom: false } },
          {
            newState: {
              ...step("api-service", "awsx:ecs:FargateService", { desiredCount: 2, taskDefinition }).newState,
              custom: false,
            },
          },
        ],
      },
    });
    // By hand: ALB 0.0225 x 730 = 16.425 -> 16.43; service 2 tasks x (1 vCPU x 0.04048 + 2 GB x
    // 0.004445) x 730 = 2 x 0.04937 x 730 = 72.0802 -> 72.08; the task definition itself is free.
    const [estimate] = estimatePlans(
      [plan("arn:aws:ecs:us-east-1:1:taskdefinition/api-task-53cda1c:1")],
      fargate,
    );
    const byName = Object.fromEntries(estimate.lines.map((l) => [l.name, l]));
    expect(byName["api-alb"].monthlyUsd).toBe(16.43);
    expect(byName["api-service"].monthlyUsd).toBe(72.08);
    expect(byName["api-task"].kind).toBe("free");
    expect(estimate.monthlyUsd).toBe(88.51);
    // In a real preview the ARN is not known yet: the plan's only Fargate task definition is used.
    const unknownArn = estimatePlan(plan("04da6b54-80e4-46f7-96ec-b56ff0331ba9"), fargate);
    expect(unknownArn.find((l) => l.name === "api-service")?.monthlyUsd).toBe(72.08);
  });

  it("prices a Flink application by KPUs (plus the orchestration KPU and running storage)", () => {
    const pinned = {
      ...prices,
      hourly: { ...prices.hourly, flinkKpu: 0.11 },
      monthly: { ...prices.monthly, flinkRunningStoragePerGb: 0.1 },
    };
    const app = (parallelism: number, parallelismPerKpu: number) =>
      estimatePlan(
        {
          ...SMALL,
          document: {
            steps: [
              step("flink", "aws:kinesisanalyticsv2/application:Application", {
                applicationConfiguration: {
                  flinkApplicationConfiguration: {
                    parallelismConfiguration: { parallelism, parallelismPerKpu, autoScalingEnabled: true },
                  },
                },
              }),
            ],
          },
        },
        pinned,
      )[0];
    // 4 tasks at 2 per KPU: 2 KPUs + 1 = 3 x 0.11 x 730 = 240.90; 100 GB x 0.10 = 10.
    expect(app(4, 2).monthlyUsd).toBe(250.9);
    expect(app(4, 2).basis).toContain("autoscaling adds KPUs");
    // 3 tasks at 2 per KPU round up to 2 KPUs.
    expect(app(3, 2).monthlyUsd).toBe(250.9);
    expect(app(1, 1).monthlyUsd).toBe(165.6);
  });

  it("states a transform pipeline's hourly rate from its definition's parameters, usage-based", () => {
    const definition = {
      Parameters: [
        { Name: "TransformInstanceType", DefaultValue: "ml.m5.xlarge" },
        { Name: "TransformInstanceCount", DefaultValue: 2 },
      ],
      Steps: [
        { Name: "CreateModel", Type: "Model", Arguments: {} },
        {
          Name: "Transform",
          Type: "Transform",
          Arguments: {
            TransformResources: {
              InstanceType: { Get: "Parameters.TransformInstanceType" },
              InstanceCount: { Get: "Parameters.TransformInstanceCount" },
            },
          },
        },
      ],
    };
    const line = (d: object) =>
      estimatePlan(
        {
          ...SMALL,
          document: {
            steps: [
              step("batch", "aws:sagemaker/pipeline:Pipeline", { pipelineDefinition: JSON.stringify(d) }),
            ],
          },
        },
        prices,
      )[0];
    expect(line(definition)).toMatchObject({ kind: "usage", monthlyUsd: 0 });
    expect(line(definition).basis).toContain(
      "Transform: 2 x ml.m5.xlarge x 0.23/h = 0.46 per hour of transform",
    );
    const unknownType = {
      ...definition,
      Parameters: [{ Name: "TransformInstanceType", DefaultValue: "ml.p5.48xlarge" }],
    };
    expect(line(unknownType).kind).toBe("unpriced");
    expect(line({ Steps: [] }).basis).toBe(PRICES.usageBased["aws:sagemaker/pipeline:Pipeline"]);
  });

  it("keeps its price table dated and sourced", () => {
    expect(PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICES.region).toBe("us-east-1");
    for (const url of Object.values(PRICES.sources)) expect(url).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });
});

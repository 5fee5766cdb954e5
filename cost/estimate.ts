/**
 * Monthly cost estimate of an offline plan (`pulumi preview --json` documents): every resource is
 * priced from `cost/prices.json` by what it declares (shards, nodes, instance types, AZs), listed as
 * usage-based (the bill depends on traffic), free, or unpriced — never silently zero.
 */
import PRICES from "./prices.json";

export type PriceTable = typeof PRICES;

/** How a line was estimated. */
export type LineKind = "priced" | "usage" | "free" | "unpriced";

export interface LineItem {
  readonly project: string;
  readonly stack: string;
  /** Logical name (the last segment of the URN). */
  readonly name: string;
  readonly type: string;
  readonly kind: LineKind;
  /** USD per month, for `priced` lines only. */
  readonly monthlyUsd: number;
  /** The quantity and unit price behind the figure, or why there is none. */
  readonly basis: string;
}

interface PlanStep {
  readonly newState: {
    readonly urn: string;
    readonly type: string;
    readonly custom: boolean;
    readonly inputs: Record<string, unknown>;
  };
}

/** What the estimator reads of a plan: its project, stack and preview document. */
export interface PlanLike {
  readonly project: { readonly name: string };
  readonly stack: string;
  readonly document: { readonly steps: readonly PlanStep[] };
}

/**
 * Types with no charge of their own (IAM, VPC plumbing, policies, configuration objects, the
 * Pulumi Cloud and random providers' resources).
 */
const FREE: readonly RegExp[] = [
  /^aws:iam\//,
  /^aws:ec2\/(vpc|subnet|routeTable|routeTableAssociation|route|internetGateway|securityGroup|defaultSecurityGroup|vpcEndpointRouteTableAssociation):/,
  /^aws:ec2\/vpcEndpoint:VpcEndpoint$/, // gateway endpoints; interface endpoints are priced below
  /^aws:vpc\/securityGroup(Ingress|Egress)Rule:/,
  /^aws:kms\/alias:/,
  /^aws:s3\/bucket(Policy|Versioning|LifecycleConfiguration|Logging|OwnershipControls|PublicAccessBlock|ServerSideEncryptionConfiguration|Replication(Config)?|Notification|Object(v2)?)/,
  /^aws:glue\/(catalogDatabase|securityConfiguration|dataCatalogEncryptionSettings|crawler|trigger):/,
  /^aws:lakeformation\//,
  /^aws:cloudwatch\/(eventRule|eventTarget|logStream|logResourcePolicy|logDeliverySource|logDeliveryDestination):/,
  /^aws:cloudfront\/(cachePolicy|originRequestPolicy):/,
  /^aws:lb\/listenerRule:/,
  /^aws:sns\/(topicPolicy|topicSubscription):/,
  /^aws:secretsmanager\/secretVersion:/,
  /^aws:redshift\/(parameterGroup|subnetGroup|logging|snapshotCopyGrant|snapshotCopy):/,
  /^aws:(rds|elasticache)\/subnetGroup:/,
  /^aws:emr\/(securityConfiguration|blockPublicAccessConfiguration|managedScalingPolicy):/,
  /^aws:backup\/(plan|selection|vaultPolicy):/,
  /^aws:costexplorer\/(costAllocationTag|anomalySubscription|anomalyMonitor):/,
  /^aws:cfg\/(deliveryChannel|recorderStatus|rule):/,
  /^aws:guardduty\/detectorFeature:/,
  /^aws:lambda\/permission:/,
  /^aws:chatbot\//,
  /^aws:athena\/namedQuery:/,
  /^aws:appautoscaling\//,
  /^aws:ecs\/(cluster|taskDefinition):/, // Fargate tasks are priced on the service that runs them
  /^aws:sagemaker\/(model|modelPackageGroup|modelPackageGroupPolicy|endpoint):/, // instances: endpoint configuration
  /^random:/,
  /^pulumiservice:/,
];

const round2 = (n: number) => Math.round(n * 100) / 100;
const num = (v: unknown, fallback = 0) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

type Rule = (
  inputs: Record<string, unknown>,
  p: PriceTable,
) => { monthlyUsd: number; basis: string } | string;

/** The price of a key in a table, or a reason naming the missing key. */
function lookup(table: Record<string, number>, key: string | undefined, what: string): number | string {
  if (!key) return `no ${what} declared`;
  const price = table[key];
  return price === undefined ? `no price for ${what} ${key} in cost/prices.json` : price;
}

interface FleetConfig {
  instanceType?: string;
  weightedCapacity?: number;
  ebsConfigs?: { size?: number; volumesPerInstance?: number }[];
}

/** An EMR fleet at its target capacity on the cheapest listed instance type (EC2 + EMR uplift + EBS). */
function fleetCost(
  fleet: {
    targetOnDemandCapacity?: number;
    targetSpotCapacity?: number;
    instanceTypeConfigs?: FleetConfig[];
  },
  p: PriceTable,
  label: string,
): { monthlyUsd: number; basis: string } | string {
  const configs = fleet.instanceTypeConfigs ?? [];
  const priced = configs
    .map((c) => ({
      c,
      hourly: (p.hourly.ec2 as Record<string, number>)[c.instanceType ?? ""],
      uplift: (p.hourly.emrUplift as Record<string, number>)[c.instanceType ?? ""],
    }))
    .filter((x) => x.hourly !== undefined && x.uplift !== undefined)
    .sort(
      (a, b) =>
        (a.hourly + a.uplift) / (a.c.weightedCapacity ?? 1) -
        (b.hourly + b.uplift) / (b.c.weightedCapacity ?? 1),
    );
  if (!priced.length)
    return `no price for any of ${configs.map((c) => c.instanceType).join(", ") || "(no instance types)"}`;
  const { c, hourly, uplift } = priced[0];
  const weight = c.weightedCapacity ?? 1;
  const onDemand = Math.ceil(num(fleet.targetOnDemandCapacity) / weight);
  const spot = Math.ceil(num(fleet.targetSpotCapacity) / weight);
  const ebsGb = (c.ebsConfigs ?? []).reduce((n, e) => n + num(e.size) * num(e.volumesPerInstance, 1), 0);
  const h = p.hoursPerMonth;
  const spotFactor = 1 - p.spotDiscount;
  const compute = onDemand * (hourly + uplift) * h + spot * hourly * spotFactor * h + spot * uplift * h;
  const ebs = (onDemand + spot) * ebsGb * p.monthly.ebsGp3PerGb;
  const parts = [
    onDemand ? `${onDemand} on-demand` : "",
    spot ? `${spot} spot (EC2 at ${Math.round(spotFactor * 100)}%)` : "",
  ].filter(Boolean);
  return {
    monthlyUsd: compute + ebs,
    basis:
      `${label}: ${parts.join(" + ") || "0 instances"} ${c.instanceType} x (${hourly} EC2 + ${uplift} EMR)/h x ${h} h` +
      (ebsGb ? ` + ${ebsGb} GB gp3 each` : ""),
  };
}

/** Pricing rules by resource type. */
const RULES: Record<string, Rule> = {
  "aws:kinesis/stream:Stream": (i, p) => {
    const mode = (i.streamModeDetails as { streamMode?: string } | undefined)?.streamMode ?? "PROVISIONED";
    if (mode === "ON_DEMAND")
      return {
        monthlyUsd: p.hourly.kinesisOnDemandStream * p.hoursPerMonth,
        basis: `on-demand stream-hours ${p.hourly.kinesisOnDemandStream}/h x ${p.hoursPerMonth} h (+ data, usage-based)`,
      };
    const shards = num(i.shardCount, 1);
    return {
      monthlyUsd: shards * p.hourly.kinesisShard * p.hoursPerMonth,
      basis: `${shards} shards x ${p.hourly.kinesisShard}/shard-h x ${p.hoursPerMonth} h (+ PUT units, usage-based)`,
    };
  },
  "aws:ec2/natGateway:NatGateway": (_i, p) => ({
    monthlyUsd: p.hourly.natGateway * p.hoursPerMonth,
    basis: `${p.hourly.natGateway}/h x ${p.hoursPerMonth} h (+ per GB processed, usage-based)`,
  }),
  "aws:ec2/eip:Eip": (_i, p) => ({
    monthlyUsd: p.hourly.publicIpv4Address * p.hoursPerMonth,
    basis: `public IPv4 ${p.hourly.publicIpv4Address}/h x ${p.hoursPerMonth} h`,
  }),
  "aws:ec2/vpcEndpoint:VpcEndpoint": (i, p) => {
    if (i.vpcEndpointType !== "Interface") return { monthlyUsd: 0, basis: "gateway endpoint: no charge" };
    const azs = Array.isArray(i.subnetIds) ? i.subnetIds.length : 1;
    return {
      monthlyUsd: azs * p.hourly.interfaceEndpointPerAz * p.hoursPerMonth,
      basis: `${azs} AZ x ${p.hourly.interfaceEndpointPerAz}/AZ-h x ${p.hoursPerMonth} h (+ per GB, usage-based)`,
    };
  },
  "aws:dynamodb/table:Table": (i, p) => {
    const replicas = Array.isArray(i.replicas) ? i.replicas.length : 0;
    if (i.billingMode !== "PROVISIONED")
      return `on-demand: per request${replicas ? `, ${replicas} replica region(s) replicate writes` : ""}`;
    const rcu = num(i.readCapacity);
    const wcu = num(i.writeCapacity);
    const h = p.hoursPerMonth;
    return {
      monthlyUsd:
        (rcu * p.hourly.dynamodbRcu +
          wcu * p.hourly.dynamodbWcu +
          replicas * wcu * p.hourly.dynamodbReplicatedWcu) *
        h,
      basis: `${rcu} RCU x ${p.hourly.dynamodbRcu} + ${wcu} WCU x ${p.hourly.dynamodbWcu}${replicas ? ` + ${replicas} x ${wcu} rWCU x ${p.hourly.dynamodbReplicatedWcu}` : ""} per h x ${h} h (minimum of autoscaling)`,
    };
  },
  "aws:redshift/cluster:Cluster": (i, p) => {
    const type = str(i.nodeType);
    const price = lookup(p.hourly.redshift, type, "Redshift node type");
    if (typeof price === "string") return price;
    const nodes = num(i.numberOfNodes, 1);
    const azs = i.multiAz === true ? 2 : 1;
    return {
      monthlyUsd: nodes * azs * price * p.hoursPerMonth,
      basis: `${nodes} x ${type} x ${price}/h x ${p.hoursPerMonth} h${azs === 2 ? " x 2 (Multi-AZ)" : ""}`,
    };
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": (i, p) => {
    const type = str(i.nodeType);
    const price = lookup(p.hourly.elasticache, type, "ElastiCache node type");
    if (typeof price === "string") return price;
    const nodes = num(i.numCacheClusters, 1);
    return {
      monthlyUsd: nodes * price * p.hoursPerMonth,
      basis: `${nodes} x ${type} x ${price}/h x ${p.hoursPerMonth} h (+ backup storage beyond the free snapshot)`,
    };
  },
  "aws:emr/cluster:Cluster": (i, p) => {
    const master = fleetCost((i.masterInstanceFleet ?? {}) as never, p, "primary");
    const core = fleetCost((i.coreInstanceFleet ?? {}) as never, p, "core");
    if (typeof master === "string") return master;
    if (typeof core === "string") return core;
    return {
      monthlyUsd: master.monthlyUsd + core.monthlyUsd,
      basis: `${master.basis}; ${core.basis} (always on at target capacity)`,
    };
  },
  "aws:emr/instanceFleet:InstanceFleet": (i, p) => fleetCost(i as never, p, "task fleet (minimum)"),
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": (i, p) => {
    const variants = (Array.isArray(i.productionVariants) ? i.productionVariants : []) as {
      instanceType?: string;
      initialInstanceCount?: number;
      variantName?: string;
    }[];
    let total = 0;
    const parts: string[] = [];
    for (const v of variants) {
      const price = lookup(p.hourly.sagemakerInstance, v.instanceType, "SageMaker instance type");
      if (typeof price === "string") return price;
      const n = num(v.initialInstanceCount, 1);
      total += n * price * p.hoursPerMonth;
      parts.push(`${v.variantName ?? "variant"}: ${n} x ${v.instanceType} x ${price}/h`);
    }
    if (!parts.length) return "serverless variants only: per inference, usage-based";
    return { monthlyUsd: total, basis: `${parts.join(" + ")} x ${p.hoursPerMonth} h` };
  },
  "aws:kinesisanalyticsv2/application:Application": (i, p) => {
    const flink = (i.applicationConfiguration as { flinkApplicationConfiguration?: unknown } | undefined)
      ?.flinkApplicationConfiguration as
      | {
          parallelismConfiguration?: {
            parallelism?: number;
            parallelismPerKpu?: number;
            autoScalingEnabled?: boolean;
          };
        }
      | undefined;
    const pc = flink?.parallelismConfiguration ?? {};
    const kpus = Math.ceil(num(pc.parallelism, 1) / num(pc.parallelismPerKpu, 1));
    // One more KPU per application for orchestration; 50 GB of running storage per KPU.
    const compute = (kpus + 1) * p.hourly.flinkKpu * p.hoursPerMonth;
    const storage = kpus * 50 * p.monthly.flinkRunningStoragePerGb;
    return {
      monthlyUsd: compute + storage,
      basis:
        `(${kpus} KPU + 1 orchestration KPU) x ${p.hourly.flinkKpu}/h x ${p.hoursPerMonth} h + ` +
        `${kpus * 50} GB running storage x ${p.monthly.flinkRunningStoragePerGb}/GB-month` +
        (pc.autoScalingEnabled ? " (initial parallelism; autoscaling adds KPUs under load)" : ""),
    };
  },
  "aws:sagemaker/pipeline:Pipeline": (i, p) => pipelineRates(i, p),
  "aws:mwaa/environment:Environment": (i, p) => {
    const cls = str(i.environmentClass) ?? "mw1.small";
    const price = lookup(p.hourly.mwaaEnvironment, cls, "MWAA environment class");
    if (typeof price === "string") return price;
    return {
      monthlyUsd: price * p.hoursPerMonth,
      basis: `${cls} ${price}/h x ${p.hoursPerMonth} h (+ extra workers, usage-based)`,
    };
  },
  "aws:lb/loadBalancer:LoadBalancer": (_i, p) => ({
    monthlyUsd: p.hourly.applicationLoadBalancer * p.hoursPerMonth,
    basis: `${p.hourly.applicationLoadBalancer}/h x ${p.hoursPerMonth} h (+ LCUs, usage-based)`,
  }),
  "awsx:lb:ApplicationLoadBalancer": (_i, p) => ({
    monthlyUsd: p.hourly.applicationLoadBalancer * p.hoursPerMonth,
    basis: `${p.hourly.applicationLoadBalancer}/h x ${p.hoursPerMonth} h (+ LCUs, usage-based)`,
  }),
  "awsx:ecs:FargateService": (i, p) => {
    const size = i.taskSize as { cpu?: unknown; memory?: unknown } | undefined;
    const vcpu = Number(size?.cpu) / 1024;
    const gb = Number(size?.memory) / 1024;
    if (!(vcpu > 0 && gb > 0)) return "no task size found (task definition not in the plan)";
    const tasks = num(i.desiredCount, 1);
    const hourly = vcpu * p.hourly.fargateVcpu + gb * p.hourly.fargateGb;
    return {
      monthlyUsd: tasks * hourly * p.hoursPerMonth,
      basis: `${tasks} tasks x (${vcpu} vCPU x ${p.hourly.fargateVcpu} + ${gb} GB x ${p.hourly.fargateGb})/h x ${p.hoursPerMonth} h (minimum of autoscaling)`,
    };
  },
  // WAF: the web ACL and each rule (a managed rule group counts as one rule) per month; requests usage-based.
  "aws:wafv2/webAcl:WebAcl": (i, p) => {
    const rules = Array.isArray(i.rules) ? i.rules.length : 0;
    return {
      monthlyUsd: p.monthly.wafWebAcl + rules * p.monthly.wafRule,
      basis: `web ACL ${p.monthly.wafWebAcl}/month + ${rules} rules x ${p.monthly.wafRule}/month (+ 0.60 per million requests, usage-based)`,
    };
  },
  "aws:kms/key:Key": (_i, p) => ({
    monthlyUsd: p.monthly.kmsKey,
    basis: `customer managed key ${p.monthly.kmsKey}/month`,
  }),
  "aws:kms/replicaKey:ReplicaKey": (_i, p) => ({
    monthlyUsd: p.monthly.kmsKey,
    basis: `replica key ${p.monthly.kmsKey}/month`,
  }),
  "aws:secretsmanager/secret:Secret": (_i, p) => ({
    monthlyUsd: p.monthly.secret,
    basis: `secret ${p.monthly.secret}/month (+ API calls)`,
  }),
  "aws:cloudwatch/dashboard:Dashboard": (_i, p) => ({
    monthlyUsd: p.monthly.dashboard,
    basis: `dashboard ${p.monthly.dashboard}/month (the first three per account are free)`,
  }),
  "aws:cloudwatch/metricAlarm:MetricAlarm": (i, p) => {
    const metrics = Array.isArray(i.metricQueries) ? i.metricQueries.length : 1;
    return {
      monthlyUsd: metrics * p.monthly.standardAlarmPerMetric,
      basis: `${metrics} metric x ${p.monthly.standardAlarmPerMetric}/month`,
    };
  },
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": (_i, p) => ({
    monthlyUsd: p.monthly.compositeAlarm,
    basis: `composite alarm ${p.monthly.compositeAlarm}/month`,
  }),
};

/**
 * A SageMaker Pipeline is paid per execution: the instance-hours of its jobs. The hourly rate of
 * each Transform step (instances x list price, parameters resolved to their defaults) is stated;
 * the hours depend on the input, so the line stays usage-based.
 */
function pipelineRates(i: Record<string, unknown>, p: PriceTable): string {
  const usage = (p.usageBased as Record<string, string>)["aws:sagemaker/pipeline:Pipeline"];
  let definition: {
    Parameters?: { Name: string; DefaultValue?: unknown }[];
    Steps?: { Name?: string; Type?: string; Arguments?: { TransformResources?: Record<string, unknown> } }[];
  };
  try {
    definition = JSON.parse(String(i.pipelineDefinition));
  } catch {
    return usage;
  }
  const resolve = (v: unknown): unknown => {
    const ref = (v as { Get?: unknown } | undefined)?.Get;
    if (typeof ref !== "string" || !ref.startsWith("Parameters.")) return v;
    return definition.Parameters?.find((x) => x.Name === ref.slice("Parameters.".length))?.DefaultValue;
  };
  const rates: string[] = [];
  for (const step of definition.Steps ?? []) {
    if (step.Type !== "Transform") continue;
    const r = step.Arguments?.TransformResources ?? {};
    const type = str(resolve(r.InstanceType));
    const price = lookup(p.hourly.sagemakerInstance, type, "SageMaker instance type");
    if (typeof price === "string") return price;
    const n = num(resolve(r.InstanceCount), 1);
    rates.push(
      `${step.Name ?? "Transform"}: ${n} x ${type} x ${price}/h = ${round2(n * price)} per hour of transform`,
    );
  }
  return rates.length ? `${rates.join("; ")} (instance-hours per execution)` : usage;
}

/** One line per custom resource of one plan. */
export function estimatePlan(plan: PlanLike, prices: PriceTable = PRICES): LineItem[] {
  const lines: LineItem[] = [];
  const usage = prices.usageBased as Record<string, string>;
  const taskSizes = fargateTaskSizes(plan);
  for (const { newState: s } of plan.document.steps) {
    // awsx components are multi-language components: one plan entry each, priced as a whole.
    if ((!s.custom && !s.type.startsWith("awsx:")) || s.type.startsWith("pulumi:")) continue;
    const base = {
      project: plan.project.name,
      stack: plan.stack,
      name: s.urn.split("::").pop() ?? s.urn,
      type: s.type,
    };
    const rule = RULES[s.type];
    if (rule) {
      const inputs =
        s.type === "awsx:ecs:FargateService"
          ? { ...s.inputs, taskSize: taskSizeOf(s.inputs?.taskDefinition, taskSizes) }
          : (s.inputs ?? {});
      const r = rule(inputs, prices);
      lines.push(
        typeof r === "string"
          ? { ...base, kind: r.startsWith("no ") ? "unpriced" : "usage", monthlyUsd: 0, basis: r }
          : r.monthlyUsd === 0
            ? { ...base, kind: "free", monthlyUsd: 0, basis: r.basis }
            : { ...base, kind: "priced", monthlyUsd: round2(r.monthlyUsd), basis: r.basis },
      );
    } else if (usage[s.type] !== undefined) {
      lines.push({ ...base, kind: "usage", monthlyUsd: 0, basis: usage[s.type] });
    } else if (FREE.some((re) => re.test(s.type))) {
      lines.push({ ...base, kind: "free", monthlyUsd: 0, basis: "no charge for the resource itself" });
    } else {
      lines.push({
        ...base,
        kind: "unpriced",
        monthlyUsd: 0,
        basis: "no pricing rule for this type (add one to cost/estimate.ts)",
      });
    }
  }
  return lines;
}

/** CPU units and MiB of the plan's Fargate task definitions, by logical name. */
function fargateTaskSizes(plan: PlanLike): Map<string, { cpu: unknown; memory: unknown }> {
  const sizes = new Map<string, { cpu: unknown; memory: unknown }>();
  for (const { newState: s } of plan.document.steps) {
    if (s.type !== "aws:ecs/taskDefinition:TaskDefinition") continue;
    const compat = s.inputs?.requiresCompatibilities;
    if (Array.isArray(compat) && !compat.includes("FARGATE")) continue;
    sizes.set(s.urn.split("::").pop() ?? s.urn, { cpu: s.inputs?.cpu, memory: s.inputs?.memory });
  }
  return sizes;
}

/**
 * The size of the task a service runs: its task definition's ARN names the definition (auto-named
 * `<logical name>-<suffix>`); when the ARN is not known yet (a real preview), the plan's only
 * Fargate task definition.
 */
function taskSizeOf(
  arn: unknown,
  sizes: Map<string, { cpu: unknown; memory: unknown }>,
): { cpu: unknown; memory: unknown } | undefined {
  const family = typeof arn === "string" ? /taskdefinition\/([^:]+)/.exec(arn)?.[1] : undefined;
  if (family) {
    for (const [name, size] of sizes) if (family === name || family.startsWith(`${name}-`)) return size;
  }
  return sizes.size === 1 ? [...sizes.values()][0] : undefined;
}

export interface StackEstimate {
  readonly project: string;
  readonly stack: string;
  readonly monthlyUsd: number;
  readonly lines: LineItem[];
}

/** Estimates of several plans, each with its total of priced lines. */
export function estimatePlans(plans: readonly PlanLike[], prices: PriceTable = PRICES): StackEstimate[] {
  return plans.map((plan) => {
    const lines = estimatePlan(plan, prices);
    return {
      project: plan.project.name,
      stack: plan.stack,
      monthlyUsd: round2(lines.reduce((n, l) => n + l.monthlyUsd, 0)),
      lines,
    };
  });
}

/** The text report: per stack the priced lines (largest first), then usage-based and unpriced ones. */
export function formatEstimate(estimates: readonly StackEstimate[], prices: PriceTable = PRICES): string {
  const out: string[] = [
    `Monthly estimate (${prices.currency}, ${prices.region} list prices as of ${prices.asOf}, ${prices.hoursPerMonth} h/month; cost/prices.json)`,
  ];
  const money = (n: number) => `$${n.toFixed(2)}`.padStart(11);
  for (const e of estimates) {
    out.push("", `${e.project} (${e.stack}): ${money(e.monthlyUsd).trim()} / month fixed`);
    const priced = e.lines.filter((l) => l.kind === "priced").sort((a, b) => b.monthlyUsd - a.monthlyUsd);
    for (const l of priced) out.push(`  ${money(l.monthlyUsd)}  ${l.name} (${l.type})  ${l.basis}`);
    const usage = e.lines.filter((l) => l.kind === "usage");
    if (usage.length) {
      out.push(`  usage-based, not estimated (${usage.length}):`);
      for (const l of usage) out.push(`               ${l.name} (${l.type})  ${l.basis}`);
    }
    const unpriced = e.lines.filter((l) => l.kind === "unpriced");
    if (unpriced.length) {
      out.push(`  UNPRICED (${unpriced.length}):`);
      for (const l of unpriced) out.push(`               ${l.name} (${l.type})  ${l.basis}`);
    }
    const free = e.lines.filter((l) => l.kind === "free").length;
    out.push(`  (${free} resources with no charge of their own)`);
  }
  const total = estimates.reduce((n, e) => n + e.monthlyUsd, 0);
  out.push("", `Total fixed: $${total.toFixed(2)} / month, plus usage-based charges`);
  return out.join("\n");
}

import { byId, platformPlan, policyOf, referencedBy, resourcesOf } from "../../harness/testing";
import { SECURITY_GROUP_ROLES } from "../../contracts/platform";
import {
  endpointServiceName,
  flowLogsDeliveryPolicy,
  flowLogsTrustPolicy,
  INTERFACE_ENDPOINT_SERVICES,
  natGatewayCount,
  natGatewayFor,
  ruleKey,
  securityGroupRules,
  subnetLayoutProblems,
} from ".";

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  nat: "aws:ec2/natGateway:NatGateway",
  eip: "aws:ec2/eip:Eip",
  igw: "aws:ec2/internetGateway:InternetGateway",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  key: "aws:kms/key:Key",
};

/** A tag of a planned resource (the component's `Name`, `Tier`, `Role`, `DataClass` tags). */
const tag = (r: { inputs: Record<string, unknown> }, key: string) =>
  (r.inputs.tags as Record<string, string>)[key];

const ctx = { accountId: "123456789012", partition: "aws", region: "us-east-1" };

describe.each([
  ["dev", { nat: 1, interfaceEndpoints: 0, flowLogRetention: 30 }],
  ["prod", { nat: 2, interfaceEndpoints: INTERFACE_ENDPOINT_SERVICES.length, flowLogRetention: 365 }],
])("the %s network", (stack, expected) => {
  const plan = () => platformPlan(stack);

  it("is a 10.0.0.0/16 VPC with DNS support and hostnames", async () => {
    const [vpc] = resourcesOf(await plan(), T.vpc);
    expect(vpc.inputs).toMatchObject({
      cidrBlock: "10.0.0.0/16",
      enableDnsSupport: true,
      enableDnsHostnames: true,
    });
  });

  it("has the reference architecture's subnet blocks, one per tier and AZ, spread over two zones", async () => {
    const subnets = resourcesOf(await plan(), T.subnet).map((s) => s.inputs);
    const tier = (t: string) =>
      subnets
        .filter((s) => (s.tags as Record<string, string>).Tier === t)
        .map((s) => [s.cidrBlock, s.availabilityZone]);
    expect(tier("public")).toEqual([
      ["10.0.1.0/24", "us-east-1a"],
      ["10.0.2.0/24", "us-east-1b"],
    ]);
    expect(tier("private")).toEqual([
      ["10.0.10.0/24", "us-east-1a"],
      ["10.0.11.0/24", "us-east-1b"],
    ]);
    expect(tier("database")).toEqual([
      ["10.0.20.0/24", "us-east-1a"],
      ["10.0.21.0/24", "us-east-1b"],
    ]);
    expect(subnets.every((s) => s.mapPublicIpOnLaunch === false)).toBe(true);
  });

  it("routes only the public tier to the internet gateway and the private tier through NAT", async () => {
    const p = await plan();
    const tables = byId(p, T.routeTable);
    const [igw] = resourcesOf(p, T.igw);
    const natIds = new Set(resourcesOf(p, T.nat).map((n) => n.id));
    const tierOf = (tableId: unknown) => tag(tables.get(String(tableId))!, "Tier");
    const routes = resourcesOf(p, T.route).map((r) => ({
      route: r.inputs,
      tier: tierOf(r.inputs.routeTableId),
    }));

    expect(routes.filter((r) => r.route.gatewayId === igw.id).map((r) => r.tier)).toEqual(["public"]);
    const viaNat = routes.filter((r) => natIds.has(String(r.route.natGatewayId)));
    expect(viaNat.map((r) => r.tier)).toEqual(["private", "private"]);
    // Per AZ in prod: each private table uses a different NAT gateway; in dev both share one.
    expect(new Set(viaNat.map((r) => r.route.natGatewayId)).size).toBe(expected.nat);
    expect(routes.every((r) => r.route.destinationCidrBlock === "0.0.0.0/0")).toBe(true);
    // No inline routes hide anywhere.
    for (const t of tables.values()) expect(t.inputs.routes).toBeUndefined();
  });

  it("gives the database tier no route out of the VPC at all", async () => {
    const p = await plan();
    const tables = byId(p, T.routeTable);
    const databaseTables = [...tables.values()].filter((t) => tag(t, "Tier") === "database");
    expect(databaseTables).toHaveLength(1);
    const databaseTableIds = new Set(databaseTables.map((t) => t.id));
    expect(
      resourcesOf(p, T.route).filter((r) => databaseTableIds.has(String(r.inputs.routeTableId))),
    ).toEqual([]);

    // Every database subnet is associated with that table and nothing else.
    const subnets = byId(p, T.subnet);
    for (const a of resourcesOf(p, T.association)) {
      const tier = tag(subnets.get(String(a.inputs.subnetId))!, "Tier");
      expect(databaseTableIds.has(String(a.inputs.routeTableId))).toBe(tier === "database");
    }
  });

  it(`has ${expected.nat} NAT gateway(s), each in a public subnet with its own Elastic IP`, async () => {
    const p = await plan();
    const nats = resourcesOf(p, T.nat);
    expect(nats).toHaveLength(expected.nat);
    expect(resourcesOf(p, T.eip)).toHaveLength(expected.nat);
    const subnets = byId(p, T.subnet);
    const eips = new Set(resourcesOf(p, T.eip).map((e) => e.id));
    for (const n of nats) {
      expect(tag(subnets.get(String(n.inputs.subnetId))!, "Tier")).toBe("public");
      expect(eips.has(String(n.inputs.allocationId))).toBe(true);
    }
  });

  it("has the reference architecture's security groups and an emptied default group", async () => {
    const p = await plan();
    // The network's groups; components with their own group (the serving cache) are tested with them.
    const groups = resourcesOf(p, T.sg).filter((g) => g.urn.includes("dataplatform:network:"));
    const roles = groups.map((g) => tag(g, "Role"));
    expect(roles.sort()).toEqual([...SECURITY_GROUP_ROLES].sort());
    for (const g of groups) {
      expect(g.inputs.description).toBeTruthy();
      expect(g.inputs.ingress ?? []).toEqual([]);
      expect(g.inputs.egress ?? []).toEqual([]);
    }
    const [defaultGroup] = resourcesOf(p, T.defaultSg);
    expect(defaultGroup.inputs.ingress ?? []).toEqual([]);
    expect(defaultGroup.inputs.egress ?? []).toEqual([]);
  });

  it("opens no ingress to 0.0.0.0/0 or ::/0 and describes every rule", async () => {
    const p = await plan();
    const ingress = resourcesOf(p, T.ingress);
    expect(ingress.length).toBeGreaterThan(0);
    for (const r of ingress) {
      expect(r.inputs.cidrIpv4).not.toBe("0.0.0.0/0");
      expect(r.inputs.cidrIpv6).toBeUndefined();
    }
    for (const r of [...ingress, ...resourcesOf(p, T.egress)]) {
      expect(String(r.inputs.description ?? "").length).toBeGreaterThan(10);
    }
  });

  it("keeps the Lambda group outbound only and the EMR workers inter-node only", async () => {
    const p = await plan();
    const groups = new Map(resourcesOf(p, T.sg).map((g) => [tag(g, "Role"), String(g.id)]));
    const ingressOf = (role: string) =>
      resourcesOf(p, T.ingress).filter((r) => r.inputs.securityGroupId === groups.get(role));
    expect(ingressOf("lambda")).toEqual([]);
    expect(
      resourcesOf(p, T.egress).filter((r) => r.inputs.securityGroupId === groups.get("lambda")),
    ).toHaveLength(1);

    const emrGroups = new Set(["emrMaster", "emrWorker", "emrServiceAccess"].map((r) => groups.get(r)));
    for (const r of ingressOf("emrWorker")) {
      expect(r.inputs.cidrIpv4).toBeUndefined();
      expect(emrGroups.has(String(r.inputs.referencedSecurityGroupId))).toBe(true);
    }
  });

  it("admits Redshift 5439 and Redis 6379 from the private tier's blocks only, and endpoints 443 from the VPC", async () => {
    const p = await plan();
    const groups = new Map(resourcesOf(p, T.sg).map((g) => [tag(g, "Role"), String(g.id)]));
    const ingressOf = (role: string) =>
      resourcesOf(p, T.ingress)
        .filter((r) => r.inputs.securityGroupId === groups.get(role))
        .map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]);
    expect(ingressOf("redshift")).toEqual([
      ["tcp", 5439, 5439, "10.0.10.0/24"],
      ["tcp", 5439, 5439, "10.0.11.0/24"],
    ]);
    expect(ingressOf("redis")).toEqual([
      ["tcp", 6379, 6379, "10.0.10.0/24"],
      ["tcp", 6379, 6379, "10.0.11.0/24"],
    ]);
    expect(ingressOf("vpcEndpoints")).toEqual([["tcp", 443, 443, "10.0.0.0/16"]]);
  });

  it("puts S3 and DynamoDB gateway endpoints on the private and database route tables", async () => {
    const p = await plan();
    const tables = byId(p, T.routeTable);
    const gateways = resourcesOf(p, T.endpoint).filter((e) => e.inputs.vpcEndpointType === "Gateway");
    expect(gateways.map((g) => g.inputs.serviceName).sort()).toEqual([
      "com.amazonaws.us-east-1.dynamodb",
      "com.amazonaws.us-east-1.s3",
    ]);
    for (const g of gateways) {
      const tiers = (g.inputs.routeTableIds as string[]).map((id) => tag(tables.get(id)!, "Tier"));
      expect(tiers.sort()).toEqual(["database", "private", "private"]);
    }
  });

  it(`has ${expected.interfaceEndpoints} interface endpoints, with private DNS in the private subnets behind the endpoint group`, async () => {
    const p = await plan();
    const interfaces = resourcesOf(p, T.endpoint).filter((e) => e.inputs.vpcEndpointType === "Interface");
    expect(interfaces).toHaveLength(expected.interfaceEndpoints);
    const subnets = byId(p, T.subnet);
    const endpointGroup = resourcesOf(p, T.sg).find((g) => tag(g, "Role") === "vpcEndpoints")!;
    for (const e of interfaces) {
      expect(e.inputs.privateDnsEnabled).toBe(true);
      expect(e.inputs.securityGroupIds).toEqual([endpointGroup.id]);
      const tiers = (e.inputs.subnetIds as string[]).map((id) => tag(subnets.get(id)!, "Tier"));
      expect(tiers).toEqual(["private", "private"]);
    }
    if (expected.interfaceEndpoints) {
      expect(interfaces.map((e) => e.inputs.serviceName).sort()).toEqual(
        INTERFACE_ENDPOINT_SERVICES.map((s) => endpointServiceName("us-east-1", s)).sort(),
      );
    }
  });

  it(`logs all VPC traffic to a log group encrypted with the logs key, kept ${expected.flowLogRetention} days`, async () => {
    const p = await plan();
    const [flowLog] = resourcesOf(p, T.flowLog);
    const [vpc] = resourcesOf(p, T.vpc);
    expect(flowLog.inputs).toMatchObject({
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
    });

    const group = referencedBy(p, flowLog, "logDestination", T.logGroup)!;
    expect(group.inputs.retentionInDays).toBe(expected.flowLogRetention);
    const key = referencedBy(p, group, "kmsKeyId", T.key)!;
    expect(tag(key, "DataClass")).toBe("logs");
    expect(String(group.inputs.kmsKeyId)).toContain(String(key.id));

    // The delivery role is assumable by the Flow Logs service only and may write to that group only.
    const role = referencedBy(p, flowLog, "iamRoleArn", T.role)!;
    const trust = policyOf(role.inputs.assumeRolePolicy).Statement;
    expect(trust).toEqual([
      expect.objectContaining({ Principal: { Service: "vpc-flow-logs.amazonaws.com" } }),
    ]);
    const policy = resourcesOf(p, T.rolePolicy).find((rp) => rp.inputs.role === role.id)!;
    for (const s of policyOf(policy.inputs.policy).Statement) expect(s.Resource).not.toBe("*");
  });
});

describe("network layout rules", () => {
  it("needs one NAT gateway per AZ, one shared, or none", () => {
    expect([natGatewayCount("perAz", 3), natGatewayCount("single", 3), natGatewayCount("none", 3)]).toEqual([
      3, 1, 0,
    ]);
    expect([natGatewayFor("perAz", 2), natGatewayFor("single", 2), natGatewayFor("none", 2)]).toEqual([
      2,
      0,
      undefined,
    ]);
  });

  it("refuses tiers that do not have one block per zone", () => {
    expect(
      subnetLayoutProblems({
        azCount: 2,
        publicSubnetCidrs: ["10.0.1.0/24"],
        privateSubnetCidrs: ["10.0.10.0/24", "10.0.11.0/24"],
        databaseSubnetCidrs: ["10.0.20.0/24", "10.0.21.0/24"],
      }),
    ).toEqual([
      'publicSubnetCidrs = ["10.0.1.0/24"]: exactly one CIDR block per availability zone (azCount = 2)',
    ]);
  });

  it("follows the private tier when it has three blocks", () => {
    const rules = securityGroupRules({
      vpcCidr: "10.0.0.0/16",
      privateSubnetCidrs: ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24"],
    });
    expect(rules.filter((r) => r.group === "redshift" && r.direction === "ingress")).toHaveLength(3);
    expect(new Set(rules.map(ruleKey)).size).toBe(rules.length);
  });

  it("scopes the flow log role to the Flow Logs service of this account and its log group", () => {
    expect(flowLogsTrustPolicy(ctx).Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" },
    });
    const arn = "arn:aws:logs:us-east-1:123456789012:log-group:/flow";
    expect(flowLogsDeliveryPolicy(ctx, arn).Statement[0].Resource).toEqual([arn, `${arn}:*`]);
  });
});

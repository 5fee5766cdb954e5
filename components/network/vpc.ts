import { EMR_MANAGED_POLICY_TAG } from "../batch/perms";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { SubnetTier } from "../../contracts/platform";

/** How private subnets reach the internet: a NAT gateway per AZ, one shared, or not at all. */
export type NatGatewayMode = "none" | "single" | "perAz";

export interface VpcArgs {
  /** VPC address range. Default `10.0.0.0/16`. */
  readonly cidrBlock?: string;
  /** Availability zones the tiers span (the first `azCount` available zones of the region). Default 2. */
  readonly azCount?: number;
  /** Public tier, one block per AZ (NAT gateways, load balancers). Required. */
  readonly publicSubnetCidrs: readonly string[];
  /** Private tier, one block per AZ (EMR, Lambda, ECS). Required. */
  readonly privateSubnetCidrs: readonly string[];
  /** Database tier, one block per AZ (Redshift, RDS, ElastiCache); never routed to the internet. Required. */
  readonly databaseSubnetCidrs: readonly string[];
  /** NAT gateways for the private tier. Default `perAz`. */
  readonly natGateways?: NatGatewayMode;
  /** Let public subnets assign public IPs to everything launched in them. Default false. */
  readonly mapPublicIpOnLaunch?: boolean;
}

const DEFAULTS = {
  cidrBlock: "10.0.0.0/16",
  azCount: 2,
  natGateways: "perAz" as NatGatewayMode,
  mapPublicIpOnLaunch: false,
};

/** NAT gateways a mode needs for `azCount` zones. */
export function natGatewayCount(mode: NatGatewayMode, azCount: number): number {
  return mode === "none" ? 0 : mode === "single" ? 1 : azCount;
}

/** Which NAT gateway the private subnet of zone `az` routes through (undefined: no NAT). */
export function natGatewayFor(mode: NatGatewayMode, az: number): number | undefined {
  return mode === "none" ? undefined : mode === "single" ? 0 : az;
}

/** Checks that every tier has exactly one block per zone; returns the problems (empty when fine). */
export function subnetLayoutProblems(args: {
  azCount: number;
  publicSubnetCidrs: readonly string[];
  privateSubnetCidrs: readonly string[];
  databaseSubnetCidrs: readonly string[];
}): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(args.azCount) || args.azCount < 1 || args.azCount > 6) {
    problems.push(`azCount = ${args.azCount}: an integer from 1 to 6`);
  }
  for (const tier of ["publicSubnetCidrs", "privateSubnetCidrs", "databaseSubnetCidrs"] as const) {
    if (args[tier].length !== args.azCount) {
      problems.push(
        `${tier} = ${JSON.stringify(args[tier])}: exactly one CIDR block per availability zone (azCount = ${args.azCount})`,
      );
    }
  }
  return problems;
}

/**
 * The platform VPC from `@pulumi/aws` resources (not `awsx.ec2.Vpc`, whose children an offline
 * evaluation cannot see): three subnet tiers per AZ, an internet gateway, NAT gateways per the
 * mode, a route table per tier (per AZ for the private tier so each AZ uses its own NAT gateway),
 * a database tier without any route out of the VPC, the default security group emptied, and
 * subnet groups for Redshift, ElastiCache and RDS over the database tier.
 */
export class Vpc extends pulumi.ComponentResource {
  readonly vpc: aws.ec2.Vpc;
  readonly vpcId: pulumi.Output<string>;
  readonly cidrBlock: string;
  readonly availabilityZones: pulumi.Output<string>[];
  readonly subnets: Record<SubnetTier, aws.ec2.Subnet[]>;
  readonly subnetIds: Record<SubnetTier, pulumi.Output<string>[]>;
  readonly natGateways: aws.ec2.NatGateway[];
  readonly routeTables: Record<SubnetTier, aws.ec2.RouteTable[]>;
  readonly internetGateway: aws.ec2.InternetGateway;
  readonly defaultSecurityGroup: aws.ec2.DefaultSecurityGroup;
  readonly redshiftSubnetGroup: aws.redshift.SubnetGroup;
  readonly elasticacheSubnetGroup: aws.elasticache.SubnetGroup;
  readonly rdsSubnetGroup: aws.rds.SubnetGroup;

  constructor(name: string, args: VpcArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:network:Vpc", name, {}, opts);
    const cidrBlock = args.cidrBlock ?? DEFAULTS.cidrBlock;
    const azCount = args.azCount ?? DEFAULTS.azCount;
    const natMode = args.natGateways ?? DEFAULTS.natGateways;
    const problems = subnetLayoutProblems({ ...args, azCount });
    if (problems.length) {
      throw new pulumi.ResourceError(`${name}: ${problems.join("; ")}`, this);
    }
    const parent = { parent: this };
    this.cidrBlock = cidrBlock;

    const zones = aws.getAvailabilityZonesOutput(
      { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
      parent,
    );
    this.availabilityZones = Array.from({ length: azCount }, (_, i) =>
      zones.names.apply((names) => {
        if (names.length < azCount) {
          throw new Error(`${name}: azCount is ${azCount} but the region has ${names.length} zones`);
        }
        return names[i];
      }),
    );

    this.vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: name } },
      parent,
    );
    this.vpcId = this.vpc.id;
    const vpcId = this.vpc.id;

    // Adopting the default group with no rules removes AWS's allow-all rules (FSBP EC2.2).
    this.defaultSecurityGroup = new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId, tags: { Name: `${name}-default-do-not-use` } },
      parent,
    );

    this.internetGateway = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId, tags: { Name: name } },
      parent,
    );

    const subnet = (tier: SubnetTier, cidrs: readonly string[], publicIps: boolean) =>
      cidrs.map(
        (cidr, i) =>
          new aws.ec2.Subnet(
            `${name}-${tier}-${i}`,
            {
              vpcId,
              cidrBlock: cidr,
              availabilityZone: this.availabilityZones[i],
              mapPublicIpOnLaunch: publicIps,
              tags: {
                Name: pulumi.interpolate`${name}-${tier}-${this.availabilityZones[i]}`,
                Tier: tier,
                // EMR clusters run in the private tier; AmazonEMRServicePolicy_v2 acts only on tagged subnets.
                ...(tier === "private" ? EMR_MANAGED_POLICY_TAG : {}),
              },
            },
            parent,
          ),
      );
    this.subnets = {
      public: subnet(
        "public",
        args.publicSubnetCidrs,
        args.mapPublicIpOnLaunch ?? DEFAULTS.mapPublicIpOnLaunch,
      ),
      private: subnet("private", args.privateSubnetCidrs, false),
      database: subnet("database", args.databaseSubnetCidrs, false),
    };
    this.subnetIds = {
      public: this.subnets.public.map((s) => s.id),
      private: this.subnets.private.map((s) => s.id),
      database: this.subnets.database.map((s) => s.id),
    };

    this.natGateways = Array.from({ length: natGatewayCount(natMode, azCount) }, (_, i) => {
      const eip = new aws.ec2.Eip(
        `${name}-nat-${i}`,
        { domain: "vpc", tags: { Name: `${name}-nat-${i}` } },
        {
          ...parent,
          dependsOn: [this.internetGateway],
        },
      );
      return new aws.ec2.NatGateway(
        `${name}-nat-${i}`,
        {
          allocationId: eip.allocationId,
          subnetId: this.subnets.public[i].id,
          tags: { Name: `${name}-nat-${i}` },
        },
        { ...parent, dependsOn: [this.internetGateway] },
      );
    });

    const routeTable = (key: string, tier: SubnetTier) =>
      new aws.ec2.RouteTable(
        `${name}-${key}`,
        { vpcId, tags: { Name: `${name}-${key}`, Tier: tier } },
        parent,
      );
    const associate = (key: string, table: aws.ec2.RouteTable, s: aws.ec2.Subnet) =>
      new aws.ec2.RouteTableAssociation(`${name}-${key}`, { routeTableId: table.id, subnetId: s.id }, parent);

    // Public tier: one table, default route to the internet gateway.
    const publicTable = routeTable("public", "public");
    new aws.ec2.Route(
      `${name}-public-internet`,
      { routeTableId: publicTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: this.internetGateway.id },
      parent,
    );
    this.subnets.public.forEach((s, i) => associate(`public-${i}`, publicTable, s));

    // Private tier: a table per AZ, default route to that AZ's NAT gateway (or the shared one).
    const privateTables = this.subnets.private.map((s, i) => {
      const table = routeTable(`private-${i}`, "private");
      const nat = natGatewayFor(natMode, i);
      if (nat !== undefined) {
        new aws.ec2.Route(
          `${name}-private-${i}-nat`,
          {
            routeTableId: table.id,
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: this.natGateways[nat].id,
          },
          parent,
        );
      }
      associate(`private-${i}`, table, s);
      return table;
    });

    // Database tier: one table with the local route only; gateway endpoints add S3 and DynamoDB.
    const databaseTable = routeTable("database", "database");
    this.subnets.database.forEach((s, i) => associate(`database-${i}`, databaseTable, s));

    this.routeTables = { public: [publicTable], private: privateTables, database: [databaseTable] };

    const databaseSubnetIds = this.subnetIds.database;
    const description = `${name} database tier`;
    this.redshiftSubnetGroup = new aws.redshift.SubnetGroup(
      `${name}-redshift`,
      { subnetIds: databaseSubnetIds, description },
      parent,
    );
    this.elasticacheSubnetGroup = new aws.elasticache.SubnetGroup(
      `${name}-elasticache`,
      { subnetIds: databaseSubnetIds, description },
      parent,
    );
    this.rdsSubnetGroup = new aws.rds.SubnetGroup(
      `${name}-rds`,
      { subnetIds: databaseSubnetIds, description },
      parent,
    );

    this.registerOutputs({
      vpcId: this.vpcId,
      availabilityZones: this.availabilityZones,
      subnetIds: this.subnetIds,
      natGatewayIds: this.natGateways.map((n) => n.id),
    });
  }
}

import * as pulumi from "@pulumi/pulumi";
import type { SecurityGroupRole, SubnetTier } from "../../contracts/platform";
import { FlowLogs } from "./flowLogs";
import { SecurityGroups } from "./securityGroups";
import { Vpc, type VpcArgs } from "./vpc";
import { VpcEndpoints } from "./vpcEndpoints";

/** The VPC's arguments (`VpcArgs`: range, zones, tier blocks, NAT mode, public IPs) plus: */
export interface NetworkArgs extends VpcArgs {
  /** Interface VPC endpoints (billed per AZ-hour). Default true. */
  readonly interfaceEndpoints?: boolean;
  /** Flow log retention in days. Default 365. */
  readonly flowLogRetentionDays?: number;
  /** KMS key of the logs data class, for the flow log group. Required. */
  readonly logsKmsKeyArn: pulumi.Input<string>;
}

/**
 * The platform network: the tiered VPC, the security groups, the VPC endpoints and the flow logs.
 * Everything domains need from it is on the instance (and in the platform contract).
 */
export class Network extends pulumi.ComponentResource {
  readonly vpc: Vpc;
  readonly securityGroups: SecurityGroups;
  readonly endpoints: VpcEndpoints;
  readonly flowLogs: FlowLogs;
  readonly vpcId: pulumi.Output<string>;
  readonly subnetIds: Record<SubnetTier, pulumi.Output<string>[]>;
  readonly securityGroupIds: Record<SecurityGroupRole, pulumi.Output<string>>;
  readonly subnetGroupNames: {
    redshift: pulumi.Output<string>;
    elasticache: pulumi.Output<string>;
    rds: pulumi.Output<string>;
  };
  readonly flowLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:network:Network", name, {}, opts);
    const parent = { parent: this };

    this.vpc = new Vpc(`${name}-vpc`, args, parent);
    this.securityGroups = new SecurityGroups(
      `${name}-sg`,
      { vpcId: this.vpc.vpcId, vpcCidr: this.vpc.cidrBlock, privateSubnetCidrs: args.privateSubnetCidrs },
      parent,
    );
    this.endpoints = new VpcEndpoints(
      `${name}-endpoints`,
      {
        vpcId: this.vpc.vpcId,
        gatewayRouteTableIds: [...this.vpc.routeTables.private, ...this.vpc.routeTables.database].map(
          (t) => t.id,
        ),
        interfaceEndpoints: args.interfaceEndpoints,
        interfaceSubnetIds: this.vpc.subnetIds.private,
        interfaceSecurityGroupId: this.securityGroups.ids.vpcEndpoints,
      },
      parent,
    );
    this.flowLogs = new FlowLogs(
      `${name}-flow-logs`,
      { vpcId: this.vpc.vpcId, kmsKeyArn: args.logsKmsKeyArn, retentionInDays: args.flowLogRetentionDays },
      parent,
    );

    this.vpcId = this.vpc.vpcId;
    this.subnetIds = this.vpc.subnetIds;
    this.securityGroupIds = this.securityGroups.ids;
    this.subnetGroupNames = {
      redshift: this.vpc.redshiftSubnetGroup.name,
      elasticache: this.vpc.elasticacheSubnetGroup.name,
      rds: this.vpc.rdsSubnetGroup.name,
    };
    this.flowLogGroupName = this.flowLogs.logGroup.name;

    this.registerOutputs({
      vpcId: this.vpcId,
      subnetIds: this.subnetIds,
      securityGroupIds: this.securityGroupIds,
      subnetGroupNames: this.subnetGroupNames,
      flowLogGroupName: this.flowLogGroupName,
    });
  }
}

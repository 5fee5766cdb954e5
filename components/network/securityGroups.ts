import { EMR_MANAGED_POLICY_TAG } from "../batch/perms";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SECURITY_GROUP_ROLES, type SecurityGroupRole } from "../../contracts/platform";

/** The other end of a rule: an IPv4 block or another platform group. */
export type Peer = { readonly cidr: string } | { readonly group: SecurityGroupRole };

/** One security group rule, as data: the component turns each into a separate rule resource. */
export interface RuleSpec {
  readonly group: SecurityGroupRole;
  readonly direction: "ingress" | "egress";
  /** `tcp`, or `-1` for every protocol. */
  readonly protocol: "tcp" | "-1";
  /** A TCP port; absent for `-1`. */
  readonly port?: number;
  readonly peer: Peer;
  readonly description: string;
}

/** What each group is for, as its description in EC2. */
export const GROUP_DESCRIPTIONS: Record<SecurityGroupRole, string> = {
  emrMaster: "EMR master node (EMR-Master-SG)",
  emrWorker: "EMR core and task nodes: inter-node traffic only (EMR-Worker-SG)",
  emrServiceAccess: "EMR service access for clusters in private subnets",
  redshift: "Redshift: 5439 from the private tier only (Redshift-SG)",
  lambda: "Lambda functions in the VPC: outbound only (Lambda-SG)",
  redis: "ElastiCache Redis: 6379 from the private tier only",
  vpcEndpoints: "Interface VPC endpoints: HTTPS from inside the VPC",
  airflow: "MWAA (Airflow): its own components, the web server from the private tier",
};

/** Groups EMR adds its own rules to; they must drop rules on delete or the mutual references block it. */
const EMR_MANAGED: readonly SecurityGroupRole[] = ["emrMaster", "emrWorker", "emrServiceAccess"];

const ANYWHERE = "0.0.0.0/0";

/**
 * Every rule of the platform's groups. Ingress only ever comes from other platform groups, the
 * private tier's blocks or the VPC range; `0.0.0.0/0` appears only as an egress destination.
 */
export function securityGroupRules(args: {
  vpcCidr: string;
  privateSubnetCidrs: readonly string[];
}): RuleSpec[] {
  const fromPrivateTier = (group: SecurityGroupRole, port: number, what: string): RuleSpec[] =>
    args.privateSubnetCidrs.map((cidr) => ({
      group,
      direction: "ingress",
      protocol: "tcp",
      port,
      peer: { cidr },
      description: `${what} from private subnet ${cidr}`,
    }));
  return [
    // MWAA: the environment's workers, scheduler and web server talk to each other; the private web
    // server is reached from the private tier (VPN or bastion users come through it).
    {
      group: "airflow",
      direction: "ingress",
      protocol: "-1",
      peer: { group: "airflow" },
      description: "MWAA: all traffic between the environment's own components",
    },
    ...fromPrivateTier("airflow", 443, "MWAA web server"),
    {
      group: "airflow",
      direction: "egress",
      protocol: "-1",
      peer: { cidr: ANYWHERE },
      description: "MWAA: outbound to AWS APIs through VPC endpoints or NAT",
    },
    // EMR: master and workers talk to each other and to the service access group, nothing else in.
    {
      group: "emrMaster",
      direction: "ingress",
      protocol: "-1",
      peer: { group: "emrMaster" },
      description: "EMR master: all traffic within the master group",
    },
    {
      group: "emrMaster",
      direction: "ingress",
      protocol: "-1",
      peer: { group: "emrWorker" },
      description: "EMR master: all traffic from core and task nodes",
    },
    {
      group: "emrMaster",
      direction: "ingress",
      protocol: "tcp",
      port: 8443,
      peer: { group: "emrServiceAccess" },
      description: "EMR master: cluster manager from EMR service access on 8443",
    },
    {
      group: "emrMaster",
      direction: "egress",
      protocol: "-1",
      peer: { cidr: ANYWHERE },
      description: "EMR master: outbound to AWS APIs through VPC endpoints or NAT",
    },
    {
      group: "emrWorker",
      direction: "ingress",
      protocol: "-1",
      peer: { group: "emrWorker" },
      description: "EMR workers: all traffic between core and task nodes",
    },
    {
      group: "emrWorker",
      direction: "ingress",
      protocol: "-1",
      peer: { group: "emrMaster" },
      description: "EMR workers: all traffic from the master node",
    },
    {
      group: "emrWorker",
      direction: "ingress",
      protocol: "tcp",
      port: 8443,
      peer: { group: "emrServiceAccess" },
      description: "EMR workers: cluster manager from EMR service access on 8443",
    },
    {
      group: "emrWorker",
      direction: "egress",
      protocol: "-1",
      peer: { cidr: ANYWHERE },
      description: "EMR workers: outbound to AWS APIs through VPC endpoints or NAT",
    },
    {
      group: "emrServiceAccess",
      direction: "ingress",
      protocol: "tcp",
      port: 9443,
      peer: { group: "emrMaster" },
      description: "EMR service access: 9443 from the master node",
    },
    {
      group: "emrServiceAccess",
      direction: "egress",
      protocol: "tcp",
      port: 8443,
      peer: { group: "emrMaster" },
      description: "EMR service access: 8443 to the master node",
    },
    {
      group: "emrServiceAccess",
      direction: "egress",
      protocol: "tcp",
      port: 8443,
      peer: { group: "emrWorker" },
      description: "EMR service access: 8443 to core and task nodes",
    },
    // Redshift: clients in the private tier only; HTTPS out for COPY/UNLOAD with enhanced VPC routing
    // (the database tier has no route out of the VPC, so this reaches the S3 gateway endpoint and interface endpoints only).
    ...fromPrivateTier("redshift", 5439, "Redshift: SQL clients"),
    {
      group: "redshift",
      direction: "egress",
      protocol: "tcp",
      port: 443,
      peer: { cidr: ANYWHERE },
      description: "Redshift: HTTPS to S3 and AWS APIs through VPC endpoints (COPY, UNLOAD, Spectrum)",
    },
    // Lambda: outbound only.
    {
      group: "lambda",
      direction: "egress",
      protocol: "-1",
      peer: { cidr: ANYWHERE },
      description: "Lambda: outbound only (AWS APIs, Redshift, Redis, endpoints)",
    },
    // Redis: clients in the private tier only, no egress.
    ...fromPrivateTier("redis", 6379, "Redis: clients"),
    // Interface endpoints: HTTPS from anything in the VPC, no egress.
    {
      group: "vpcEndpoints",
      direction: "ingress",
      protocol: "tcp",
      port: 443,
      peer: { cidr: args.vpcCidr },
      description: `VPC endpoints: HTTPS from the VPC (${args.vpcCidr})`,
    },
  ];
}

/** A stable logical-name suffix for a rule: group, direction, protocol, port and peer. */
export function ruleKey(rule: RuleSpec): string {
  const peer = "cidr" in rule.peer ? rule.peer.cidr.replace(/[./]/g, "-") : rule.peer.group;
  const what = rule.protocol === "-1" ? "all" : `tcp${rule.port}`;
  return `${rule.group}-${rule.direction === "ingress" ? "in" : "out"}-${what}-${peer}`;
}

export interface SecurityGroupsArgs {
  /** VPC the groups belong to. Required. */
  readonly vpcId: pulumi.Input<string>;
  /** The VPC's range: the only source the endpoint group accepts. Required. */
  readonly vpcCidr: string;
  /** Private tier blocks: the only sources Redshift and Redis accept. Required. */
  readonly privateSubnetCidrs: readonly string[];
}

/**
 * The platform's security groups, named after the reference architecture, with every rule a
 * separate `aws.vpc.SecurityGroupIngressRule` / `SecurityGroupEgressRule` carrying a description.
 * The groups have no inline rules, so AWS's default allow-all egress is removed at creation and
 * only the rules of `securityGroupRules` exist.
 */
export class SecurityGroups extends pulumi.ComponentResource {
  readonly groups: Record<SecurityGroupRole, aws.ec2.SecurityGroup>;
  readonly ids: Record<SecurityGroupRole, pulumi.Output<string>>;
  readonly rules: RuleSpec[];

  constructor(name: string, args: SecurityGroupsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:network:SecurityGroups", name, {}, opts);
    const parent = { parent: this };

    this.groups = Object.fromEntries(
      SECURITY_GROUP_ROLES.map((role) => [
        role,
        new aws.ec2.SecurityGroup(
          `${name}-${role}`,
          {
            vpcId: args.vpcId,
            description: GROUP_DESCRIPTIONS[role],
            revokeRulesOnDelete: EMR_MANAGED.includes(role),
            // AmazonEMRServicePolicy_v2 acts only on resources carrying the EMR managed-policy tag.
            tags: {
              Name: `${name}-${role}`,
              Role: role,
              ...(EMR_MANAGED.includes(role) ? EMR_MANAGED_POLICY_TAG : {}),
            },
          },
          parent,
        ),
      ]),
    ) as Record<SecurityGroupRole, aws.ec2.SecurityGroup>;
    this.ids = Object.fromEntries(SECURITY_GROUP_ROLES.map((r) => [r, this.groups[r].id])) as Record<
      SecurityGroupRole,
      pulumi.Output<string>
    >;

    this.rules = securityGroupRules(args);
    for (const rule of this.rules) {
      const ruleArgs = {
        securityGroupId: this.groups[rule.group].id,
        ipProtocol: rule.protocol,
        ...(rule.port !== undefined ? { fromPort: rule.port, toPort: rule.port } : {}),
        ...("cidr" in rule.peer
          ? { cidrIpv4: rule.peer.cidr }
          : { referencedSecurityGroupId: this.groups[rule.peer.group].id }),
        description: rule.description,
      };
      const logical = `${name}-${ruleKey(rule)}`;
      if (rule.direction === "ingress") new aws.vpc.SecurityGroupIngressRule(logical, ruleArgs, parent);
      else new aws.vpc.SecurityGroupEgressRule(logical, ruleArgs, parent);
    }

    this.registerOutputs({ ids: this.ids });
  }
}

import { resourcePolicy } from "../lib/policy";
import { asList } from "../lib/values";

const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const ANYWHERE = ["0.0.0.0/0", "::/0"];

interface Ingress {
  fromPort?: number;
  toPort?: number;
  protocol?: string;
  cidrs: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, any>;

/** The ingress rules a resource opens, in one shape for the three ways AWS security group rules are written. */
export function ingressOf(type: string, props: Props): Ingress[] {
  if (type === SECURITY_GROUP) {
    return ((props.ingress ?? []) as Record<string, unknown>[]).map((r) => ({
      fromPort: r.fromPort as number,
      toPort: r.toPort as number,
      protocol: r.protocol as string,
      cidrs: [...asList(r.cidrBlocks), ...asList(r.ipv6CidrBlocks)].map(String),
    }));
  }
  if (type === RULE) {
    if (props.type !== "ingress") return [];
    return [
      {
        fromPort: props.fromPort,
        toPort: props.toPort,
        protocol: props.protocol,
        cidrs: [...asList(props.cidrBlocks), ...asList(props.ipv6CidrBlocks)].map(String),
      },
    ];
  }
  return [
    {
      fromPort: props.fromPort,
      toPort: props.toPort,
      protocol: props.ipProtocol,
      cidrs: [props.cidrIpv4, props.cidrIpv6].filter(Boolean).map(String),
    },
  ];
}

/** True when the rule's port range lies within one of the allowed ports. */
export function onlyAllowedPorts(rule: Ingress, allowed: readonly number[]): boolean {
  const all = rule.protocol === "-1" || rule.protocol === "all";
  if (all || rule.fromPort === undefined || rule.toPort === undefined) return false;
  return rule.fromPort === rule.toPort && allowed.includes(rule.fromPort);
}

export const securityGroupNoPublicIngress = resourcePolicy({
  name: "security-group-no-public-ingress",
  description: "Security groups allow ingress from 0.0.0.0/0 or ::/0 only on allow-listed ports.",
  severity: "critical",
  concern: "network-exposure",
  fsbp: ["EC2.18", "EC2.19", "Redshift.15"],
  remediationSteps:
    "Restrict the rule's source to a security group, prefix list or private CIDR; only the ports in the policy's allowedPorts (the public load balancer's) may face the internet.",
  resourceTypes: [SECURITY_GROUP, RULE, INGRESS_RULE],
  configSchema: {
    properties: { allowedPorts: { type: "array", items: { type: "integer" }, default: [80, 443] } },
  },
  rules: [
    {
      id: "public-ingress",
      check: ({ type, props, config }) => {
        const allowed = (config.allowedPorts ?? []) as number[];
        const open = ingressOf(type, props).filter(
          (r) => r.cidrs.some((c) => ANYWHERE.includes(c)) && !onlyAllowedPorts(r, allowed),
        );
        if (!open.length) return undefined;
        const ports = open
          .map((r) => (r.fromPort === r.toPort ? `${r.fromPort}` : `${r.fromPort}-${r.toPort}`))
          .join(", ");
        return `Remove ingress from 0.0.0.0/0 or ::/0 on ports ${ports} (allowed from anywhere: ${allowed.join(", ") || "none"}).`;
      },
    },
  ],
});

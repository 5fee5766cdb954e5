import type { PolicyResource } from "@pulumi/policy";
import { coversInternet } from "../lib/cidrs";
import { stackPolicy } from "../lib/policy";
import { ingressOf, onlyAllowedPorts } from "./security-group-no-public-ingress";

const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const RULE_TYPES = [
  "aws:ec2/securityGroupRule:SecurityGroupRule",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
];

/** The ingress entries of a group: its inline rules and the rule resources whose securityGroupId is its id. */
function ingressOfGroup(group: PolicyResource, resources: readonly PolicyResource[]) {
  const own = ingressOf(SECURITY_GROUP, group.props);
  const attached = resources
    .filter(
      (r) =>
        RULE_TYPES.includes(r.type) &&
        (r.propertyDependencies.securityGroupId ?? []).some((d) => d.urn === group.urn),
    )
    .flatMap((r) => ingressOf(r.type, r.props));
  return [...own, ...attached];
}

export const securityGroupNoInternetUnion = stackPolicy({
  name: "security-group-no-internet-union",
  description:
    "No port of a security group is open to the whole internet through several rules whose CIDRs together cover it (0.0.0.0/1 and 128.0.0.0/1).",
  severity: "critical",
  concern: "network-exposure",
  fsbp: ["EC2.18", "EC2.19"],
  remediationSteps:
    "Restrict every rule to a security group, prefix list or the private CIDRs that need the port; splitting 0.0.0.0/0 into smaller blocks still opens it to everyone.",
  resourceTypes: [SECURITY_GROUP],
  relatedTypes: RULE_TYPES,
  configSchema: {
    properties: { allowedPorts: { type: "array", items: { type: "integer" }, default: [80, 443] } },
  },
  rules: [
    {
      id: "internet-union",
      check: ({ resource, resources, config }) => {
        const allowed = (config.allowedPorts ?? []) as number[];
        const entries = ingressOfGroup(resource, resources).filter((e) => !onlyAllowedPorts(e, allowed));
        const all = (e: (typeof entries)[number]) =>
          e.protocol === "-1" || e.protocol === "all" || e.fromPort === undefined;
        const ports = new Set<number>(entries.flatMap((e) => (all(e) ? [0] : [e.fromPort!, e.toPort!])));
        const open = [...ports].filter((port) =>
          coversInternet(
            entries
              .filter((e) => all(e) || (port !== 0 && e.fromPort! <= port && port <= e.toPort!))
              .flatMap((e) => e.cidrs),
          ),
        );
        return open.length
          ? `Ingress rules together admit every address on port(s) ${open.map((p) => (p === 0 ? "all" : p)).join(", ")}: restrict their CIDRs.`
          : undefined;
      },
    },
  ],
});

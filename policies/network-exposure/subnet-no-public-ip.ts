import { resourcePolicy } from "../lib/policy";
import { UnknownValueError } from "../lib/analyzer";
import { isUnknown, raw } from "../lib/values";

export const SUBNET = "aws:ec2/subnet:Subnet";

/** A subnet of the public tier: tagged `<tierTagKey>=<public value>`, or named `...public...`. */
export function isPublicTierSubnet(
  name: string,
  props: Record<string, unknown>,
  config: Record<string, unknown>,
): boolean {
  const key = (config.tierTagKey as string) ?? "Tier";
  const values = ((config.publicTierValues as string[]) ?? ["public"]).map((v) => v.toLowerCase());
  const tags = (raw(props).tags ?? {}) as Record<string, unknown>;
  const tier = tags[key];
  if (isUnknown(tags) || isUnknown(tier))
    throw new UnknownValueError(String(isUnknown(tags) ? tags : tier), ["tags", key]);
  if (typeof tier === "string" && tier) return values.includes(tier.toLowerCase());
  return /(^|[-_])public([-_]|$)/i.test(name);
}

export const subnetNoPublicIp = resourcePolicy({
  name: "subnet-no-public-ip",
  description: "Only public-tier subnets assign public IP addresses to instances at launch.",
  severity: "medium",
  concern: "network-exposure",
  fsbp: ["EC2.15"],
  remediationSteps:
    "Set mapPublicIpOnLaunch: false on private and database subnets (the public tier is tagged Tier=public).",
  resourceTypes: [SUBNET],
  configSchema: {
    properties: {
      tierTagKey: { type: "string", default: "Tier" },
      publicTierValues: { type: "array", items: { type: "string" }, default: ["public"] },
    },
  },
  rules: [
    {
      id: "public-ip-outside-public-tier",
      check: ({ name, props, config }) =>
        props.mapPublicIpOnLaunch === true && !isPublicTierSubnet(name, props, config)
          ? "Set mapPublicIpOnLaunch to false (only the public tier, tagged Tier=public, may assign public IPs)."
          : undefined,
    },
  ],
});

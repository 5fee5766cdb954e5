import { stackPolicy } from "../lib/policy";
import { companionsOf } from "../lib/values";

const VPC = "aws:ec2/vpc:Vpc";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

/** The service part of `com.amazonaws.<region>.<service>`. */
export function endpointService(serviceName: string): string {
  return serviceName.replace(/^com\.amazonaws\.[a-z0-9-]+\./, "");
}

export const vpcInterfaceEndpoints = stackPolicy({
  name: "vpc-interface-endpoints",
  description:
    "VPCs have interface endpoints for the services their private workloads pull from, ECR's API and Docker registry by default.",
  severity: "low",
  concern: "network-exposure",
  fsbp: ["EC2.55", "EC2.56"],
  remediationSteps:
    "Add Interface VPC endpoints for the listed services in the private subnets (components/network/vpcEndpoints.ts INTERFACE_ENDPOINT_SERVICES).",
  resourceTypes: [VPC],
  relatedTypes: [ENDPOINT],
  configSchema: {
    properties: {
      requiredServices: { type: "array", items: { type: "string" }, default: ["ecr.api", "ecr.dkr"] },
    },
  },
  rules: [
    {
      id: "required-endpoints",
      check: ({ resource, resources, config }) => {
        const have = companionsOf(resource, resources, [ENDPOINT], "vpcId")
          .filter((e) => e.props.vpcEndpointType === "Interface")
          .map((e) => endpointService(String(e.props.serviceName)));
        const missing = ((config.requiredServices ?? []) as string[]).filter((s) => !have.includes(s));
        return missing.length ? `Add Interface endpoints for ${missing.join(", ")}.` : undefined;
      },
    },
  ],
});

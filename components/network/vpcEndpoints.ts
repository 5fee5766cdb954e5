import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Gateway endpoints (free): S3 and DynamoDB traffic stays on the AWS network without NAT. */
export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;

/**
 * Interface endpoints the platform's workloads call from private subnets: the streaming path
 * (Kinesis, Firehose), credentials and keys (STS, KMS, Secrets Manager), logs, the Glue catalog and
 * SageMaker inference, and ECR's API and Docker registry for the API's image pulls (FSBP EC2.55/.56).
 */
export const INTERFACE_ENDPOINT_SERVICES = [
  "kinesis-streams",
  "kinesis-firehose",
  "sts",
  "kms",
  "secretsmanager",
  "logs",
  "glue",
  "sagemaker.runtime",
  "ecr.api",
  "ecr.dkr",
] as const;

/** `com.amazonaws.<region>.<service>`. */
export function endpointServiceName(region: string, service: string): string {
  return `com.amazonaws.${region}.${service}`;
}

/** `sagemaker.runtime` → `sagemaker-runtime` (logical names). */
const key = (service: string) => service.replace(/\./g, "-");

export interface VpcEndpointsArgs {
  readonly vpcId: pulumi.Input<string>;
  /** Route tables that get the gateway endpoints' routes (the private and database tiers). Required. */
  readonly gatewayRouteTableIds: pulumi.Input<string>[];
  /** Create the interface endpoints (billed per AZ-hour). Default true. */
  readonly interfaceEndpoints?: boolean;
  /** Subnets the interface endpoints' network interfaces go in (one per AZ, the private tier). */
  readonly interfaceSubnetIds: pulumi.Input<string>[];
  /** The security group admitting HTTPS from the VPC. Required. */
  readonly interfaceSecurityGroupId: pulumi.Input<string>;
  /** Services to reach through interface endpoints. Default `INTERFACE_ENDPOINT_SERVICES`. */
  readonly interfaceServices?: readonly string[];
}

/**
 * VPC endpoints: S3 and DynamoDB gateway endpoints on the given route tables, and (when enabled)
 * interface endpoints with private DNS in the private subnets behind the endpoint security group.
 */
export class VpcEndpoints extends pulumi.ComponentResource {
  readonly gateway: Record<(typeof GATEWAY_ENDPOINT_SERVICES)[number], aws.ec2.VpcEndpoint>;
  readonly interface: Record<string, aws.ec2.VpcEndpoint>;

  constructor(name: string, args: VpcEndpointsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:network:VpcEndpoints", name, {}, opts);
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const services =
      args.interfaceEndpoints === false ? [] : (args.interfaceServices ?? INTERFACE_ENDPOINT_SERVICES);

    const endpoint = (service: string, extra: Partial<aws.ec2.VpcEndpointArgs>) =>
      new aws.ec2.VpcEndpoint(
        `${name}-${key(service)}`,
        {
          vpcId: args.vpcId,
          serviceName: region.apply((r) => endpointServiceName(r, service)),
          tags: { Name: `${name}-${key(service)}` },
          ...extra,
        },
        parent,
      );

    this.gateway = Object.fromEntries(
      GATEWAY_ENDPOINT_SERVICES.map((s) => [
        s,
        endpoint(s, { vpcEndpointType: "Gateway", routeTableIds: args.gatewayRouteTableIds }),
      ]),
    ) as VpcEndpoints["gateway"];

    this.interface = Object.fromEntries(
      services.map((s) => [
        s,
        endpoint(s, {
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: args.interfaceSubnetIds,
          securityGroupIds: [args.interfaceSecurityGroupId],
        }),
      ]),
    );

    this.registerOutputs({
      gatewayEndpointIds: Object.values(this.gateway).map((e) => e.id),
      interfaceEndpointIds: Object.values(this.interface).map((e) => e.id),
    });
  }
}

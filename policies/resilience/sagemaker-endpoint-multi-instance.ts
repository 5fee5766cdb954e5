import { resourcePolicy } from "../lib/policy";
import { numberOf } from "../lib/values";

export const sagemakerEndpointMultiInstance = resourcePolicy({
  name: "sagemaker-endpoint-multi-instance",
  description: "SageMaker endpoint production variants start with more than one instance.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["SageMaker.4"],
  remediationSteps:
    "Set initialInstanceCount to 2 or more on every instance-backed production variant so SageMaker spreads it over Availability Zones.",
  resourceTypes: ["aws:sagemaker/endpointConfiguration:EndpointConfiguration"],
  configSchema: { properties: { minimumInstances: { type: "integer", minimum: 1, default: 2 } } },
  rules: [
    {
      id: "multi-instance",
      check: ({ props, config }) => {
        const min = Number(config.minimumInstances ?? 2);
        const single = ((props.productionVariants ?? []) as Record<string, unknown>[])
          .filter((v) => v.serverlessConfig === undefined)
          .filter((v) => (numberOf(v.initialInstanceCount) ?? 1) < min)
          .map((v) => `${v.variantName ?? "(unnamed)"} (${v.initialInstanceCount ?? 1})`);
        return single.length
          ? `Production variants ${single.join(", ")} start below ${min} instances: one instance is one Availability Zone.`
          : undefined;
      },
    },
  ],
});

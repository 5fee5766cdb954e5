import { stackPolicy } from "../lib/policy";

const TABLE = "aws:dynamodb/table:Table";
const TARGET = "aws:appautoscaling/target:Target";

export const dynamodbAutoscaling = stackPolicy({
  name: "dynamodb-autoscaling",
  description:
    "DynamoDB tables scale with demand: on-demand, or provisioned with read and write auto scaling targets.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["DynamoDB.1"],
  remediationSteps:
    'Use billingMode "PAY_PER_REQUEST" (the platform default), or register aws.appautoscaling.Target resources for the table\'s ReadCapacityUnits and WriteCapacityUnits.',
  resourceTypes: [TABLE],
  relatedTypes: [TARGET],
  rules: [
    {
      id: "scales-with-demand",
      check: ({ resource, resources }) => {
        if ((resource.props.billingMode ?? "PROVISIONED") === "PAY_PER_REQUEST") return undefined;
        const dims = resources
          .filter(
            (r) =>
              r.type === TARGET &&
              (r.propertyDependencies.resourceId ?? []).some((d) => d.urn === resource.urn),
          )
          .map((r) => String(r.props.scalableDimension));
        const missing = ["dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"].filter(
          (d) => !dims.includes(d),
        );
        return missing.length
          ? `The provisioned table has no auto scaling for ${missing.join(", ")}: use PAY_PER_REQUEST or add the targets.`
          : undefined;
      },
    },
  ],
});

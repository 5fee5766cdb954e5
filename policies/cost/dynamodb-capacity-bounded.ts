import { resourcePolicy } from "../lib/policy";
import { numberOf } from "../lib/values";

export const dynamodbCapacityBounded = resourcePolicy({
  name: "dynamodb-capacity-bounded",
  description:
    "DynamoDB tables cap their capacity: on-demand tables set maximum request units, provisioned tables stay within the configured ceiling.",
  severity: "low",
  concern: "cost",
  remediationSteps:
    "For PAY_PER_REQUEST set onDemandThroughput { maxReadRequestUnits, maxWriteRequestUnits }; for PROVISIONED keep readCapacity/writeCapacity within streaming.maxTableCapacityUnits.",
  resourceTypes: ["aws:dynamodb/table:Table"],
  configSchema: { properties: { maximumUnits: { type: "integer", default: 40000 } } },
  rules: [
    {
      id: "on-demand-ceiling",
      check: ({ props }) => {
        if ((props.billingMode ?? "PROVISIONED") !== "PAY_PER_REQUEST") return undefined;
        const t = props.onDemandThroughput ?? {};
        return numberOf(t.maxReadRequestUnits) !== undefined && numberOf(t.maxWriteRequestUnits) !== undefined
          ? undefined
          : "Set onDemandThroughput.maxReadRequestUnits and maxWriteRequestUnits so a runaway client cannot scale cost without bound.";
      },
    },
    {
      id: "provisioned-ceiling",
      check: ({ props, config }) => {
        if ((props.billingMode ?? "PROVISIONED") !== "PROVISIONED") return undefined;
        const max = config.maximumUnits as number;
        const over = (["readCapacity", "writeCapacity"] as const).filter(
          (k) => (numberOf(props[k]) ?? 0) > max,
        );
        return over.length ? `Lower ${over.join(", ")} to at most ${max} units.` : undefined;
      },
    },
  ],
});

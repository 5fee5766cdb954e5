import { resourcePolicy } from "../lib/policy";

export const dynamodbDeletionProtection = resourcePolicy({
  name: "dynamodb-deletion-protection",
  description: "DynamoDB tables have deletion protection enabled.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["DynamoDB.6"],
  remediationSteps:
    "Set deletionProtectionEnabled: true on the aws.dynamodb.Table (lake.allowDestroyData turns it off explicitly).",
  resourceTypes: ["aws:dynamodb/table:Table"],
  rules: [
    {
      id: "deletion-protection",
      check: ({ props }) =>
        props.deletionProtectionEnabled === true ? undefined : "Set deletionProtectionEnabled to true.",
    },
  ],
});

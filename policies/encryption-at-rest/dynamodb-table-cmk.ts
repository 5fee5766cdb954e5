import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const dynamodbTableCmk = resourcePolicy({
  name: "dynamodb-table-cmk",
  description: "DynamoDB tables are encrypted with a customer managed KMS key rather than the AWS owned key.",
  severity: "medium",
  concern: "encryption-at-rest",
  remediationSteps:
    "Set serverSideEncryption { enabled: true, kmsKeyArn: <data class key> } on the aws.dynamodb.Table.",
  resourceTypes: ["aws:dynamodb/table:Table"],
  rules: [
    {
      id: "customer-key",
      check: ({ props }) =>
        props.serverSideEncryption?.enabled === true && present(props, "serverSideEncryption", "kmsKeyArn")
          ? undefined
          : "Set serverSideEncryption.enabled to true and serverSideEncryption.kmsKeyArn to the data class's key.",
    },
  ],
});

import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const redshiftEncrypted = resourcePolicy({
  name: "redshift-encrypted",
  description: "Redshift clusters and serverless namespaces are encrypted with a customer managed KMS key.",
  severity: "high",
  concern: "encryption-at-rest",
  fsbp: ["Redshift.10"],
  remediationSteps:
    'Set encrypted: "true" and kmsKeyId on aws.redshift.Cluster, or kmsKeyId on aws.redshiftserverless.Namespace.',
  resourceTypes: ["aws:redshift/cluster:Cluster", "aws:redshiftserverless/namespace:Namespace"],
  rules: [
    {
      id: "encrypted",
      // `encrypted` is a string input in @pulumi/aws v7 ("true"/"false"); unset means encrypted.
      check: ({ type, props }) =>
        type === "aws:redshift/cluster:Cluster" && String(props.encrypted ?? "true").toLowerCase() === "false"
          ? 'Set encrypted to "true".'
          : undefined,
    },
    {
      id: "customer-key",
      check: ({ props }) =>
        present(props, "kmsKeyId") ? undefined : "Set kmsKeyId to the warehouse's KMS key.",
    },
  ],
});

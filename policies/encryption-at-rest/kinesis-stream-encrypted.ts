import { resourcePolicy } from "../lib/policy";
import { present, raw } from "../lib/values";

export const kinesisStreamEncrypted = resourcePolicy({
  name: "kinesis-stream-encrypted",
  description: "Kinesis data streams are encrypted at rest with a customer managed KMS key.",
  severity: "high",
  concern: "encryption-at-rest",
  fsbp: ["Kinesis.1"],
  remediationSteps:
    "Set encryptionType to `KMS` and kmsKeyId to the data class's key on the aws.kinesis.Stream.",
  resourceTypes: ["aws:kinesis/stream:Stream"],
  rules: [
    {
      id: "kms",
      check: ({ props }) => (props.encryptionType === "KMS" ? undefined : "Set encryptionType to `KMS`."),
    },
    {
      id: "customer-key",
      check: ({ props }) =>
        present(props, "kmsKeyId") && raw(props).kmsKeyId !== "alias/aws/kinesis"
          ? undefined
          : "Set kmsKeyId to a customer managed KMS key (not alias/aws/kinesis).",
    },
  ],
});

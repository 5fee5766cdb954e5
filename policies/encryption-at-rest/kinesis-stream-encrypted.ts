import { resourcePolicy } from "../lib/policy";
import { present, raw } from "../lib/values";

/** True for the AWS managed key, by alias name or alias ARN (`arn:aws:kms:<region>:<account>:alias/aws/kinesis`). */
export function isAwsManagedKey(keyId: unknown): boolean {
  return typeof keyId === "string" && /(^|:)alias\/aws\//.test(keyId);
}

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
        present(props, "kmsKeyId") && !isAwsManagedKey(raw(props).kmsKeyId)
          ? undefined
          : "Set kmsKeyId to a customer managed KMS key (not alias/aws/kinesis).",
    },
  ],
});

import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const sqsQueueEncrypted = resourcePolicy({
  name: "sqs-queue-encrypted",
  description: "SQS queues are encrypted at rest with SSE-KMS or SQS managed SSE.",
  severity: "medium",
  concern: "encryption-at-rest",
  fsbp: ["SQS.1"],
  remediationSteps:
    "Set kmsMasterKeyId (preferred for data queues) or sqsManagedSseEnabled: true on the aws.sqs.Queue.",
  resourceTypes: ["aws:sqs/queue:Queue"],
  rules: [
    {
      id: "encrypted",
      check: ({ props }) => {
        if (present(props, "kmsMasterKeyId")) return undefined;
        return props.sqsManagedSseEnabled === false || !present(props, "sqsManagedSseEnabled")
          ? "Set kmsMasterKeyId to a KMS key, or sqsManagedSseEnabled to true."
          : undefined;
      },
    },
  ],
});

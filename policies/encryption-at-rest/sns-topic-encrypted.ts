import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const snsTopicEncrypted = resourcePolicy({
  name: "sns-topic-encrypted",
  description: "SNS topics are encrypted at rest with a KMS key.",
  severity: "medium",
  concern: "encryption-at-rest",
  remediationSteps: "Set kmsMasterKeyId on the aws.sns.Topic.",
  resourceTypes: ["aws:sns/topic:Topic"],
  rules: [
    {
      id: "kms",
      check: ({ props }) =>
        present(props, "kmsMasterKeyId") ? undefined : "Set kmsMasterKeyId to a KMS key.",
    },
  ],
});

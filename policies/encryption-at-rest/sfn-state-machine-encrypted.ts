import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const sfnStateMachineEncrypted = resourcePolicy({
  name: "sfn-state-machine-encrypted",
  description:
    "Step Functions state machines encrypt execution data and logs with a customer managed KMS key.",
  severity: "medium",
  concern: "encryption-at-rest",
  remediationSteps:
    "Set encryptionConfiguration { type: CUSTOMER_MANAGED_KMS_KEY, kmsKeyId } on the aws.sfn.StateMachine.",
  resourceTypes: ["aws:sfn/stateMachine:StateMachine"],
  rules: [
    {
      id: "customer-key",
      check: ({ props }) =>
        props.encryptionConfiguration?.type === "CUSTOMER_MANAGED_KMS_KEY" &&
        present(props, "encryptionConfiguration", "kmsKeyId")
          ? undefined
          : "Set encryptionConfiguration.type to CUSTOMER_MANAGED_KMS_KEY with kmsKeyId.",
    },
  ],
});

import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const flinkApplicationEncrypted = resourcePolicy({
  name: "flink-application-encrypted",
  description:
    "Managed Service for Apache Flink applications encrypt their running state, checkpoints and snapshots with a customer managed key.",
  severity: "medium",
  concern: "encryption-at-rest",
  remediationSteps:
    "Set applicationConfiguration.applicationEncryptionConfiguration { keyType: CUSTOMER_MANAGED_KEY, keyId: <key ARN> }.",
  resourceTypes: ["aws:kinesisanalyticsv2/application:Application"],
  rules: [
    {
      id: "customer-key",
      check: ({ props }) =>
        props.applicationConfiguration?.applicationEncryptionConfiguration?.keyType ===
          "CUSTOMER_MANAGED_KEY" &&
        present(props, "applicationConfiguration", "applicationEncryptionConfiguration", "keyId")
          ? undefined
          : "Set applicationEncryptionConfiguration to keyType CUSTOMER_MANAGED_KEY with the keyId of a customer managed key.",
    },
  ],
});

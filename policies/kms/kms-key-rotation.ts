import { resourcePolicy } from "../lib/policy";

export const kmsKeyRotation = resourcePolicy({
  name: "kms-key-rotation",
  description: "Symmetric customer managed KMS keys rotate their key material automatically.",
  severity: "medium",
  concern: "kms",
  remediationSteps: "Set enableKeyRotation: true on the aws.kms.Key.",
  resourceTypes: ["aws:kms/key:Key"],
  rules: [
    {
      id: "rotation",
      check: ({ props }) => {
        const spec = props.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
        return spec === "SYMMETRIC_DEFAULT" && props.enableKeyRotation !== true
          ? "Set enableKeyRotation to true."
          : undefined;
      },
    },
  ],
});

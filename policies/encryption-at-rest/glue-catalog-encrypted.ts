import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const glueCatalogEncrypted = resourcePolicy({
  name: "glue-catalog-encrypted",
  description: "The Glue Data Catalog encrypts metadata and connection passwords with KMS.",
  severity: "high",
  concern: "encryption-at-rest",
  remediationSteps:
    "On aws.glue.DataCatalogEncryptionSettings set encryptionAtRest { catalogEncryptionMode: SSE-KMS, sseAwsKmsKeyId } and connectionPasswordEncryption { returnConnectionPasswordEncrypted: true, awsKmsKeyId }.",
  resourceTypes: ["aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"],
  rules: [
    {
      id: "metadata",
      check: ({ props }) => {
        const atRest = props.dataCatalogEncryptionSettings?.encryptionAtRest;
        return atRest?.catalogEncryptionMode === "SSE-KMS" &&
          present(props, "dataCatalogEncryptionSettings", "encryptionAtRest", "sseAwsKmsKeyId")
          ? undefined
          : "Set encryptionAtRest.catalogEncryptionMode to SSE-KMS with sseAwsKmsKeyId.";
      },
    },
    {
      id: "connection-passwords",
      check: ({ props }) =>
        props.dataCatalogEncryptionSettings?.connectionPasswordEncryption
          ?.returnConnectionPasswordEncrypted === true
          ? undefined
          : "Set connectionPasswordEncryption.returnConnectionPasswordEncrypted to true with awsKmsKeyId.",
    },
  ],
});

import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const firehoseEncrypted = resourcePolicy({
  name: "firehose-encrypted",
  description:
    "Firehose delivery streams encrypt buffered records with a customer managed key and write SSE-KMS objects.",
  severity: "high",
  concern: "encryption-at-rest",
  fsbp: ["DataFirehose.1"],
  remediationSteps:
    "For a Direct PUT stream set serverSideEncryption { enabled: true, keyType: CUSTOMER_MANAGED_CMK, keyArn }; set extendedS3Configuration.kmsKeyArn on S3 destinations.",
  resourceTypes: ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"],
  rules: [
    {
      id: "sse",
      check: ({ props }) => {
        // A Kinesis-sourced stream is encrypted by its source stream; Firehose rejects SSE there.
        if (present(props, "kinesisSourceConfiguration") || present(props, "mskSourceConfiguration"))
          return undefined;
        const sse = props.serverSideEncryption as { enabled?: boolean; keyType?: string } | undefined;
        if (sse?.enabled !== true) return "Set serverSideEncryption.enabled to true.";
        if (sse.keyType !== "CUSTOMER_MANAGED_CMK" || !present(props, "serverSideEncryption", "keyArn"))
          return "Set serverSideEncryption.keyType to CUSTOMER_MANAGED_CMK with keyArn.";
        return undefined;
      },
    },
    {
      id: "destination-kms",
      check: ({ props }) =>
        props.destination !== "extended_s3" || present(props, "extendedS3Configuration", "kmsKeyArn")
          ? undefined
          : "Set extendedS3Configuration.kmsKeyArn so delivered objects are SSE-KMS encrypted.",
    },
  ],
});

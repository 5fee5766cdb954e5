import { byName, type PolicyFixture } from "../lib/fixtures";

export const fixtures: PolicyFixture[] = [
  {
    policy: "s3-lifecycle-configured",
    compliant: [
      { type: "aws:s3/bucket:Bucket", name: "raw", inputs: {} },
      {
        type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        name: "raw-lifecycle",
        inputs: {
          bucket: "raw-1",
          rules: [
            { id: "tiering", status: "Enabled", transitions: [{ days: 30, storageClass: "STANDARD_IA" }] },
          ],
        },
        propertyDependencies: { bucket: ["raw"] },
      },
    ],
    failing: {
      missing: (rs) => (byName(rs, "raw-lifecycle").propertyDependencies = {}),
      "enabled-rule": (rs) => (byName(rs, "raw-lifecycle").inputs.rules[0].status = "Disabled"),
    },
  },
  {
    policy: "dynamodb-capacity-bounded",
    config: { maximumUnits: 40000 },
    compliant: [
      {
        type: "aws:dynamodb/table:Table",
        name: "orders",
        inputs: {
          billingMode: "PAY_PER_REQUEST",
          onDemandThroughput: { maxReadRequestUnits: 1000, maxWriteRequestUnits: 1000 },
        },
      },
      {
        type: "aws:dynamodb/table:Table",
        name: "sessions",
        inputs: { billingMode: "PROVISIONED", readCapacity: 100, writeCapacity: 100 },
      },
    ],
    failing: {
      "on-demand-ceiling": (rs) => delete byName(rs, "orders").inputs.onDemandThroughput,
      "provisioned-ceiling": (rs) => (byName(rs, "sessions").inputs.writeCapacity = 50000),
    },
  },
];

import { byName, type PolicyFixture } from "../lib/fixtures";

export const fixtures: PolicyFixture[] = [
  {
    policy: "required-tags",
    compliant: [
      // Tags from the fixture provider's defaultTags only.
      { type: "aws:sqs/queue:Queue", name: "events", inputs: { sqsManagedSseEnabled: true } },
      // Provider without default tags, resource tags complete.
      {
        type: "pulumi:providers:aws",
        name: "bare",
        inputs: { region: "us-west-2" },
      },
      {
        type: "aws:kinesis/stream:Stream",
        name: "clicks",
        provider: "bare",
        inputs: {
          tags: {
            Environment: "test",
            Domain: "web",
            Owner: "web-team",
            CostCenter: "cc-1",
            ManagedBy: "pulumi",
          },
        },
      },
      // Not taggable: no tags expected.
      { type: "aws:s3/bucketPolicy:BucketPolicy", name: "p", inputs: { bucket: "b", policy: "{}" } },
    ],
    failing: {
      "required-keys": (rs) => delete byName(rs, "clicks").inputs.tags.CostCenter,
      "non-empty": (rs) => (byName(rs, "clicks").inputs.tags.Owner = ""),
    },
  },
];

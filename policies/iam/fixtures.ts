import { byName, type PolicyFixture } from "../lib/fixtures";

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const read = {
  Effect: "Allow",
  Action: ["kinesis:GetRecords", "kinesis:GetShardIterator"],
  Resource: "arn:aws:kinesis:us-east-1:123456789012:stream/events",
};
const decrypt = {
  Effect: "Allow",
  Action: "kms:Decrypt",
  Resource: "arn:aws:kms:us-east-1:123456789012:key/k",
};
const assume = doc({
  Effect: "Allow",
  Principal: { Service: "lambda.amazonaws.com" },
  Action: "sts:AssumeRole",
});

export const fixtures: PolicyFixture[] = [
  {
    policy: "iam-no-admin-statements",
    compliant: [
      { type: "aws:iam/policy:Policy", name: "reader", inputs: { policy: doc(read, decrypt) } },
      {
        type: "aws:iam/role:Role",
        name: "processor",
        inputs: { assumeRolePolicy: assume, inlinePolicies: [{ name: "read", policy: doc(read) }] },
      },
      {
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "processor-write",
        inputs: {
          role: "processor",
          policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::raw/*" }),
        },
      },
    ],
    failing: {
      "star-on-star": (rs) =>
        (byName(rs, "processor").inputs.inlinePolicies[0].policy = doc({
          Effect: "Allow",
          Action: "*",
          Resource: "*",
        })),
      "iam-wildcard": (rs) =>
        (byName(rs, "reader").inputs.policy = doc(read, { Effect: "Allow", Action: "iam:*", Resource: "*" })),
      "not-action": (rs) =>
        (byName(rs, "reader").inputs.policy = doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })),
    },
  },
  {
    policy: "iam-no-kms-decrypt-all",
    compliant: [
      {
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "processor-kms",
        inputs: {
          role: "processor",
          policy: doc(decrypt, { Effect: "Allow", Action: "kinesis:ListStreams", Resource: "*" }),
        },
      },
    ],
    failing: {
      "decrypt-any-key": (rs) =>
        (byName(rs, "processor-kms").inputs.policy = doc({
          Effect: "Allow",
          Action: ["kms:Decrypt*"],
          Resource: "*",
        })),
    },
  },
  {
    policy: "iam-no-full-access-managed-policies",
    compliant: [
      {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name: "logs",
        inputs: { role: "r", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" },
      },
      {
        type: "aws:iam/role:Role",
        name: "glue",
        inputs: {
          assumeRolePolicy: assume,
          managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"],
        },
      },
    ],
    failing: {
      "broad-managed-policy": (rs) =>
        (byName(rs, "logs").inputs.policyArn = "arn:aws:iam::aws:policy/AmazonKinesisFullAccess"),
      "user-policy": (rs) =>
        rs.push({
          type: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
          name: "analyst-admin",
          inputs: { user: "analyst", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
        }),
    },
  },
  {
    policy: "s3-ownership-controls",
    compliant: [
      { type: "aws:s3/bucket:Bucket", name: "raw", inputs: {} },
      {
        type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        name: "raw-ownership",
        inputs: { bucket: "raw-1", rule: { objectOwnership: "BucketOwnerEnforced" } },
        propertyDependencies: { bucket: ["raw"] },
      },
    ],
    failing: {
      missing: (rs) => (byName(rs, "raw-ownership").propertyDependencies = {}),
      "acls-disabled": (rs) => (byName(rs, "raw-ownership").inputs.rule.objectOwnership = "ObjectWriter"),
    },
  },
  {
    policy: "elasticache-auth",
    compliant: [
      {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        name: "cache",
        inputs: { description: "serving cache", authToken: "[secret]" },
      },
      {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        name: "rbac-cache",
        inputs: { description: "serving cache", userGroupIds: ["serving-users"] },
      },
    ],
    failing: { authentication: (rs) => delete byName(rs, "cache").inputs.authToken },
  },
];

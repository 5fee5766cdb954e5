import { byName, type PolicyFixture } from "../lib/fixtures";

const keyPolicy = (principal: unknown, condition?: object) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Root",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "Use",
        Effect: "Allow",
        Principal: principal,
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });

export const fixtures: PolicyFixture[] = [
  {
    policy: "kms-key-rotation",
    compliant: [
      { type: "aws:kms/key:Key", name: "lake", inputs: { enableKeyRotation: true } },
      {
        type: "aws:kms/key:Key",
        name: "signing",
        inputs: { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" },
      },
    ],
    failing: { rotation: (rs) => delete byName(rs, "lake").inputs.enableKeyRotation },
  },
  {
    policy: "kms-deletion-window",
    config: { minimumDays: 30 },
    compliant: [{ type: "aws:kms/key:Key", name: "lake", inputs: { deletionWindowInDays: 30 } }],
    failing: { window: (rs) => (byName(rs, "lake").inputs.deletionWindowInDays = 7) },
  },
  {
    policy: "kms-key-policy-no-wildcard-principal",
    compliant: [
      {
        type: "aws:kms/key:Key",
        name: "lake",
        inputs: { policy: keyPolicy({ Service: "logs.us-east-1.amazonaws.com" }) },
      },
      {
        type: "aws:kms/key:Key",
        name: "org",
        inputs: { policy: keyPolicy("*", { StringEquals: { "aws:PrincipalOrgID": "o-123" } }) },
      },
    ],
    failing: {
      "wildcard-principal": (rs) =>
        (byName(rs, "org").inputs.policy = keyPolicy("*", { StringLike: { "kms:CallerAccount": "*" } })),
    },
  },
];

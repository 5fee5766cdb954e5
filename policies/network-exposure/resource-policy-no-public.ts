import { resourcePolicy } from "../lib/policy";
import { publicStatements } from "../lib/principals";
import { actionMatches, asList, statementsOf } from "../lib/values";

/** Resource types holding a resource-based policy, and the input that holds it. */
export const RESOURCE_POLICY_INPUTS: Readonly<Record<string, string>> = {
  "aws:s3/bucketPolicy:BucketPolicy": "policy",
  "aws:sns/topic:Topic": "policy",
  "aws:sns/topicPolicy:TopicPolicy": "policy",
  "aws:sqs/queue:Queue": "policy",
  "aws:sqs/queuePolicy:QueuePolicy": "policy",
  "aws:secretsmanager/secret:Secret": "policy",
  "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
  "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
  "aws:iam/role:Role": "assumeRolePolicy",
};

/** Bucket actions that hand control of the bucket's access or encryption to whoever holds them (FSBP S3.6). */
const BUCKET_ADMIN_ACTIONS = [
  "s3:DeleteBucketPolicy",
  "s3:PutBucketAcl",
  "s3:PutBucketPolicy",
  "s3:PutEncryptionConfiguration",
  "s3:PutObjectAcl",
];

export const resourcePolicyNoPublic = resourcePolicy({
  name: "resource-policy-no-public",
  description:
    "Bucket, topic, queue, secret and repository policies and role trust policies never grant everyone, and bucket policies never grant bucket administration to account principals.",
  severity: "critical",
  concern: "network-exposure",
  fsbp: ["S3.2", "S3.3", "S3.6", "SNS.4", "SQS.3"],
  remediationSteps:
    'Name the principals (account root, roles, service principals) instead of "*" or {AWS: "*"}, or pin a wildcard with aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID or aws:SourceVpce; manage bucket policies and ACLs through IAM in the owning account.',
  resourceTypes: Object.keys(RESOURCE_POLICY_INPUTS),
  rules: [
    {
      id: "public-principal",
      check: ({ type, props }) => {
        const open = publicStatements(props[RESOURCE_POLICY_INPUTS[type]]);
        if (!open.length) return undefined;
        const what = open.map((s) => asList(s.Action).join(", ") || "(NotAction)").join("; ");
        return `The policy allows everyone (${what}): name the principals, or add a condition on aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID or aws:SourceVpce with concrete values.`;
      },
    },
    {
      id: "bucket-admin-grant",
      check: ({ type, props }) => {
        if (type !== "aws:s3/bucketPolicy:BucketPolicy") return undefined;
        const granted = statementsOf(props.policy)
          .filter((s) => s.Effect === "Allow" && s.Principal !== undefined)
          .filter((s) => {
            const p = s.Principal as Record<string, unknown> | string;
            return p === "*" || (typeof p === "object" && p !== null && "AWS" in p);
          })
          .flatMap((s) =>
            BUCKET_ADMIN_ACTIONS.filter((a) => asList(s.Action).some((x) => actionMatches(String(x), a))),
          );
        return granted.length
          ? `The bucket policy grants ${[...new Set(granted)].join(", ")} to account principals: keep bucket policy, ACL and encryption changes with the owning account's IAM roles.`
          : undefined;
      },
    },
  ],
});

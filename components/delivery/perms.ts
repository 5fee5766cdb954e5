/**
 * What the deployment role may do: manage the services the platform deploys. Service-level action
 * wildcards are unavoidable for an infrastructure-as-code role (it creates, updates and deletes
 * every resource type of those services); account-wide and IAM-user actions are not granted.
 */
export const DEPLOY_SERVICE_ACTIONS = [
  "athena:*",
  "backup:*",
  "budgets:*",
  "ce:*",
  "cloudfront:*",
  "cloudtrail:*",
  "cloudwatch:*",
  "config:*",
  "dynamodb:*",
  "ec2:*",
  "ecr:*",
  "ecs:*",
  "elasticache:*",
  "elasticloadbalancing:*",
  "elasticmapreduce:*",
  "emr-serverless:*",
  "events:*",
  "firehose:*",
  "glue:*",
  "guardduty:*",
  "kinesis:*",
  "kinesisanalytics:*",
  "lakeformation:*",
  "lambda:*",
  "logs:*",
  "airflow:*",
  "quicksight:*",
  "redshift:*",
  "redshift-serverless:*",
  "redshift-data:*",
  "s3:*",
  "sagemaker:*",
  "secretsmanager:*",
  "securityhub:*",
  "sns:*",
  "sqs:*",
  "states:*",
  "wafv2:*",
  "xray:*",
  "application-autoscaling:*",
  // RDS only for the subnet groups some services (MWAA, Redshift neighbours) take; no databases.
  "rds:CreateDBSubnetGroup",
  "rds:DeleteDBSubnetGroup",
  "rds:ModifyDBSubnetGroup",
  "rds:DescribeDBSubnetGroups",
  "rds:AddTagsToResource",
  "rds:RemoveTagsFromResource",
  "rds:ListTagsForResource",
] as const;

/**
 * Key management without the right to decrypt: creating keys, policies, aliases, replicas, and the
 * grants services take when they create encrypted resources for the deployer. Decryption is
 * `DECRYPT_THROUGH_SECRETS_MANAGER`, scoped apart.
 */
export const DEPLOY_KMS_ACTIONS = [
  "kms:CreateKey",
  "kms:DescribeKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:PutKeyPolicy",
  "kms:ListAliases",
  "kms:ListKeys",
  "kms:ListResourceTags",
  "kms:CreateAlias",
  "kms:UpdateAlias",
  "kms:DeleteAlias",
  "kms:ReplicateKey",
  "kms:UpdateKeyDescription",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:CreateGrant",
  "kms:ListGrants",
  "kms:RevokeGrant",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
] as const;

/**
 * `kms:Decrypt` for reading secret values back (the provider reads a Secrets Manager version under
 * the customer key on refresh and update): only keys of the role's own account, and only when
 * Secrets Manager makes the call (`kms:ViaService`), never `Resource: "*"`.
 */
export function decryptThroughSecretsManager(accountId: string) {
  return {
    Sid: "ReadSecretsUnderCustomerKeys",
    Effect: "Allow",
    Action: ["kms:Decrypt"],
    Resource: `arn:aws:kms:*:${accountId}:key/*`,
    Condition: { StringLike: { "kms:ViaService": "secretsmanager.*.amazonaws.com" } },
  };
}

/** IAM actions limited to roles, policies and instance profiles (no users, groups or access keys). */
export const DEPLOY_IAM_ACTIONS = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:GetRole",
  "iam:UpdateRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:ListRoleTags",
  "iam:PassRole",
  "iam:PutRolePolicy",
  "iam:GetRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:ListRolePolicies",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:ListAttachedRolePolicies",
  "iam:CreatePolicy",
  "iam:DeletePolicy",
  "iam:GetPolicy",
  "iam:GetPolicyVersion",
  "iam:CreatePolicyVersion",
  "iam:DeletePolicyVersion",
  "iam:ListPolicyVersions",
  "iam:TagPolicy",
  "iam:CreateInstanceProfile",
  "iam:DeleteInstanceProfile",
  "iam:GetInstanceProfile",
  "iam:AddRoleToInstanceProfile",
  "iam:RemoveRoleFromInstanceProfile",
  "iam:ListInstanceProfilesForRole",
  "iam:TagInstanceProfile",
  "iam:UntagInstanceProfile",
  "iam:CreateServiceLinkedRole",
  "iam:GetOpenIDConnectProvider",
  "iam:CreateOpenIDConnectProvider",
  "iam:DeleteOpenIDConnectProvider",
  "iam:TagOpenIDConnectProvider",
  "iam:UntagOpenIDConnectProvider",
  "iam:UpdateOpenIDConnectProviderThumbprint",
  "iam:AddClientIDToOpenIDConnectProvider",
  "iam:RemoveClientIDFromOpenIDConnectProvider",
  "iam:ListOpenIDConnectProviders",
] as const;

/**
 * What a preview needs: read access to every service the deploy role manages (`Describe*`, `Get*`,
 * `List*`) and an ECR token (awsx `Image` asks for one even in preview); with
 * `decryptThroughSecretsManager` for secret values. Nothing that creates, changes or deletes.
 */
export const PREVIEW_ACTIONS: readonly string[] = [
  ...new Set(
    [...DEPLOY_SERVICE_ACTIONS, ...DEPLOY_KMS_ACTIONS, ...DEPLOY_IAM_ACTIONS]
      .map((a) => a.split(":")[0])
      .flatMap((svc) => [`${svc}:Describe*`, `${svc}:Get*`, `${svc}:List*`]),
  ),
  "ecr:GetAuthorizationToken",
  "ecr:BatchGetImage",
  "ecr:BatchCheckLayerAvailability",
];

/** Data-plane reads the preview role's `Get*` would allow but a preview never needs: denied. */
export const PREVIEW_DENIED_ACTIONS = [
  "s3:GetObject*",
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "kinesis:GetRecords",
  "kinesis:GetShardIterator",
  "sqs:ReceiveMessage",
] as const;

/**
 * What deploying a resource type takes, in IAM actions: the table the deploy and preview roles are
 * checked against (see delivery.test.ts, which derives the types from the dev and prod plans). A
 * type that is in no table is an error naming it, so a new resource type cannot ship unnoticed.
 */

/** IAM service prefix of each `@pulumi/aws` module whose actions are all under one prefix. */
const MODULE_PREFIX: Record<string, string> = {
  appautoscaling: "application-autoscaling",
  athena: "athena",
  backup: "backup",
  budgets: "budgets",
  ce: "ce",
  costexplorer: "ce",
  cfg: "config",
  cloudfront: "cloudfront",
  cloudtrail: "cloudtrail",
  dynamodb: "dynamodb",
  ec2: "ec2",
  ecr: "ecr",
  ecs: "ecs",
  elasticache: "elasticache",
  emr: "elasticmapreduce",
  emrserverless: "emr-serverless",
  glue: "glue",
  guardduty: "guardduty",
  lakeformation: "lakeformation",
  lambda: "lambda",
  lb: "elasticloadbalancing",
  alb: "elasticloadbalancing",
  mwaa: "airflow",
  rds: "rds",
  redshift: "redshift",
  redshiftserverless: "redshift-serverless",
  s3: "s3",
  vpc: "ec2",
  quicksight: "quicksight",
  sagemaker: "sagemaker",
  secretsmanager: "secretsmanager",
  securityhub: "securityhub",
  sfn: "states",
  sns: "sns",
  sqs: "sqs",
  wafv2: "wafv2",
  xray: "xray",
};

/** Types whose actions are not `<module prefix>:*`, or that need more than their own service. */
const SPECIFIC: Record<string, readonly string[]> = {
  // The warehouse applies its SQL through the Data API, with the admin's temporary credentials.
  "aws:redshiftdata/statement:Statement": [
    "redshift-data:ExecuteStatement",
    "redshift-data:DescribeStatement",
    "redshift:GetClusterCredentials",
    "redshift-serverless:GetCredentials",
  ],
  "aws:iam/role:Role": ["iam:CreateRole", "iam:TagRole", "iam:GetRole", "iam:PassRole"],
  "aws:iam/rolePolicy:RolePolicy": ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
  "aws:iam/policy:Policy": ["iam:CreatePolicy", "iam:TagPolicy", "iam:CreatePolicyVersion"],
  "aws:iam/instanceProfile:InstanceProfile": [
    "iam:CreateInstanceProfile",
    "iam:TagInstanceProfile",
    "iam:AddRoleToInstanceProfile",
  ],
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": [
    "iam:CreateOpenIDConnectProvider",
    "iam:GetOpenIDConnectProvider",
    "iam:TagOpenIDConnectProvider",
    "iam:UpdateOpenIDConnectProviderThumbprint",
    "iam:AddClientIDToOpenIDConnectProvider",
    "iam:DeleteOpenIDConnectProvider",
  ],
  "aws:iam/serviceLinkedRole:ServiceLinkedRole": ["iam:CreateServiceLinkedRole"],
  "aws:kms/key:Key": ["kms:CreateKey", "kms:TagResource", "kms:EnableKeyRotation", "kms:PutKeyPolicy"],
  "aws:kms/replicaKey:ReplicaKey": ["kms:ReplicateKey", "kms:TagResource"],
  "aws:kms/alias:Alias": ["kms:CreateAlias", "kms:UpdateAlias"],
  "aws:kms/keyPolicy:KeyPolicy": ["kms:PutKeyPolicy"],
  "aws:kms/grant:Grant": ["kms:CreateGrant"],
  // Reading a secret value back (refresh, update) decrypts it under the customer key.
  "aws:secretsmanager/secretVersion:SecretVersion": ["secretsmanager:PutSecretValue", "kms:Decrypt"],
  "aws:rds/subnetGroup:SubnetGroup": ["rds:CreateDBSubnetGroup", "rds:AddTagsToResource"],
  "aws:kinesis/stream:Stream": ["kinesis:CreateStream", "kinesis:AddTagsToStream"],
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": ["firehose:CreateDeliveryStream"],
  "aws:kinesis/streamConsumer:StreamConsumer": ["kinesis:RegisterStreamConsumer"],
  "aws:kinesis/resourcePolicy:ResourcePolicy": ["kinesis:PutResourcePolicy"],
  // The API edge (components/api/edge.ts): CloudFront, its WAF web ACL and log delivery.
  "aws:cloudfront/distribution:Distribution": [
    "cloudfront:CreateDistribution",
    "cloudfront:TagResource",
    "wafv2:GetWebACL",
  ],
  "aws:cloudwatch/logDeliverySource:LogDeliverySource": [
    "logs:PutDeliverySource",
    "cloudfront:AllowVendedLogDeliveryForResource",
  ],
  "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": ["logs:PutDeliveryDestination"],
  "aws:cloudwatch/logDelivery:LogDelivery": ["logs:CreateDelivery"],
  "aws:lb/listenerRule:ListenerRule": ["elasticloadbalancing:CreateRule", "elasticloadbalancing:AddTags"],
  "aws:wafv2/webAcl:WebAcl": ["wafv2:CreateWebACL", "wafv2:TagResource"],
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": [
    "wafv2:PutLoggingConfiguration",
    "logs:CreateLogDelivery",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
  ],
  // QuickSight on the lake (components/bi): the data source passes its role to QuickSight.
  "aws:quicksight/dataSource:DataSource": ["quicksight:CreateDataSource", "iam:PassRole"],
  "aws:quicksight/dataSet:DataSet": ["quicksight:CreateDataSet", "quicksight:PassDataSource"],
  // Managed Flink: create and start (startApplication), pass the role; the service uses the
  // customer key for the application's state through a grant the caller creates.
  "aws:kinesisanalyticsv2/application:Application": [
    "kinesisanalytics:CreateApplication",
    "kinesisanalytics:StartApplication",
    "kinesisanalytics:TagResource",
    "iam:PassRole",
    "kms:DescribeKey",
    "kms:CreateGrant",
  ],
  // awsx components: what their providers call, even in preview (Image gets an ECR token).
  "awsx:ecr:Image": [
    "ecr:GetAuthorizationToken",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "ecr:BatchCheckLayerAvailability",
  ],
  "awsx:ecs:FargateService": ["ecs:CreateService", "ecs:UpdateService", "iam:PassRole"],
  "awsx:lb:ApplicationLoadBalancer": [
    "elasticloadbalancing:CreateLoadBalancer",
    "elasticloadbalancing:CreateTargetGroup",
    "elasticloadbalancing:CreateListener",
    "ec2:CreateSecurityGroup",
  ],
  "awsx:ec2:Vpc": ["ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateNatGateway", "ec2:AllocateAddress"],
};

/** CloudWatch module resources that belong to CloudWatch Logs or EventBridge. */
function cloudwatchPrefix(resource: string): string {
  if (/^log/i.test(resource)) return "logs";
  if (/^event/i.test(resource)) return "events";
  return "cloudwatch";
}

/**
 * The IAM actions creating and managing a resource of `type` needs; `[]` for types that are not AWS
 * (Pulumi, Pulumi Cloud, random, components of this repository); undefined for an unknown AWS type.
 *
 * @example
 * requiredActions("aws:dynamodb/table:Table"); // ["dynamodb:CreateTable"]
 */
export function requiredActions(type: string): readonly string[] | undefined {
  if (SPECIFIC[type]) return SPECIFIC[type];
  const [pkg, rest] = type.split(":", 2);
  if (pkg !== "aws") return pkg === "awsx" ? undefined : [];
  const m = /^([a-z0-9]+)\/[a-zA-Z0-9]+:([A-Za-z0-9]+)$/.exec(type.slice(4));
  if (!m || !rest) return undefined;
  const [, module, resource] = m;
  const prefix = module === "cloudwatch" ? cloudwatchPrefix(resource) : MODULE_PREFIX[module];
  return prefix ? [`${prefix}:Create${resource}`] : undefined;
}

/** Whether an IAM `Action` list allows `action` (wildcards `*` and `?`, case-insensitive). */
export function actionAllowed(allowed: readonly string[], action: string): boolean {
  return allowed.some((a) =>
    new RegExp(
      `^${a
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      "i",
    ).test(action),
  );
}

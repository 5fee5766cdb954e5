/** Compliant baselines and per-rule mutations of the policies added for FSBP coverage (issue 19). */
import { byName, type PolicyFixture } from "./lib/fixtures";

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const ACCOUNT = "123456789012";
const task = (container: object, extra: object = {}) => ({
  family: "api",
  networkMode: "awsvpc",
  requiresCompatibilities: ["FARGATE"],
  ...extra,
  containerDefinitions: JSON.stringify([
    {
      name: "api",
      image: "api:1",
      user: "1000",
      privileged: false,
      readonlyRootFilesystem: true,
      environment: [{ name: "PORT", value: "8080" }],
      logConfiguration: { logDriver: "awslogs", options: {} },
      ...container,
    },
  ]),
});

export const fixtures: PolicyFixture[] = [
  {
    policy: "s3-access-logging",
    compliant: [
      { type: "aws:s3/bucket:Bucket", name: "raw", inputs: {} },
      { type: "aws:s3/bucket:Bucket", name: "access-logs", inputs: {} },
      { type: "aws:s3/bucket:Bucket", name: "trail-files", inputs: {} },
      {
        type: "aws:s3/bucketLogging:BucketLogging",
        name: "raw-logging",
        inputs: { bucket: "raw", targetBucket: "access-logs", targetPrefix: "raw/" },
        propertyDependencies: { bucket: ["raw"], targetBucket: ["access-logs"] },
      },
      {
        type: "aws:cloudtrail/trail:Trail",
        name: "trail",
        inputs: { s3BucketName: "trail-files" },
        propertyDependencies: { s3BucketName: ["trail-files"] },
      },
    ],
    failing: { "server-access-logging": (rs) => (byName(rs, "raw-logging").propertyDependencies = {}) },
  },
  {
    policy: "resource-policy-no-public",
    compliant: [
      {
        type: "aws:s3/bucketPolicy:BucketPolicy",
        name: "raw-policy",
        inputs: {
          bucket: "raw",
          policy: doc(
            {
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: "arn:aws:s3:::raw/*",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
              Effect: "Allow",
              Principal: { Service: "logging.s3.amazonaws.com" },
              Action: "s3:PutObject",
              Resource: "arn:aws:s3:::raw/*",
              Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
            },
          ),
        },
      },
      {
        type: "aws:sns/topicPolicy:TopicPolicy",
        name: "alarms-policy",
        inputs: {
          arn: "arn:aws:sns:us-east-1:123456789012:alarms",
          policy: doc({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: "arn:aws:sns:us-east-1:123456789012:alarms",
          }),
        },
      },
      {
        type: "aws:iam/role:Role",
        name: "deploy",
        inputs: {
          assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/api.pulumi.com/oidc` },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { "api.pulumi.com/oidc:aud": "org" } },
          }),
        },
      },
      {
        type: "aws:secretsmanager/secretPolicy:SecretPolicy",
        name: "token-policy",
        inputs: {
          secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:token",
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "secretsmanager:GetSecretValue",
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } },
          }),
        },
      },
    ],
    failing: {
      "public-principal": (rs) =>
        (byName(rs, "alarms-policy").inputs.policy = doc({
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "sns:Publish",
          Resource: "*",
        })),
      "bucket-admin-grant": (rs) =>
        (byName(rs, "raw-policy").inputs.policy = doc({
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::999999999999:root" },
          Action: ["s3:GetObject", "s3:PutBucketPolicy"],
          Resource: "arn:aws:s3:::raw",
        })),
    },
  },
  {
    policy: "default-security-group-closed",
    compliant: [
      {
        type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        name: "default",
        inputs: { vpcId: "vpc-1" },
      },
    ],
    failing: {
      "no-rules": (rs) =>
        (byName(rs, "default").inputs.ingress = [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }]),
    },
  },
  {
    policy: "security-group-no-internet-union",
    compliant: [
      { type: "aws:ec2/securityGroup:SecurityGroup", name: "db", inputs: { vpcId: "vpc-1" } },
      {
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        name: "db-a",
        inputs: {
          securityGroupId: "sg-db",
          ipProtocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
          cidrIpv4: "10.0.10.0/24",
        },
        propertyDependencies: { securityGroupId: ["db"] },
      },
      {
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        name: "db-b",
        inputs: {
          securityGroupId: "sg-db",
          ipProtocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
          cidrIpv4: "0.0.0.0/1",
        },
        propertyDependencies: { securityGroupId: ["db"] },
      },
    ],
    failing: {
      "internet-union": (rs) => (byName(rs, "db-a").inputs.cidrIpv4 = "128.0.0.0/1"),
    },
  },
  {
    policy: "ecs-task-definition-hardened",
    compliant: [{ type: "aws:ecs/taskDefinition:TaskDefinition", name: "api", inputs: task({}) }],
    failing: {
      "host-network-root": (rs) =>
        (byName(rs, "api").inputs = task({ user: "root" }, { networkMode: "host" })),
      "host-pid": (rs) => (byName(rs, "api").inputs = task({}, { pidMode: "host" })),
      privileged: (rs) => (byName(rs, "api").inputs = task({ privileged: true })),
      "read-only-root": (rs) => (byName(rs, "api").inputs = task({ readonlyRootFilesystem: false })),
      "env-credentials": (rs) =>
        (byName(rs, "api").inputs = task({ environment: [{ name: "AWS_SECRET_ACCESS_KEY", value: "x" }] })),
      logging: (rs) => (byName(rs, "api").inputs = task({ logConfiguration: undefined })),
    },
  },
  {
    policy: "vpc-interface-endpoints",
    compliant: [
      { type: "aws:ec2/vpc:Vpc", name: "vpc", inputs: { cidrBlock: "10.0.0.0/16" } },
      ...["ecr.api", "ecr.dkr"].map((s) => ({
        type: "aws:ec2/vpcEndpoint:VpcEndpoint",
        name: `endpoint-${s.replace(".", "-")}`,
        inputs: { vpcId: "vpc-1", serviceName: `com.amazonaws.us-east-1.${s}`, vpcEndpointType: "Interface" },
        propertyDependencies: { vpcId: ["vpc"] },
      })),
    ],
    failing: {
      "required-endpoints": (rs) => (byName(rs, "endpoint-ecr-dkr").inputs.vpcEndpointType = "Gateway"),
    },
  },
  {
    policy: "kms-no-foreign-account-access",
    compliant: [
      {
        type: "aws:kms/key:Key",
        name: "lake",
        inputs: {
          policy: doc({
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: "kms:*",
            Resource: "*",
          }),
        },
      },
      {
        type: "aws:kms/grant:Grant",
        name: "lake-grant",
        inputs: { keyId: "k", granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/etl`, operations: ["Decrypt"] },
        propertyDependencies: { keyId: ["lake"] },
      },
    ],
    failing: {
      "foreign-principal": (rs) =>
        (byName(rs, "lake").inputs.policy = doc(
          {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: "kms:*",
            Resource: "*",
          },
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::999999999999:root" },
            Action: "kms:Decrypt",
            Resource: "*",
          },
        )),
      "foreign-grant": (rs) =>
        (byName(rs, "lake-grant").inputs.granteePrincipal = "arn:aws:iam::999999999999:role/partner"),
    },
  },
  {
    policy: "lambda-supported-runtime",
    compliant: [
      { type: "aws:lambda/function:Function", name: "processor", inputs: { runtime: "nodejs22.x" } },
      {
        type: "aws:lambda/function:Function",
        name: "image",
        inputs: { packageType: "Image", imageUri: "x" },
      },
    ],
    failing: { "supported-runtime": (rs) => (byName(rs, "processor").inputs.runtime = "nodejs16.x") },
  },
  {
    policy: "sagemaker-endpoint-multi-instance",
    compliant: [
      {
        type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
        name: "inference",
        inputs: {
          productionVariants: [
            { variantName: "champion", initialInstanceCount: 2, instanceType: "ml.m5.large", modelName: "m" },
          ],
        },
      },
    ],
    failing: {
      "multi-instance": (rs) =>
        (byName(rs, "inference").inputs.productionVariants[0].initialInstanceCount = 1),
    },
  },
  {
    policy: "ecr-repository-hardened",
    compliant: [
      {
        type: "aws:ecr/repository:Repository",
        name: "repo",
        inputs: { imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } },
      },
      {
        type: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        name: "repo-lifecycle",
        inputs: { repository: "repo", policy: "{}" },
        propertyDependencies: { repository: ["repo"] },
      },
    ],
    failing: {
      "scan-on-push": (rs) => (byName(rs, "repo").inputs.imageScanningConfiguration.scanOnPush = false),
      "immutable-tags": (rs) => (byName(rs, "repo").inputs.imageTagMutability = "MUTABLE"),
      "lifecycle-policy": (rs) => (byName(rs, "repo-lifecycle").propertyDependencies = {}),
    },
  },
  {
    policy: "lb-load-balancer-hardened",
    compliant: [
      {
        type: "aws:lb/loadBalancer:LoadBalancer",
        name: "alb",
        inputs: {
          loadBalancerType: "application",
          enableDeletionProtection: true,
          dropInvalidHeaderFields: true,
          desyncMitigationMode: "defensive",
          subnets: ["subnet-a", "subnet-b"],
        },
      },
    ],
    failing: {
      "deletion-protection": (rs) => (byName(rs, "alb").inputs.enableDeletionProtection = false),
      "drop-invalid-headers": (rs) => delete byName(rs, "alb").inputs.dropInvalidHeaderFields,
      "desync-mitigation": (rs) => (byName(rs, "alb").inputs.desyncMitigationMode = "monitor"),
      "multi-az": (rs) => (byName(rs, "alb").inputs.subnets = ["subnet-a"]),
    },
  },
  {
    policy: "elasticache-backups-and-patching",
    compliant: [
      {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        name: "redis",
        inputs: {
          description: "r",
          snapshotRetentionLimit: 7,
          autoMinorVersionUpgrade: true,
          subnetGroupName: "db",
        },
      },
    ],
    failing: {
      "automatic-backups": (rs) => (byName(rs, "redis").inputs.snapshotRetentionLimit = 0),
      "minor-version-upgrades": (rs) => (byName(rs, "redis").inputs.autoMinorVersionUpgrade = false),
      "custom-subnet-group": (rs) => delete byName(rs, "redis").inputs.subnetGroupName,
    },
  },
  {
    policy: "dynamodb-autoscaling",
    compliant: [
      { type: "aws:dynamodb/table:Table", name: "events", inputs: { billingMode: "PAY_PER_REQUEST" } },
      { type: "aws:dynamodb/table:Table", name: "provisioned", inputs: { billingMode: "PROVISIONED" } },
      ...["Read", "Write"].map((d) => ({
        type: "aws:appautoscaling/target:Target",
        name: `provisioned-${d.toLowerCase()}`,
        inputs: {
          resourceId: "table/provisioned",
          scalableDimension: `dynamodb:table:${d}CapacityUnits`,
          serviceNamespace: "dynamodb",
          minCapacity: 1,
          maxCapacity: 10,
        },
        propertyDependencies: { resourceId: ["provisioned"] },
      })),
    ],
    failing: { "scales-with-demand": (rs) => (byName(rs, "events").inputs.billingMode = "PROVISIONED") },
  },
  {
    policy: "glue-job-supported-version",
    compliant: [
      {
        type: "aws:glue/job:Job",
        name: "etl",
        inputs: {
          command: { name: "glueetl", scriptLocation: "s3://a/b.py" },
          glueVersion: "5.0",
          roleArn: "r",
        },
      },
    ],
    failing: { "supported-version": (rs) => (byName(rs, "etl").inputs.glueVersion = "2.0") },
  },
  {
    policy: "redshift-no-default-identifiers",
    compliant: [
      {
        type: "aws:redshift/cluster:Cluster",
        name: "warehouse",
        inputs: { masterUsername: "platform_admin", databaseName: "analytics", nodeType: "ra3.xlplus" },
      },
    ],
    failing: {
      "default-admin-user": (rs) => (byName(rs, "warehouse").inputs.masterUsername = "awsuser"),
      "default-database-name": (rs) => delete byName(rs, "warehouse").inputs.databaseName,
    },
  },
  {
    policy: "iam-no-service-wildcards",
    compliant: [
      {
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "reader",
        inputs: {
          role: "r",
          policy: doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::raw/*" }),
        },
      },
    ],
    failing: {
      "service-wildcard": (rs) =>
        (byName(rs, "reader").inputs.policy = doc({
          Effect: "Allow",
          Action: "s3:*",
          Resource: "arn:aws:s3:::raw/*",
        })),
    },
  },
  {
    policy: "ecs-insights-latest-platform",
    compliant: [
      {
        type: "aws:ecs/cluster:Cluster",
        name: "cluster",
        inputs: { settings: [{ name: "containerInsights", value: "enhanced" }] },
      },
      {
        type: "aws:ecs/service:Service",
        name: "api",
        inputs: { launchType: "FARGATE", platformVersion: "LATEST", cluster: "c", taskDefinition: "t" },
      },
    ],
    failing: {
      "container-insights": (rs) => (byName(rs, "cluster").inputs.settings = []),
      "latest-platform": (rs) => (byName(rs, "api").inputs.platformVersion = "1.3.0"),
    },
  },
  {
    policy: "guardduty-protections",
    compliant: [
      { type: "aws:guardduty/detector:Detector", name: "detector", inputs: { enable: true } },
      ...[
        "S3_DATA_EVENTS",
        "EKS_AUDIT_LOGS",
        "EBS_MALWARE_PROTECTION",
        "RDS_LOGIN_EVENTS",
        "LAMBDA_NETWORK_LOGS",
        "RUNTIME_MONITORING",
      ].map((name) => ({
        type: "aws:guardduty/detectorFeature:DetectorFeature",
        name: `feature-${name.toLowerCase()}`,
        inputs: {
          detectorId: "d",
          name,
          status: "ENABLED",
          ...(name === "RUNTIME_MONITORING"
            ? {
                additionalConfigurations: [
                  "EKS_ADDON_MANAGEMENT",
                  "ECS_FARGATE_AGENT_MANAGEMENT",
                  "EC2_AGENT_MANAGEMENT",
                ].map((a) => ({ name: a, status: "ENABLED" })),
              }
            : {}),
        },
        propertyDependencies: { detectorId: ["detector"] },
      })),
    ],
    failing: {
      "protection-plans": (rs) => (byName(rs, "feature-eks_audit_logs").inputs.status = "DISABLED"),
      "runtime-agents": (rs) =>
        (byName(rs, "feature-runtime_monitoring").inputs.additionalConfigurations[1].status = "DISABLED"),
    },
  },
  {
    policy: "athena-workgroup-logging",
    compliant: [
      {
        type: "aws:athena/workgroup:Workgroup",
        name: "analytics",
        inputs: { configuration: { publishCloudwatchMetricsEnabled: true } },
      },
    ],
    failing: {
      "cloudwatch-metrics": (rs) =>
        (byName(rs, "analytics").inputs.configuration.publishCloudwatchMetricsEnabled = false),
    },
  },
];

import {
  apiEdgeDistributionFixture,
  apiEdgeWafFixture,
  byName,
  flinkApplicationFixture,
  mutatePipeline,
  type PolicyFixture,
  SAGEMAKER_PIPELINE_DEFINITION,
} from "../lib/fixtures";

export const fixtures: PolicyFixture[] = [
  {
    policy: "security-group-no-public-ingress",
    compliant: [
      {
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: "alb",
        inputs: {
          vpcId: "vpc-1",
          ingress: [
            {
              protocol: "tcp",
              fromPort: 443,
              toPort: 443,
              cidrBlocks: ["0.0.0.0/0"],
              ipv6CidrBlocks: ["::/0"],
            },
            { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] },
          ],
        },
      },
      {
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: "redshift",
        inputs: {
          vpcId: "vpc-1",
          ingress: [{ protocol: "tcp", fromPort: 5439, toPort: 5439, cidrBlocks: ["10.0.10.0/24"] }],
        },
      },
      {
        type: "aws:ec2/securityGroupRule:SecurityGroupRule",
        name: "emr-ssh",
        inputs: {
          type: "ingress",
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrBlocks: ["10.0.0.0/16"],
          securityGroupId: "sg-1",
        },
      },
      {
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        name: "alb-v6",
        inputs: { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0", securityGroupId: "sg-1" },
      },
    ],
    failing: {
      "public-ingress": (rs) => (byName(rs, "emr-ssh").inputs.cidrBlocks = ["0.0.0.0/0"]),
    },
  },
  {
    policy: "redshift-not-public",
    compliant: [
      {
        type: "aws:redshift/cluster:Cluster",
        name: "warehouse",
        inputs: { publiclyAccessible: false, nodeType: "ra3.xlplus", enhancedVpcRouting: true },
      },
      {
        type: "aws:redshiftserverless/workgroup:Workgroup",
        name: "adhoc",
        inputs: { workgroupName: "adhoc", namespaceName: "adhoc" },
      },
    ],
    failing: {
      "publicly-accessible": (rs) => (byName(rs, "adhoc").inputs.publiclyAccessible = true),
      "enhanced-vpc-routing": (rs) => (byName(rs, "warehouse").inputs.enhancedVpcRouting = false),
    },
  },
  {
    policy: "emr-cluster-private",
    compliant: [
      {
        type: "aws:ec2/subnet:Subnet",
        name: "private-a",
        inputs: { cidrBlock: "10.0.10.0/24", mapPublicIpOnLaunch: false, tags: { Tier: "private" } },
      },
      {
        type: "aws:ec2/subnet:Subnet",
        name: "public-a",
        inputs: { cidrBlock: "10.0.1.0/24", mapPublicIpOnLaunch: true, tags: { Tier: "public" } },
      },
      {
        type: "aws:emr/cluster:Cluster",
        name: "spark",
        inputs: { ec2Attributes: { subnetId: "subnet-1", instanceProfile: "p" }, releaseLabel: "emr-7.5.0" },
        propertyDependencies: { ec2Attributes: ["private-a"] },
      },
    ],
    failing: {
      subnet: (rs) => (byName(rs, "spark").inputs.ec2Attributes = { instanceProfile: "p" }),
      "private-subnet": (rs) => (byName(rs, "spark").propertyDependencies = { ec2Attributes: ["public-a"] }),
    },
  },
  {
    policy: "emr-block-public-access",
    compliant: [
      {
        type: "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration",
        name: "emr-bpa",
        inputs: { blockPublicSecurityGroupRules: true },
      },
    ],
    failing: { enabled: (rs) => (byName(rs, "emr-bpa").inputs.blockPublicSecurityGroupRules = false) },
  },
  {
    policy: "sagemaker-not-public",
    compliant: [
      {
        type: "aws:sagemaker/notebookInstance:NotebookInstance",
        name: "lab",
        inputs: {
          directInternetAccess: "Disabled",
          rootAccess: "Disabled",
          subnetId: "subnet-1",
          securityGroups: ["sg-1"],
          instanceType: "ml.t3.medium",
        },
      },
      {
        type: "aws:sagemaker/domain:Domain",
        name: "studio",
        inputs: { appNetworkAccessType: "VpcOnly", vpcId: "vpc-1", subnetIds: ["subnet-1"] },
      },
    ],
    failing: {
      "direct-internet": (rs) => (byName(rs, "lab").inputs.directInternetAccess = "Enabled"),
      "in-vpc": (rs) => delete byName(rs, "lab").inputs.subnetId,
      "root-access": (rs) => delete byName(rs, "lab").inputs.rootAccess,
      "domain-vpc-only": (rs) => (byName(rs, "studio").inputs.appNetworkAccessType = "PublicInternetOnly"),
    },
  },
  {
    policy: "sagemaker-network-isolation",
    compliant: [
      {
        type: "aws:sagemaker/model:Model",
        name: "champion",
        inputs: {
          executionRoleArn: "arn:aws:iam::123456789012:role/model",
          primaryContainer: {
            modelPackageName: "arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1",
          },
          enableNetworkIsolation: true,
          vpcConfig: { subnets: ["subnet-1"], securityGroupIds: ["sg-1"] },
        },
      },
      {
        type: "aws:sagemaker/pipeline:Pipeline",
        name: "training",
        inputs: { pipelineName: "training", pipelineDefinition: SAGEMAKER_PIPELINE_DEFINITION },
      },
    ],
    failing: {
      "model-isolated": (rs) => delete byName(rs, "champion").inputs.enableNetworkIsolation,
      "model-vpc": (rs) => delete byName(rs, "champion").inputs.vpcConfig,
      "training-isolated": (rs) =>
        (byName(rs, "training").inputs.pipelineDefinition = mutatePipeline((steps) => {
          steps[1].Arguments.EnableNetworkIsolation = false;
        })),
      "processing-isolated": (rs) =>
        (byName(rs, "training").inputs.pipelineDefinition = mutatePipeline((steps) => {
          delete steps[0].Arguments.NetworkConfig.VpcConfig;
        })),
      "pipeline-model-isolated": (rs) =>
        (byName(rs, "training").inputs.pipelineDefinition = mutatePipeline((steps) => {
          steps[2].Arguments.EnableNetworkIsolation = false;
        })),
    },
  },
  {
    policy: "lambda-no-public-access",
    compliant: [
      {
        type: "aws:lambda/permission:Permission",
        name: "from-bucket",
        inputs: {
          action: "lambda:InvokeFunction",
          function: "f",
          principal: "s3.amazonaws.com",
          sourceArn: "arn:aws:s3:::raw",
          sourceAccount: "123456789012",
        },
      },
      {
        type: "aws:lambda/permission:Permission",
        name: "from-account",
        inputs: { action: "lambda:InvokeFunction", function: "f", principal: "123456789012" },
      },
      {
        type: "aws:lambda/functionUrl:FunctionUrl",
        name: "url",
        inputs: { functionName: "f", authorizationType: "AWS_IAM" },
      },
    ],
    failing: {
      "wildcard-principal": (rs) => (byName(rs, "from-account").inputs.principal = "*"),
      "service-without-source": (rs) => {
        delete byName(rs, "from-bucket").inputs.sourceArn;
        delete byName(rs, "from-bucket").inputs.sourceAccount;
      },
      "function-url-auth": (rs) => (byName(rs, "url").inputs.authorizationType = "NONE"),
    },
  },
  {
    policy: "lambda-in-vpc",
    compliant: [
      {
        type: "aws:lambda/function:Function",
        name: "processor",
        inputs: {
          vpcConfig: { subnetIds: ["subnet-1", "subnet-2"], securityGroupIds: ["sg-1"] },
          runtime: "nodejs22.x",
        },
      },
    ],
    failing: {
      "vpc-config": (rs) => delete byName(rs, "processor").inputs.vpcConfig,
      "multiple-subnets": (rs) => (byName(rs, "processor").inputs.vpcConfig.subnetIds = ["subnet-1"]),
    },
  },
  {
    policy: "s3-public-access-block",
    compliant: [
      { type: "aws:s3/bucket:Bucket", name: "curated", inputs: {} },
      {
        type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        name: "curated-pab",
        inputs: {
          bucket: "curated-1234567",
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
        propertyDependencies: { bucket: ["curated"] },
      },
    ],
    failing: {
      missing: (rs) => (byName(rs, "curated-pab").propertyDependencies = {}),
      "all-blocked": (rs) => (byName(rs, "curated-pab").inputs.restrictPublicBuckets = false),
    },
  },
  {
    policy: "subnet-no-public-ip",
    compliant: [
      {
        type: "aws:ec2/subnet:Subnet",
        name: "public-a",
        inputs: { mapPublicIpOnLaunch: true, tags: { Tier: "public" } },
      },
      {
        type: "aws:ec2/subnet:Subnet",
        name: "private-a",
        inputs: { mapPublicIpOnLaunch: false, tags: { Tier: "private" } },
      },
      { type: "aws:ec2/subnet:Subnet", name: "database-a", inputs: { cidrBlock: "10.0.20.0/24" } },
    ],
    failing: {
      "public-ip-outside-public-tier": (rs) => (byName(rs, "database-a").inputs.mapPublicIpOnLaunch = true),
    },
  },
  {
    policy: "ecs-service-no-public-ip",
    compliant: [
      {
        type: "awsx:ecs:FargateService",
        name: "api",
        inputs: {
          networkConfiguration: {
            subnets: ["subnet-private-a"],
            securityGroups: ["sg-1"],
            assignPublicIp: false,
          },
        },
      },
      {
        type: "aws:ecs/service:Service",
        name: "worker",
        inputs: { networkConfiguration: { subnets: ["subnet-private-a"], assignPublicIp: false } },
      },
    ],
    failing: {
      "public-ip": (rs) => (byName(rs, "api").inputs.networkConfiguration.assignPublicIp = true),
    },
  },
  {
    policy: "cloudfront-waf",
    compliant: [apiEdgeWafFixture(), apiEdgeDistributionFixture()],
    failing: {
      "waf-attached": (rs) => {
        delete byName(rs, "api-edge-distribution").inputs.webAclId;
        byName(rs, "api-edge-distribution").propertyDependencies = {};
      },
      "rate-limit": (rs) => byName(rs, "api-edge-waf").inputs.rules.shift(),
    },
  },
  {
    policy: "flink-application-in-vpc",
    compliant: [flinkApplicationFixture()],
    failing: {
      "vpc-config": (rs) =>
        (byName(rs, "windows").inputs.applicationConfiguration.vpcConfiguration.subnetIds = []),
    },
  },
];

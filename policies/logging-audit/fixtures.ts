import {
  apiEdgeDistributionFixture,
  apiEdgeWafFixture,
  byName,
  flinkApplicationFixture,
  type PolicyFixture,
  without,
} from "../lib/fixtures";

export const fixtures: PolicyFixture[] = [
  {
    policy: "vpc-flow-logs",
    compliant: [
      { type: "aws:ec2/vpc:Vpc", name: "vpc", inputs: { cidrBlock: "10.0.0.0/16" } },
      {
        type: "aws:ec2/flowLog:FlowLog",
        name: "vpc-flow",
        inputs: { vpcId: "vpc-1", trafficType: "ALL", logDestination: "arn" },
        propertyDependencies: { vpcId: ["vpc"] },
      },
      // An awsx VPC as the offline plan records it: one component, the flow log depends on it.
      { type: "awsx:ec2:Vpc", name: "shared", custom: false, inputs: { cidrBlock: "10.1.0.0/16" } },
      {
        type: "aws:ec2/flowLog:FlowLog",
        name: "shared-flow",
        inputs: { vpcId: "vpc-2", trafficType: "ALL" },
        propertyDependencies: { vpcId: ["shared"] },
      },
    ],
    failing: {
      missing: (rs) => without(rs, "shared-flow"),
      "all-traffic": (rs) => (byName(rs, "vpc-flow").inputs.trafficType = "REJECT"),
    },
  },
  {
    policy: "cloudtrail-configured",
    compliant: [
      {
        type: "aws:cloudtrail/trail:Trail",
        name: "audit",
        inputs: {
          isMultiRegionTrail: true,
          enableLogFileValidation: true,
          kmsKeyId: "arn:aws:kms:us-east-1:1:key/k",
          s3BucketName: "trail",
          cloudWatchLogsGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:trail:*",
          cloudWatchLogsRoleArn: "arn:aws:iam::123456789012:role/trail-logs",
        },
      },
    ],
    failing: {
      "multi-region": (rs) => (byName(rs, "audit").inputs.isMultiRegionTrail = false),
      "log-validation": (rs) => delete byName(rs, "audit").inputs.enableLogFileValidation,
      kms: (rs) => delete byName(rs, "audit").inputs.kmsKeyId,
      "cloudwatch-logs": (rs) => delete byName(rs, "audit").inputs.cloudWatchLogsGroupArn,
    },
  },
  {
    policy: "config-recorder-enabled",
    compliant: [
      {
        type: "aws:cfg/recorder:Recorder",
        name: "recorder",
        inputs: { roleArn: "r", recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } },
      },
      {
        type: "aws:cfg/recorderStatus:RecorderStatus",
        name: "recorder-status",
        inputs: { name: "recorder", isEnabled: true },
      },
    ],
    failing: {
      "all-supported": (rs) =>
        (byName(rs, "recorder").inputs.recordingGroup = {
          allSupported: false,
          resourceTypes: ["AWS::S3::Bucket"],
        }),
      enabled: (rs) => (byName(rs, "recorder-status").inputs.isEnabled = false),
    },
  },
  {
    policy: "guardduty-enabled",
    compliant: [{ type: "aws:guardduty/detector:Detector", name: "detector", inputs: { enable: true } }],
    failing: { enabled: (rs) => (byName(rs, "detector").inputs.enable = false) },
  },
  {
    policy: "security-baseline-present",
    project: "data-platform",
    compliant: [
      { type: "aws:cloudtrail/trail:Trail", name: "audit", inputs: {} },
      { type: "aws:cfg/recorder:Recorder", name: "recorder", inputs: {} },
      { type: "aws:guardduty/detector:Detector", name: "detector", inputs: { enable: true } },
    ],
    failing: {
      cloudtrail: (rs) => without(rs, "audit"),
      "config-recorder": (rs) => without(rs, "recorder"),
      guardduty: (rs) => without(rs, "detector"),
    },
  },
  {
    policy: "redshift-audit-logging",
    compliant: [
      { type: "aws:redshift/cluster:Cluster", name: "warehouse", inputs: { nodeType: "ra3.xlplus" } },
      {
        type: "aws:redshift/logging:Logging",
        name: "warehouse-logging",
        inputs: {
          clusterIdentifier: "warehouse-1234567",
          logDestinationType: "cloudwatch",
          logExports: ["connectionlog", "userlog", "useractivitylog"],
        },
        propertyDependencies: { clusterIdentifier: ["warehouse"] },
      },
      {
        type: "aws:redshiftserverless/namespace:Namespace",
        name: "adhoc",
        inputs: { namespaceName: "adhoc", logExports: ["useractivitylog", "userlog", "connectionlog"] },
      },
    ],
    failing: {
      "cluster-logging": (rs) => without(rs, "warehouse-logging"),
      "namespace-log-exports": (rs) => (byName(rs, "adhoc").inputs.logExports = ["userlog"]),
    },
  },
  {
    policy: "sfn-logging",
    compliant: [
      {
        type: "aws:sfn/stateMachine:StateMachine",
        name: "nightly",
        inputs: {
          loggingConfiguration: {
            level: "ERROR",
            includeExecutionData: true,
            logDestination: "arn:aws:logs:us-east-1:1:log-group:sfn:*",
          },
        },
      },
    ],
    failing: { logging: (rs) => (byName(rs, "nightly").inputs.loggingConfiguration.level = "OFF") },
  },
  {
    policy: "log-group-retention",
    config: { minimumDays: 30 },
    compliant: [{ type: "aws:cloudwatch/logGroup:LogGroup", name: "app", inputs: { retentionInDays: 30 } }],
    failing: { retention: (rs) => (byName(rs, "app").inputs.retentionInDays = 0) },
  },
  {
    policy: "lb-access-logs",
    compliant: [
      {
        type: "awsx:lb:ApplicationLoadBalancer",
        name: "api-alb",
        inputs: { accessLogs: { bucket: "alb-logs-1", prefix: "alb", enabled: true } },
      },
      {
        type: "aws:lb/loadBalancer:LoadBalancer",
        name: "internal-alb",
        inputs: { loadBalancerType: "application", accessLogs: { bucket: "alb-logs-1", enabled: true } },
      },
      { type: "aws:lb/loadBalancer:LoadBalancer", name: "nlb", inputs: { loadBalancerType: "network" } },
    ],
    failing: { enabled: (rs) => (byName(rs, "api-alb").inputs.accessLogs.enabled = false) },
  },
  {
    policy: "cloudfront-logging",
    compliant: [
      apiEdgeWafFixture(),
      apiEdgeDistributionFixture(),
      {
        type: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        name: "api-edge-waf-logging",
        inputs: {
          resourceArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/api-edge/1",
          logDestinationConfigs: ["arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-api"],
        },
        propertyDependencies: { resourceArn: ["api-edge-waf"] },
      },
      {
        type: "aws:cloudwatch/logDeliverySource:LogDeliverySource",
        name: "api-edge-access-log-source",
        inputs: {
          logType: "ACCESS_LOGS",
          resourceArn: "arn:aws:cloudfront::123456789012:distribution/E1",
        },
        propertyDependencies: { resourceArn: ["api-edge-distribution"] },
      },
      {
        type: "aws:cloudwatch/logDelivery:LogDelivery",
        name: "api-edge-access-log-delivery",
        inputs: {
          deliverySourceName: "api-edge-access-log-source-1234567",
          deliveryDestinationArn: "arn:aws:logs:us-east-1:123456789012:delivery-destination:api",
        },
        propertyDependencies: { deliverySourceName: ["api-edge-access-log-source"] },
      },
    ],
    failing: {
      "access-logs": (rs) => without(rs, "api-edge-access-log-delivery"),
      "waf-logging": (rs) => without(rs, "api-edge-waf-logging"),
    },
  },
  {
    policy: "flink-application-logging",
    compliant: [flinkApplicationFixture()],
    failing: {
      "cloudwatch-logging": (rs) => delete byName(rs, "windows").inputs.cloudwatchLoggingOptions,
    },
  },
];

import { apiEdgeDistributionFixture, byName, type PolicyFixture } from "../lib/fixtures";

const tlsOnly = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::raw-1234567", "arn:aws:s3:::raw-1234567/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
};

export const fixtures: PolicyFixture[] = [
  {
    policy: "s3-bucket-tls-only",
    compliant: [
      { type: "aws:s3/bucket:Bucket", name: "raw", inputs: {} },
      {
        type: "aws:s3/bucketPolicy:BucketPolicy",
        name: "raw-policy",
        inputs: { bucket: "raw-1234567", policy: JSON.stringify(tlsOnly) },
        propertyDependencies: { bucket: ["raw"], policy: ["raw"] },
      },
    ],
    failing: {
      missing: (rs) => (byName(rs, "raw-policy").propertyDependencies = { bucket: [] }),
      "deny-insecure-transport": (rs) => {
        const doc = structuredClone(tlsOnly);
        doc.Statement[0].Condition.Bool["aws:SecureTransport"] = "true";
        byName(rs, "raw-policy").inputs.policy = JSON.stringify(doc);
      },
    },
  },
  {
    policy: "redshift-require-ssl",
    compliant: [
      {
        type: "aws:redshift/parameterGroup:ParameterGroup",
        name: "warehouse-params",
        inputs: {
          family: "redshift-1.0",
          parameters: [
            { name: "require_ssl", value: "true" },
            { name: "enable_user_activity_logging", value: "true" },
          ],
        },
      },
      {
        type: "aws:redshift/cluster:Cluster",
        name: "warehouse",
        inputs: { clusterParameterGroupName: "warehouse-params-1234567", nodeType: "ra3.xlplus" },
        propertyDependencies: { clusterParameterGroupName: ["warehouse-params"] },
      },
    ],
    failing: {
      "parameter-group": (rs) => {
        byName(rs, "warehouse").inputs.clusterParameterGroupName = "default.redshift-1.0";
        byName(rs, "warehouse").propertyDependencies = {};
      },
      "require-ssl": (rs) => (byName(rs, "warehouse-params").inputs.parameters[0].value = "false"),
    },
  },
  {
    policy: "elasticache-in-transit",
    compliant: [
      {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        name: "cache",
        inputs: {
          transitEncryptionEnabled: true,
          transitEncryptionMode: "required",
          description: "serving cache",
        },
      },
    ],
    failing: {
      "transit-encryption": (rs) => (byName(rs, "cache").inputs.transitEncryptionEnabled = false),
      required: (rs) => (byName(rs, "cache").inputs.transitEncryptionMode = "preferred"),
    },
  },
  {
    policy: "emr-encryption-in-transit",
    compliant: [
      {
        type: "aws:emr/securityConfiguration:SecurityConfiguration",
        name: "emr-security",
        inputs: {
          configuration: JSON.stringify({
            EncryptionConfiguration: {
              EnableAtRestEncryption: true,
              EnableInTransitEncryption: true,
              InTransitEncryptionConfiguration: {
                TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: "s3://c/x.zip" },
              },
            },
          }),
        },
      },
    ],
    failing: {
      "in-transit": (rs) =>
        (byName(rs, "emr-security").inputs.configuration = JSON.stringify({
          EncryptionConfiguration: { EnableInTransitEncryption: false },
        })),
    },
  },
  {
    policy: "lb-listener-https",
    compliant: [
      {
        type: "aws:lb/listener:Listener",
        name: "https",
        inputs: {
          protocol: "HTTPS",
          port: 443,
          sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
          certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
          defaultActions: [{ type: "forward", targetGroupArn: "tg" }],
        },
      },
      {
        type: "aws:lb/listener:Listener",
        name: "http-redirect",
        inputs: {
          protocol: "HTTP",
          port: 80,
          defaultActions: [
            { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
          ],
        },
      },
      {
        type: "awsx:lb:ApplicationLoadBalancer",
        name: "api-alb",
        inputs: {
          listeners: [
            {
              port: 443,
              protocol: "HTTPS",
              sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
              certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
            },
            {
              port: 80,
              protocol: "HTTP",
              defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443" } }],
            },
          ],
        },
      },
    ],
    failing: {
      "https-only": (rs) =>
        (byName(rs, "http-redirect").inputs.defaultActions = [{ type: "forward", targetGroupArn: "tg" }]),
      // ELBSecurityPolicy-2016-08 accepts TLS 1.0 (and is what ELB applies when none is set).
      "tls-1-2": (rs) =>
        ((byName(rs, "api-alb").inputs.listeners as { sslPolicy?: string }[])[0].sslPolicy =
          "ELBSecurityPolicy-2016-08"),
    },
  },
  {
    policy: "cloudfront-tls",
    compliant: [apiEdgeDistributionFixture(false)],
    failing: {
      "viewer-tls-1-2": (rs) =>
        (byName(rs, "api-edge-distribution").inputs.viewerCertificate.minimumProtocolVersion =
          "TLSv1.2_2019"),
      "viewer-https": (rs) =>
        (byName(rs, "api-edge-distribution").inputs.orderedCacheBehaviors[0].viewerProtocolPolicy =
          "allow-all"),
      "origin-https-only": (rs) =>
        (byName(rs, "api-edge-distribution").inputs.origins[0].customOriginConfig.originProtocolPolicy =
          "match-viewer"),
    },
  },
  {
    policy: "quicksight-data-source-ssl",
    compliant: [
      {
        type: "aws:quicksight/dataSource:DataSource",
        name: "orders-quicksight-athena",
        inputs: {
          dataSourceId: "orders-prod-athena",
          name: "orders lake",
          type: "ATHENA",
          parameters: { athena: { workGroup: "analytics-1234567" } },
          sslProperties: { disableSsl: false },
        },
      },
    ],
    failing: {
      ssl: (rs) => (byName(rs, "orders-quicksight-athena").inputs.sslProperties.disableSsl = true),
    },
  },
];

import {
  byName,
  flinkApplicationFixture,
  mutatePipeline,
  type PolicyFixture,
  SAGEMAKER_PIPELINE_DEFINITION,
  without,
} from "../lib/fixtures";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4000-8000-000000000001";
const KEY_ARN_INPUT = KEY;

export const fixtures: PolicyFixture[] = [
  {
    policy: "s3-bucket-sse-kms",
    compliant: [
      { type: "aws:s3/bucket:Bucket", name: "raw", inputs: { forceDestroy: false } },
      { type: "aws:kms/key:Key", name: "lake-key", inputs: { enableKeyRotation: true } },
      {
        type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        name: "raw-sse",
        inputs: {
          bucket: "raw-1234567",
          rules: [
            {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY },
              bucketKeyEnabled: true,
            },
          ],
        },
        propertyDependencies: { bucket: ["raw"], rules: ["lake-key"] },
      },
      // An access-log target bucket: S3 delivers server access logs only to SSE-S3 buckets.
      { type: "aws:s3/bucket:Bucket", name: "access-logs", inputs: {} },
      {
        type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        name: "access-logs-sse",
        inputs: {
          bucket: "access-logs-1",
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        },
        propertyDependencies: { bucket: ["access-logs"] },
      },
      {
        type: "aws:s3/bucketLogging:BucketLogging",
        name: "raw-logging",
        inputs: { bucket: "raw-1234567", targetBucket: "access-logs-1", targetPrefix: "raw/" },
        propertyDependencies: { bucket: ["raw"], targetBucket: ["access-logs"] },
      },
      // A load balancer access-log bucket: Elastic Load Balancing delivers only to SSE-S3 buckets.
      { type: "aws:s3/bucket:Bucket", name: "alb-logs", inputs: {} },
      {
        type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        name: "alb-logs-sse",
        inputs: {
          bucket: "alb-logs-1",
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        },
        propertyDependencies: { bucket: ["alb-logs"] },
      },
      {
        type: "awsx:lb:ApplicationLoadBalancer",
        name: "api-alb",
        inputs: { accessLogs: { bucket: "alb-logs-1", prefix: "alb", enabled: true } },
        propertyDependencies: { accessLogs: ["alb-logs"] },
      },
    ],
    failing: {
      // Matched by property dependency: a configuration naming the bucket by a literal does not count.
      missing: (rs) => (byName(rs, "raw-sse").propertyDependencies = { bucket: [] }),
      "sse-kms": (rs) =>
        (byName(rs, "raw-sse").inputs.rules[0].applyServerSideEncryptionByDefault = {
          sseAlgorithm: "AES256",
        }),
      "customer-key": (rs) =>
        delete byName(rs, "raw-sse").inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId,
    },
  },
  {
    policy: "kinesis-stream-encrypted",
    compliant: [
      {
        type: "aws:kinesis/stream:Stream",
        name: "events",
        inputs: { encryptionType: "KMS", kmsKeyId: KEY, retentionPeriod: 168 },
      },
    ],
    failing: {
      kms: (rs) => (byName(rs, "events").inputs.encryptionType = "NONE"),
      "customer-key": (rs) => (byName(rs, "events").inputs.kmsKeyId = "alias/aws/kinesis"),
    },
  },
  {
    policy: "firehose-encrypted",
    compliant: [
      {
        type: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        name: "to-raw",
        inputs: {
          destination: "extended_s3",
          serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: KEY },
          extendedS3Configuration: {
            bucketArn: "arn:aws:s3:::raw",
            roleArn: "arn:aws:iam::123456789012:role/fh",
            kmsKeyArn: KEY,
          },
        },
      },
      {
        type: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        name: "from-stream",
        inputs: {
          destination: "extended_s3",
          kinesisSourceConfiguration: {
            kinesisStreamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/events",
            roleArn: "r",
          },
          extendedS3Configuration: { bucketArn: "arn:aws:s3:::raw", roleArn: "r", kmsKeyArn: KEY },
        },
      },
    ],
    failing: {
      sse: (rs) =>
        (byName(rs, "to-raw").inputs.serverSideEncryption = { enabled: true, keyType: "AWS_OWNED_CMK" }),
      "destination-kms": (rs) => delete byName(rs, "from-stream").inputs.extendedS3Configuration.kmsKeyArn,
    },
  },
  {
    policy: "dynamodb-table-cmk",
    compliant: [
      {
        type: "aws:dynamodb/table:Table",
        name: "orders",
        inputs: { serverSideEncryption: { enabled: true, kmsKeyArn: KEY } },
      },
    ],
    failing: {
      "customer-key": (rs) => (byName(rs, "orders").inputs.serverSideEncryption = { enabled: true }),
    },
  },
  {
    policy: "sqs-queue-encrypted",
    compliant: [
      { type: "aws:sqs/queue:Queue", name: "dlq", inputs: { kmsMasterKeyId: KEY } },
      { type: "aws:sqs/queue:Queue", name: "events", inputs: { sqsManagedSseEnabled: true } },
    ],
    failing: { encrypted: (rs) => (byName(rs, "events").inputs.sqsManagedSseEnabled = false) },
  },
  {
    policy: "sns-topic-encrypted",
    compliant: [{ type: "aws:sns/topic:Topic", name: "alarms", inputs: { kmsMasterKeyId: KEY } }],
    failing: { kms: (rs) => delete byName(rs, "alarms").inputs.kmsMasterKeyId },
  },
  {
    policy: "log-group-encrypted",
    compliant: [
      {
        type: "aws:cloudwatch/logGroup:LogGroup",
        name: "flow-logs",
        inputs: { kmsKeyId: KEY, retentionInDays: 365 },
      },
    ],
    failing: { kms: (rs) => delete byName(rs, "flow-logs").inputs.kmsKeyId },
  },
  {
    policy: "redshift-encrypted",
    compliant: [
      {
        type: "aws:redshift/cluster:Cluster",
        name: "warehouse",
        inputs: { encrypted: "true", kmsKeyId: KEY, nodeType: "ra3.xlplus" },
      },
      {
        type: "aws:redshiftserverless/namespace:Namespace",
        name: "adhoc",
        inputs: { namespaceName: "adhoc", kmsKeyId: KEY },
      },
    ],
    failing: {
      encrypted: (rs) => (byName(rs, "warehouse").inputs.encrypted = "false"),
      "customer-key": (rs) => delete byName(rs, "adhoc").inputs.kmsKeyId,
    },
  },
  {
    policy: "emr-encryption-at-rest",
    compliant: [
      {
        type: "aws:emr/securityConfiguration:SecurityConfiguration",
        name: "emr-security",
        inputs: {
          configuration: JSON.stringify({
            EncryptionConfiguration: {
              EnableAtRestEncryption: true,
              EnableInTransitEncryption: true,
              AtRestEncryptionConfiguration: {
                S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: KEY },
                LocalDiskEncryptionConfiguration: {
                  EncryptionKeyProviderType: "AwsKms",
                  AwsKmsKey: KEY,
                  EnableEbsEncryption: true,
                },
              },
              InTransitEncryptionConfiguration: {
                TLSCertificateConfiguration: {
                  CertificateProviderType: "PEM",
                  S3Object: "s3://certs/emr.zip",
                },
              },
            },
          }),
        },
      },
      {
        type: "aws:emr/cluster:Cluster",
        name: "spark",
        inputs: { securityConfiguration: "emr-security-abc1234", releaseLabel: "emr-7.5.0" },
      },
    ],
    failing: {
      "cluster-security-configuration": (rs) => delete byName(rs, "spark").inputs.securityConfiguration,
      "at-rest": (rs) => editEmr(rs, (c) => (c.EncryptionConfiguration.EnableAtRestEncryption = false)),
      s3: (rs) =>
        editEmr(
          rs,
          (c) =>
            (c.EncryptionConfiguration.AtRestEncryptionConfiguration.S3EncryptionConfiguration.EncryptionMode =
              "SSE-S3"),
        ),
      "local-disk": (rs) =>
        editEmr(
          rs,
          (c) =>
            delete c.EncryptionConfiguration.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration,
        ),
      ebs: (rs) =>
        editEmr(
          rs,
          (c) =>
            (c.EncryptionConfiguration.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration.EnableEbsEncryption = false),
        ),
    },
  },
  {
    policy: "glue-security-configuration-encrypted",
    compliant: [
      {
        type: "aws:glue/securityConfiguration:SecurityConfiguration",
        name: "glue-security",
        inputs: {
          encryptionConfiguration: {
            s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: KEY },
            cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KEY },
            jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KEY },
          },
        },
      },
      {
        type: "aws:glue/job:Job",
        name: "curate",
        inputs: { securityConfiguration: "glue-security-1234567", roleArn: "r" },
      },
      {
        type: "aws:glue/crawler:Crawler",
        name: "raw-crawler",
        inputs: { securityConfiguration: "glue-security-1234567" },
      },
    ],
    failing: {
      "uses-security-configuration": (rs) => delete byName(rs, "raw-crawler").inputs.securityConfiguration,
      s3: (rs) =>
        (byName(rs, "glue-security").inputs.encryptionConfiguration.s3Encryption = {
          s3EncryptionMode: "DISABLED",
        }),
      cloudwatch: (rs) =>
        (byName(rs, "glue-security").inputs.encryptionConfiguration.cloudwatchEncryption = {
          cloudwatchEncryptionMode: "DISABLED",
        }),
      "job-bookmarks": (rs) =>
        (byName(rs, "glue-security").inputs.encryptionConfiguration.jobBookmarksEncryption = {
          jobBookmarksEncryptionMode: "DISABLED",
        }),
    },
  },
  {
    policy: "glue-catalog-encrypted",
    compliant: [
      {
        type: "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
        name: "catalog",
        inputs: {
          dataCatalogEncryptionSettings: {
            encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: KEY },
            connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: KEY },
          },
        },
      },
    ],
    failing: {
      metadata: (rs) =>
        (byName(rs, "catalog").inputs.dataCatalogEncryptionSettings.encryptionAtRest = {
          catalogEncryptionMode: "DISABLED",
        }),
      "connection-passwords": (rs) =>
        (byName(rs, "catalog").inputs.dataCatalogEncryptionSettings.connectionPasswordEncryption = {
          returnConnectionPasswordEncrypted: false,
        }),
    },
  },
  {
    policy: "athena-workgroup-encrypted",
    compliant: [
      {
        type: "aws:athena/workgroup:Workgroup",
        name: "analysts",
        inputs: {
          configuration: {
            enforceWorkgroupConfiguration: true,
            resultConfiguration: {
              outputLocation: "s3://results/",
              encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: KEY },
            },
          },
        },
      },
    ],
    failing: {
      "results-kms": (rs) =>
        (byName(rs, "analysts").inputs.configuration.resultConfiguration.encryptionConfiguration = {
          encryptionOption: "SSE_S3",
        }),
      enforced: (rs) => (byName(rs, "analysts").inputs.configuration.enforceWorkgroupConfiguration = false),
    },
  },
  {
    policy: "sagemaker-encrypted",
    compliant: [
      {
        type: "aws:sagemaker/featureGroup:FeatureGroup",
        name: "customer-features",
        inputs: {
          offlineStoreConfig: { s3StorageConfig: { s3Uri: "s3://curated/features", kmsKeyId: KEY } },
          onlineStoreConfig: { enableOnlineStore: true, securityConfig: { kmsKeyId: KEY } },
        },
      },
      {
        type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
        name: "churn",
        inputs: {
          kmsKeyArn: KEY,
          productionVariants: [],
          dataCaptureConfig: {
            enableCapture: true,
            initialSamplingPercentage: 20,
            destinationS3Uri: "s3://raw/capture/",
            kmsKeyId: KEY,
            captureOptions: [{ captureMode: "Input" }],
          },
        },
      },
      {
        type: "aws:sagemaker/domain:Domain",
        name: "studio",
        inputs: { appNetworkAccessType: "VpcOnly", kmsKeyId: KEY },
      },
      {
        type: "aws:sagemaker/pipeline:Pipeline",
        name: "training",
        inputs: { pipelineName: "training", pipelineDefinition: SAGEMAKER_PIPELINE_DEFINITION },
      },
      {
        type: "aws:sagemaker/notebookInstance:NotebookInstance",
        name: "lab",
        inputs: { kmsKeyId: KEY, instanceType: "ml.t3.medium" },
      },
    ],
    failing: {
      "offline-store": (rs) =>
        delete byName(rs, "customer-features").inputs.offlineStoreConfig.s3StorageConfig.kmsKeyId,
      "online-store": (rs) => delete byName(rs, "customer-features").inputs.onlineStoreConfig.securityConfig,
      endpoint: (rs) => delete byName(rs, "churn").inputs.kmsKeyArn,
      "data-capture": (rs) => delete byName(rs, "churn").inputs.dataCaptureConfig.kmsKeyId,
      domain: (rs) => delete byName(rs, "studio").inputs.kmsKeyId,
      "pipeline-jobs": (rs) =>
        (byName(rs, "training").inputs.pipelineDefinition = mutatePipeline((steps) => {
          delete steps[1].Arguments.ResourceConfig.VolumeKmsKeyId;
        })),
      notebook: (rs) => delete byName(rs, "lab").inputs.kmsKeyId,
    },
  },
  {
    policy: "elasticache-encrypted",
    compliant: [
      {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        name: "cache",
        inputs: {
          atRestEncryptionEnabled: true,
          kmsKeyId: KEY,
          transitEncryptionEnabled: true,
          description: "serving cache",
        },
      },
    ],
    failing: {
      "at-rest": (rs) => (byName(rs, "cache").inputs.atRestEncryptionEnabled = false),
      "customer-key": (rs) => delete byName(rs, "cache").inputs.kmsKeyId,
    },
  },
  {
    policy: "secret-cmk",
    compliant: [
      { type: "aws:secretsmanager/secret:Secret", name: "warehouse-admin", inputs: { kmsKeyId: KEY } },
    ],
    failing: { "customer-key": (rs) => delete byName(rs, "warehouse-admin").inputs.kmsKeyId },
  },
  {
    policy: "backup-vault-cmk",
    compliant: [{ type: "aws:backup/vault:Vault", name: "vault", inputs: { kmsKeyArn: KEY_ARN_INPUT } }],
    failing: { "customer-key": (rs) => delete byName(rs, "vault").inputs.kmsKeyArn },
  },
  {
    policy: "mwaa-encrypted",
    compliant: [
      {
        type: "aws:mwaa/environment:Environment",
        name: "airflow",
        inputs: { kmsKey: KEY, webserverAccessMode: "PRIVATE_ONLY" },
      },
    ],
    failing: { "customer-key": (rs) => delete byName(rs, "airflow").inputs.kmsKey },
  },
  {
    policy: "sfn-state-machine-encrypted",
    compliant: [
      {
        type: "aws:sfn/stateMachine:StateMachine",
        name: "nightly",
        inputs: {
          encryptionConfiguration: {
            type: "CUSTOMER_MANAGED_KMS_KEY",
            kmsKeyId: KEY,
            kmsDataKeyReusePeriodSeconds: 300,
          },
        },
      },
    ],
    failing: {
      "customer-key": (rs) =>
        (byName(rs, "nightly").inputs.encryptionConfiguration = { type: "AWS_OWNED_KEY" }),
    },
  },
  {
    policy: "flink-application-encrypted",
    compliant: [flinkApplicationFixture()],
    failing: {
      "customer-key": (rs) =>
        (byName(rs, "windows").inputs.applicationConfiguration.applicationEncryptionConfiguration = {
          keyType: "SERVICE_MANAGED_KEY",
        }),
    },
  },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function editEmr(rs: Parameters<typeof without>[0], edit: (c: any) => void): void {
  const r = byName(rs, "emr-security");
  const c = JSON.parse(r.inputs.configuration);
  edit(c);
  r.inputs.configuration = JSON.stringify(c);
}

/**
 * Fixtures for policy tests: a few resources written by name, turned into the preview document
 * the offline plan writes (URNs, an explicit tagged AWS provider, property dependencies), so the
 * fixture tests run the policies exactly as `npm run check` does.
 */
import type { PlanResource } from "../runner/analyze";

export interface FixtureResource {
  readonly type: string;
  readonly name: string;
  inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Default true. */
  readonly custom?: boolean;
  /** Name of the parent fixture resource; default the stack. */
  readonly parent?: string;
  /** Name of the provider fixture resource; default the tagged `aws` provider. */
  provider?: string;
  /** Property name → names of the fixture resources it depends on. */
  propertyDependencies?: Record<string, string[]>;
}

/** A policy's compliant baseline and one mutation per rule that must make it fail. */
export interface PolicyFixture {
  readonly policy: string;
  /** Policy config properties (besides the schema defaults). */
  readonly config?: Record<string, unknown>;
  /** Project name of the fixture stack (policies scoped to a project read it). */
  readonly project?: string;
  readonly compliant: FixtureResource[];
  /** Rule id → mutation of a deep copy of `compliant`. */
  readonly failing: Record<string, (resources: FixtureResource[]) => void>;
}

export const FIXTURE_STACK = "test";
export const FIXTURE_DEFAULT_TAGS = {
  Environment: "test",
  Domain: "fixtures",
  Owner: "policy-team",
  CostCenter: "cc-0000",
  ManagedBy: "pulumi",
};

/** The fixture resource called `name` (throws when missing, so a typo fails the test). */
export function byName(resources: FixtureResource[], name: string): FixtureResource {
  const r = resources.find((x) => x.name === name);
  if (!r) throw new Error(`fixture has no resource named ${name}`);
  return r;
}

/** Removes the fixture resource called `name`. */
export function without(resources: FixtureResource[], name: string): void {
  const i = resources.findIndex((x) => x.name === name);
  if (i < 0) throw new Error(`fixture has no resource named ${name}`);
  resources.splice(i, 1);
}

/** The resources of a fixture stack, as `resourcesOfDocument` returns them for a preview document. */
export function fixtureResources(resources: FixtureResource[], project = "fixture"): PlanResource[] {
  const prefix = `urn:pulumi:${FIXTURE_STACK}::${project}::`;
  const stackUrn = `${prefix}pulumi:pulumi:Stack::${project}-${FIXTURE_STACK}`;
  const all: FixtureResource[] = [
    {
      type: "pulumi:providers:aws",
      name: "aws",
      inputs: { region: "us-east-1", defaultTags: JSON.stringify({ tags: FIXTURE_DEFAULT_TAGS }) },
    },
    ...resources,
  ];
  const urnOf = new Map<string, string>();
  for (const r of all) urnOf.set(r.name, `${prefix}${r.type}::${r.name}`);
  const urn = (name: string) => {
    const u = urnOf.get(name);
    if (!u) throw new Error(`fixture refers to unknown resource ${name}`);
    return u;
  };
  const out: PlanResource[] = [
    { urn: stackUrn, type: "pulumi:pulumi:Stack", custom: false, inputs: {}, op: "create" },
  ];
  for (const r of all) {
    const custom = r.custom ?? true;
    const isProvider = r.type.startsWith("pulumi:providers:");
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, names] of Object.entries(r.propertyDependencies ?? {}))
      propertyDependencies[k] = names.map(urn);
    out.push({
      urn: urn(r.name),
      type: r.type,
      custom,
      parent: r.parent ? urn(r.parent) : stackUrn,
      ...(custom && !isProvider ? { provider: `${urn(r.provider ?? "aws")}::0000-fixture` } : {}),
      inputs: structuredClone(r.inputs),
      dependencies: [...new Set(Object.values(propertyDependencies).flat())],
      propertyDependencies,
      op: "create",
    });
  }
  return out;
}

/** A pipeline step as fixtures mutate it (free-form JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PipelineStepFixture = any;

/** A compliant SageMaker pipeline definition: processing, training, model and transform steps, isolated in the VPC, KMS everywhere. */
export function sagemakerPipelineSteps(): PipelineStepFixture[] {
  const key = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4000-8000-000000000009";
  const vpc = { Subnets: ["subnet-1"], SecurityGroupIds: ["sg-1"] };
  return [
    {
      Name: "Prepare",
      Type: "Processing",
      Arguments: {
        ProcessingResources: {
          ClusterConfig: {
            InstanceCount: 1,
            InstanceType: "ml.m5.large",
            VolumeSizeInGB: 30,
            VolumeKmsKeyId: key,
          },
        },
        ProcessingOutputConfig: { KmsKeyId: key, Outputs: [] },
        NetworkConfig: { EnableNetworkIsolation: true, VpcConfig: vpc },
      },
    },
    {
      Name: "Train",
      Type: "Training",
      Arguments: {
        ResourceConfig: {
          InstanceCount: 1,
          InstanceType: "ml.m5.large",
          VolumeSizeInGB: 30,
          VolumeKmsKeyId: key,
        },
        OutputDataConfig: { S3OutputPath: "s3://artifacts/models/", KmsKeyId: key },
        EnableNetworkIsolation: true,
        VpcConfig: vpc,
      },
    },
    {
      Name: "CreateModel",
      Type: "Model",
      Arguments: {
        PrimaryContainer: { ModelPackageName: { Get: "Parameters.ModelPackageArn" } },
        EnableNetworkIsolation: true,
        VpcConfig: vpc,
      },
    },
    {
      Name: "Transform",
      Type: "Transform",
      Arguments: {
        ModelName: { Get: "Steps.CreateModel.ModelName" },
        TransformOutput: { S3OutputPath: "s3://curated/predictions/", KmsKeyId: key },
        TransformResources: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeKmsKeyId: key },
      },
    },
  ];
}

/** The compliant pipeline definition, as the `pipelineDefinition` JSON string. */
export const SAGEMAKER_PIPELINE_DEFINITION = JSON.stringify({
  Version: "2020-12-01",
  Steps: sagemakerPipelineSteps(),
});

/** The compliant definition with one mutation applied to its steps. */
export function mutatePipeline(mutate: (steps: PipelineStepFixture[]) => void): string {
  const steps = sagemakerPipelineSteps();
  mutate(steps);
  return JSON.stringify({ Version: "2020-12-01", Steps: steps });
}

/**
 * A compliant Managed Service for Apache Flink application (as FlinkSqlApplication declares it):
 * in the VPC, logging to a stream, checkpointing, snapshots, a customer managed key.
 */
export function flinkApplicationFixture(name = "windows"): {
  type: string;
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inputs: any;
} {
  return {
    type: "aws:kinesisanalyticsv2/application:Application",
    name,
    inputs: {
      runtimeEnvironment: "FLINK-1_20",
      serviceExecutionRole: "arn:aws:iam::123456789012:role/flink",
      applicationConfiguration: {
        applicationCodeConfiguration: {
          codeContentType: "ZIPFILE",
          codeContent: {
            s3ContentLocation: { bucketArn: "arn:aws:s3:::artifacts", fileKey: "flink/app.zip" },
          },
        },
        applicationEncryptionConfiguration: {
          keyType: "CUSTOMER_MANAGED_KEY",
          keyId: "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4000-8000-000000000010",
        },
        applicationSnapshotConfiguration: { snapshotsEnabled: true },
        flinkApplicationConfiguration: {
          checkpointConfiguration: {
            configurationType: "CUSTOM",
            checkpointingEnabled: true,
            checkpointInterval: 60000,
          },
          parallelismConfiguration: { configurationType: "CUSTOM", parallelism: 1, autoScalingEnabled: true },
        },
        vpcConfiguration: { subnetIds: ["subnet-1", "subnet-2"], securityGroupIds: ["sg-1"] },
      },
      cloudwatchLoggingOptions: {
        logStreamArn: "arn:aws:logs:us-east-1:123456789012:log-group:flink:log-stream:app",
      },
    },
  };
}

/** A compliant CloudFront web ACL as the API edge declares it: a per-IP rate rule, then AWS managed rules. */
export function apiEdgeWafFixture(): FixtureResource {
  return {
    type: "aws:wafv2/webAcl:WebAcl",
    name: "api-edge-waf",
    inputs: {
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      rules: [
        {
          name: "rate-limit-per-ip",
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP" } },
        },
        {
          name: "AWSManagedRulesCommonRuleSet",
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesCommonRuleSet" },
          },
        },
      ],
    },
  };
}

/**
 * A compliant API edge distribution (components/api/edge.ts): HTTPS-only TLS 1.2 origin, HTTPS
 * viewers with `TLSv1.2_2021`, the web ACL attached (with `withWaf`, depending on `apiEdgeWafFixture`).
 */
export function apiEdgeDistributionFixture(withWaf = true): FixtureResource {
  return {
    type: "aws:cloudfront/distribution:Distribution",
    name: "api-edge-distribution",
    inputs: {
      enabled: true,
      aliases: ["api.example.com"],
      webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/api-edge/1",
      origins: [
        {
          originId: "api-load-balancer",
          domainName: "origin.api.example.com",
          customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: "https-only",
            originSslProtocols: ["TLSv1.2"],
          },
        },
      ],
      defaultCacheBehavior: { targetOriginId: "api-load-balancer", viewerProtocolPolicy: "https-only" },
      orderedCacheBehaviors: [
        {
          pathPattern: "/v1/*/items/*",
          targetOriginId: "api-load-balancer",
          viewerProtocolPolicy: "https-only",
        },
      ],
      viewerCertificate: {
        acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/1",
        sslSupportMethod: "sni-only",
        minimumProtocolVersion: "TLSv1.2_2021",
      },
    },
    ...(withWaf ? { propertyDependencies: { webAclId: ["api-edge-waf"] } } : {}),
  };
}

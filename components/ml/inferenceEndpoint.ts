import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MetricSpec } from "../lake/metrics";
import { AlarmSet, type AlarmRule } from "../observability/alarmSet";
import {
  ECR_AUTH_ACTIONS,
  ECR_PULL_ACTIONS,
  INVOKE_ENDPOINT_ACTIONS,
  KEY_DATA_ACTIONS,
  LOG_ACTIONS,
  METRIC_ACTIONS,
  VPC_ACCESS_ACTIONS,
} from "./perms";
import { document, listUnder, objectsUnder, trustPolicy } from "./policies";

/** One production variant of the A/B test. */
export interface VariantArgs {
  /** Variant name (letters, digits, hyphens; the API's `X-Model-Variant`). Required. */
  readonly name: string;
  /** The approved model package version it serves (an ARN in the model registry). Required. */
  readonly modelPackageArn: pulumi.Input<string>;
  /** Share of traffic in percent; the weights of all variants sum to 100. Required. */
  readonly weight: number;
  /** Instance type. Default `ml.m5.large`. */
  readonly instanceType?: string;
  /** Instances at creation and the autoscaling minimum. Default 1. */
  readonly minInstances?: number;
  /** Autoscaling maximum. Default 4. */
  readonly maxInstances?: number;
}

export interface InferenceEndpointArgs {
  /** The variants (two or more for an A/B test); weights are percentages summing to 100. Required. */
  readonly variants: readonly VariantArgs[];
  /** Every variant needs at least this many instances (2 in prod: one per AZ). Default 1. */
  readonly minInstancesPerVariant?: number;
  /** Key of the instances' storage volumes (the ML key). Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Private subnets and security groups of the model containers. Required. */
  readonly network: {
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  };
  /** Where the models' artifacts are (read only): bucket ARN, prefix, key. Required. */
  readonly modelArtifacts: {
    readonly bucketArn: pulumi.Input<string>;
    readonly prefix: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
  };
  /** ECR repository ARN of the model image (the built-in algorithm's, in AWS's registry). Required. */
  readonly imageRepositoryArn: pulumi.Input<string>;
  /** Data capture of requests and responses into the lake. Required (set `samplingPercent: 0` to switch it off). */
  readonly dataCapture: {
    readonly bucketName: pulumi.Input<string>;
    readonly bucketArn: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Key prefix. Default `ml/data-capture/<name>/`. */
    readonly prefix?: string;
    /** Share of requests captured, 0-100 (0 switches capture off). */
    readonly samplingPercent: number;
  };
  /** Autoscaling target: invocations per instance per minute. Default 1000. */
  readonly invocationsPerInstance?: number;
  /** Alarm thresholds: average model latency (ms), 5xx and model errors per minute. Defaults 500 ms, 0, 0. */
  readonly alarmThresholds?: {
    readonly modelLatencyMs?: number;
    readonly invocation5xxErrors?: number;
    readonly modelErrors?: number;
  };
  /** SNS topic of the alarms. Default: alarms without actions. */
  readonly alarmTopicArn?: pulumi.Input<string>;
}

const DEFAULTS = {
  instanceType: "ml.m5.large",
  minInstances: 1,
  maxInstances: 4,
  minInstancesPerVariant: 1,
  invocationsPerInstance: 1000,
  modelLatencyMs: 500,
  invocation5xxErrors: 0,
  modelErrors: 0,
} as const;

/** Weights are percentages: they must sum to this. */
export const WEIGHT_TOTAL = 100;

/** A variant after defaults. */
export type ResolvedVariant = Required<Omit<VariantArgs, "modelPackageArn">>;

/**
 * Checks and resolves the variants: unique names, weights summing to 100, instance counts within
 * autoscaling bounds and the per-variant minimum. Throws a message naming the field.
 *
 * @example
 * resolveVariants([{ name: "a", weight: 90 }, { name: "b", weight: 10 }], 1);
 */
export function resolveVariants(
  variants: readonly Omit<VariantArgs, "modelPackageArn">[],
  minInstancesPerVariant: number,
): ResolvedVariant[] {
  if (variants.length < 1 || variants.length > 10) {
    throw new Error(
      `variants: ${variants.length} given; 1 to 10 production variants (2 or more for an A/B test)`,
    );
  }
  const names = new Set<string>();
  const resolved = variants.map((v, i) => {
    const r = {
      instanceType: DEFAULTS.instanceType,
      minInstances: DEFAULTS.minInstances,
      maxInstances: DEFAULTS.maxInstances,
      ...v,
    };
    const at = `variants[${i}]`;
    if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(r.name))
      throw new Error(`${at}.name = "${r.name}": letters, digits and hyphens`);
    if (names.has(r.name)) throw new Error(`${at}.name = "${r.name}": variant names must be unique`);
    names.add(r.name);
    if (!Number.isFinite(r.weight) || r.weight < 0)
      throw new Error(`${at}.weight = ${r.weight}: a percentage from 0 to 100`);
    if (!Number.isInteger(r.minInstances) || r.minInstances < minInstancesPerVariant) {
      throw new Error(
        `${at}.minInstances = ${r.minInstances}: at least ${minInstancesPerVariant} instance(s) per variant in this environment`,
      );
    }
    if (!Number.isInteger(r.maxInstances) || r.maxInstances < r.minInstances) {
      throw new Error(
        `${at}.maxInstances = ${r.maxInstances}: an integer ≥ minInstances (${r.minInstances})`,
      );
    }
    return r;
  });
  const total = resolved.reduce((n, v) => n + v.weight, 0);
  if (Math.abs(total - WEIGHT_TOTAL) > 1e-9) {
    throw new Error(
      `variants weights = ${resolved.map((v) => `${v.name}:${v.weight}`).join(", ")} sum to ${total}: they must sum to ${WEIGHT_TOTAL} (percent of traffic)`,
    );
  }
  return resolved;
}

/**
 * `dataplatform:ml:InferenceEndpoint`: a real-time SageMaker endpoint serving approved model
 * versions from the registry in weighted production variants (the A/B split). Models run
 * network isolated in the VPC; volumes use the ML key; requests and responses are sampled into the
 * lake; each variant scales on invocations per instance and has alarms on latency, 5xx and model
 * errors.
 *
 * The endpoint configuration is auto-named and immutable: a new weight or model version replaces
 * the configuration (created before the old one is deleted) and updates the endpoint in place
 * (`UpdateEndpoint`, no downtime), so the endpoint keeps its name.
 */
export class InferenceEndpoint extends pulumi.ComponentResource {
  readonly endpoint: aws.sagemaker.Endpoint;
  readonly endpointName: pulumi.Output<string>;
  readonly endpointConfiguration: aws.sagemaker.EndpointConfiguration;
  readonly models: Record<string, aws.sagemaker.Model> = {};
  readonly role: aws.iam.Role;
  readonly variants: ResolvedVariant[];
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
  /** Per variant: `<variant>.modelLatency`, `.invocation5xxErrors`, `.modelErrors`, `.invocations`. */
  readonly keyMetrics: Record<string, MetricSpec> = {};

  constructor(name: string, args: InferenceEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:ml:InferenceEndpoint", name, {}, opts);
    const a = { ...DEFAULTS, ...args, ...args.alarmThresholds };
    try {
      this.variants = resolveVariants(args.variants, a.minInstancesPerVariant);
    } catch (err) {
      throw new pulumi.ResourceError((err as Error).message, this);
    }
    const sampling = args.dataCapture.samplingPercent;
    if (!Number.isInteger(sampling) || sampling < 0 || sampling > 100) {
      throw new pulumi.ResourceError(
        `dataCapture.samplingPercent = ${sampling}: an integer from 0 to 100`,
        this,
      );
    }
    const capturePrefix = args.dataCapture.prefix ?? `ml/data-capture/${name}/`;
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent).partition;

    this.role = new aws.iam.Role(
      `${name}-model-role`,
      { assumeRolePolicy: account.apply((id) => trustPolicy("sagemaker.amazonaws.com", id)) },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-model-policy`,
      {
        role: this.role.name,
        policy: pulumi
          .output({
            artifactsBucket: args.modelArtifacts.bucketArn,
            artifactsPrefix: args.modelArtifacts.prefix,
            artifactsKey: args.modelArtifacts.kmsKeyArn,
            captureBucket: args.dataCapture.bucketArn,
            captureKey: args.dataCapture.kmsKeyArn,
            volumeKey: args.kmsKeyArn,
            repository: args.imageRepositoryArn,
            accountId: account,
            r: region,
            p: partition,
          })
          .apply((x) =>
            JSON.stringify(
              document(
                {
                  Sid: "ReadModelArtifacts",
                  Effect: "Allow",
                  Action: ["s3:GetObject"],
                  Resource: objectsUnder(x.artifactsBucket, x.artifactsPrefix),
                },
                listUnder("ListModelArtifacts", x.artifactsBucket, [x.artifactsPrefix]),
                {
                  Sid: "WriteDataCapture",
                  Effect: "Allow",
                  Action: ["s3:PutObject"],
                  Resource: objectsUnder(x.captureBucket, capturePrefix),
                },
                {
                  Sid: "UseKeys",
                  Effect: "Allow",
                  Action: [...KEY_DATA_ACTIONS],
                  Resource: [...new Set([x.artifactsKey, x.captureKey, x.volumeKey])],
                },
                {
                  Sid: "PullModelImage",
                  Effect: "Allow",
                  Action: [...ECR_PULL_ACTIONS],
                  Resource: x.repository,
                },
                { Sid: "EcrLogin", Effect: "Allow", Action: [...ECR_AUTH_ACTIONS], Resource: "*" },
                { Sid: "ModelsInVpc", Effect: "Allow", Action: [...VPC_ACCESS_ACTIONS], Resource: "*" },
                {
                  Sid: "EndpointLogs",
                  Effect: "Allow",
                  Action: [...LOG_ACTIONS],
                  Resource: `arn:${x.p}:logs:${x.r}:${x.accountId}:log-group:/aws/sagemaker/Endpoints/*`,
                },
                {
                  Sid: "EndpointMetrics",
                  Effect: "Allow",
                  Action: [...METRIC_ACTIONS],
                  Resource: "*",
                  Condition: { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/*" } },
                },
              ),
            ),
          ),
      },
      parent,
    );

    for (const v of args.variants) {
      this.models[v.name] = new aws.sagemaker.Model(
        `${name}-${v.name}-model`,
        {
          executionRoleArn: this.role.arn,
          primaryContainer: { modelPackageName: v.modelPackageArn },
          enableNetworkIsolation: true,
          vpcConfig: { subnets: args.network.subnetIds, securityGroupIds: args.network.securityGroupIds },
        },
        { parent: this, dependsOn: [rolePolicy] },
      );
    }

    this.endpointConfiguration = new aws.sagemaker.EndpointConfiguration(
      `${name}-config`,
      {
        kmsKeyArn: args.kmsKeyArn,
        productionVariants: this.variants.map((v) => ({
          variantName: v.name,
          modelName: this.models[v.name].name,
          initialVariantWeight: v.weight,
          initialInstanceCount: v.minInstances,
          instanceType: v.instanceType,
        })),
        dataCaptureConfig: {
          enableCapture: sampling > 0,
          initialSamplingPercentage: sampling,
          destinationS3Uri: pulumi.interpolate`s3://${args.dataCapture.bucketName}/${capturePrefix}`,
          kmsKeyId: args.dataCapture.kmsKeyArn,
          captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
          captureContentTypeHeader: { csvContentTypes: ["text/csv"], jsonContentTypes: ["application/json"] },
        },
      },
      parent,
    );
    this.endpoint = new aws.sagemaker.Endpoint(
      `${name}-endpoint`,
      { endpointConfigName: this.endpointConfiguration.name },
      parent,
    );
    this.endpointName = this.endpoint.name;

    const rules: Record<string, AlarmRule> = {};
    for (const v of this.variants) {
      const target = new aws.appautoscaling.Target(
        `${name}-${v.name}-scaling-target`,
        {
          serviceNamespace: "sagemaker",
          resourceId: pulumi.interpolate`endpoint/${this.endpoint.name}/variant/${v.name}`,
          scalableDimension: "sagemaker:variant:DesiredInstanceCount",
          minCapacity: v.minInstances,
          maxCapacity: v.maxInstances,
        },
        parent,
      );
      new aws.appautoscaling.Policy(
        `${name}-${v.name}-scaling`,
        {
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          resourceId: target.resourceId,
          scalableDimension: target.scalableDimension,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: a.invocationsPerInstance,
            predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
            scaleInCooldown: 300,
            scaleOutCooldown: 60,
          },
        },
        parent,
      );

      const dimensions = { EndpointName: this.endpoint.name, VariantName: v.name };
      const metric = (metricName: string, statistic: MetricSpec["statistic"]): MetricSpec => ({
        namespace: "AWS/SageMaker",
        metricName,
        dimensions,
        statistic,
        period: 60,
      });
      const metrics = {
        modelLatency: metric("ModelLatency", "Average"),
        invocation5xxErrors: metric("Invocation5XXErrors", "Sum"),
        modelErrors: metric("InvocationModelErrors", "Sum"),
        invocations: metric("Invocations", "Sum"),
      };
      for (const [k, m] of Object.entries(metrics)) this.keyMetrics[`${v.name}.${k}`] = m;
      const about = (what: string) => `${name} variant ${v.name}: ${what}`;
      // ModelLatency is reported in microseconds.
      rules[`${v.name}-latency`] = {
        metric: metrics.modelLatency,
        threshold: a.modelLatencyMs * 1000,
        evaluationPeriods: 5,
        description: about(`model latency above ${a.modelLatencyMs} ms`),
      };
      rules[`${v.name}-5xx`] = {
        metric: metrics.invocation5xxErrors,
        threshold: a.invocation5xxErrors,
        description: about("invocations failed with 5xx"),
      };
      rules[`${v.name}-model-errors`] = {
        metric: metrics.modelErrors,
        threshold: a.modelErrors,
        description: about("the model returned errors"),
      };
    }
    const alarmSet = new AlarmSet(
      `${name}-alarms`,
      { rules, ...(args.alarmTopicArn ? { topicArn: args.alarmTopicArn } : {}) },
      parent,
    );
    this.alarms.push(...Object.values(alarmSet.alarms));
    this.registerOutputs({ endpointName: this.endpointName, variants: this.variants.map((v) => v.name) });
  }

  /** Lets `role` invoke this endpoint (any variant, or one chosen with `TargetVariant`). */
  grantInvoke(name: string, role: aws.iam.Role): aws.iam.RolePolicy {
    return new aws.iam.RolePolicy(
      name,
      {
        role: role.name,
        policy: this.endpoint.arn.apply((arn) =>
          JSON.stringify(
            document({
              Sid: "InvokeEndpoint",
              Effect: "Allow",
              Action: [...INVOKE_ENDPOINT_ACTIONS],
              Resource: arn,
            }),
          ),
        ),
      },
      { parent: this },
    );
  }
}

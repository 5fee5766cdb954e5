import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MetricSpec } from "../observability/metrics";
import { AlarmSet } from "../observability/alarmSet";
import { packagesArnOf } from "./modelRegistry";
import { pipelineExecutionMetrics, schedulePipeline } from "./pipelineSchedule";
import { BATCH_TRANSFORM_ACTIONS, ECR_PULL_ACTIONS, MODEL_PACKAGE_READ_ACTIONS } from "./perms";
import { batchTransformDefinition } from "./pipelineDefinition";
import {
  document,
  jobKeyAndRoleStatements,
  listUnder,
  objectsUnder,
  sagemakerJobStatements,
  trustPolicy,
} from "./policies";

/** An S3 prefix of the lake with its bucket and key. */
export interface LakePrefix {
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  /** Key prefix, ending with `/`. */
  readonly prefix: string;
  readonly kmsKeyArn: pulumi.Input<string>;
}

export interface BatchTransformArgs {
  /** The model package group the served version belongs to. Required. */
  readonly modelPackageGroupArn: pulumi.Input<string>;
  /**
   * Approved version to score with (`ModelRegistry.modelPackageArn(n)`). Default none: the pipeline
   * exists without a default model and without a schedule (a fresh account has no approved version).
   */
  readonly modelPackageArn?: pulumi.Input<string>;
  /** CSV rows to score (`<id>,<features>`), in the curated zone. Required. */
  readonly input: LakePrefix;
  /** Where the predictions go, one folder per execution. Required. */
  readonly output: LakePrefix;
  /** Training artifacts the registered versions point at (bucket, `…/models/` prefix, key). Required. */
  readonly modelArtifacts: {
    readonly bucketArn: pulumi.Input<string>;
    readonly prefix: string;
    readonly kmsKeyArn: pulumi.Input<string>;
  };
  /** ECR repository of the model image (the built-in algorithm's, in its AWS account). Required. */
  readonly imageRepositoryArn: pulumi.Input<string>;
  /** Key of the transform instances' volumes (the ML key). Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Private subnets and security groups of the model. Required: batch inference runs in the VPC. */
  readonly network: {
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  };
  /** EventBridge schedule, used only with a `modelPackageArn`. Default `cron(0 5 * * ? *)`. */
  readonly schedule?: string;
  /** Transform instance type. Default `ml.m5.large`. */
  readonly instanceType?: string;
  /** Transform instances (1-20). Default 1. */
  readonly instanceCount?: number;
  /** Alarm topic for failed executions. Default: alarm without actions. */
  readonly alarmTopicArn?: pulumi.Input<string>;
}

const DEFAULTS = { schedule: "cron(0 5 * * ? *)", instanceType: "ml.m5.large", instanceCount: 1 } as const;

/**
 * The batch inference role's policy: create models from its group's versions and run transform
 * jobs (the names SageMaker Pipelines gives them), read the input prefix and the model artifacts,
 * write the output prefix, use exactly those keys and the ML key (with grants for the instances),
 * pass itself to SageMaker, pull the image, write job logs.
 */
export function batchTransformRolePolicy(r: {
  roleArn: string;
  groupArn: string;
  input: { bucketArn: string; prefix: string; keyArn: string };
  output: { bucketArn: string; prefix: string; keyArn: string };
  modelArtifacts: { bucketArn: string; prefix: string; keyArn: string };
  mlKeyArn: string;
  imageRepositoryArn: string;
  accountId: string;
  region: string;
  partition: string;
}) {
  const sm = (kind: string) => `arn:${r.partition}:sagemaker:${r.region}:${r.accountId}:${kind}`;
  const keys = [...new Set([r.input.keyArn, r.output.keyArn, r.modelArtifacts.keyArn, r.mlKeyArn])].sort();
  return document(
    {
      Sid: "RunPipelineModelAndTransform",
      Effect: "Allow",
      Action: [...BATCH_TRANSFORM_ACTIONS],
      Resource: [sm("model/pipelines-*"), sm("transform-job/pipelines-*")],
    },
    {
      Sid: "ReadRegisteredVersions",
      Effect: "Allow",
      Action: [...MODEL_PACKAGE_READ_ACTIONS],
      Resource: packagesArnOf(r.groupArn),
    },
    {
      Sid: "ReadInput",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: objectsUnder(r.input.bucketArn, r.input.prefix),
    },
    listUnder("ListInput", r.input.bucketArn, [r.input.prefix]),
    {
      Sid: "WritePredictions",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
      Resource: objectsUnder(r.output.bucketArn, r.output.prefix),
    },
    {
      Sid: "ReadModelArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: objectsUnder(r.modelArtifacts.bucketArn, r.modelArtifacts.prefix),
    },
    ...jobKeyAndRoleStatements({ keys, mlKeyArn: r.mlKeyArn, roleArn: r.roleArn }),
    { Sid: "PullModelImage", Effect: "Allow", Action: [...ECR_PULL_ACTIONS], Resource: r.imageRepositoryArn },
    ...sagemakerJobStatements(r),
  );
}

/**
 * `dataplatform:ml:BatchTransform`: batch inference as a SageMaker Pipeline
 * (`batchTransformDefinition`): a model from an approved registry version, network isolated in
 * the VPC, then a Batch Transform job over CSV rows in the curated zone, writing `<id>,<score>`
 * lines to the lake (SSE-KMS with the lake key, volumes with the ML key). Scheduled by EventBridge
 * once a version is configured; without one it has no default model and no schedule, so nothing
 * references a version that does not exist yet.
 */
export class BatchTransform extends pulumi.ComponentResource {
  readonly pipeline: aws.sagemaker.Pipeline;
  readonly pipelineName: pulumi.Output<string>;
  readonly role: aws.iam.Role;
  readonly definition: pulumi.Output<string>;
  readonly schedule?: aws.cloudwatch.EventRule;
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
  /** Execution metrics of the pipeline (AWS/Sagemaker/ModelBuildingPipeline). */
  readonly keyMetrics: Record<string, MetricSpec>;

  constructor(name: string, args: BatchTransformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:ml:BatchTransform", name, {}, opts);
    const a = { ...DEFAULTS, ...args };
    if (!Number.isInteger(a.instanceCount) || a.instanceCount < 1 || a.instanceCount > 20) {
      throw new pulumi.ResourceError(`instanceCount = ${a.instanceCount}: an integer from 1 to 20`, this);
    }
    if (!/^(cron|rate)\(.+\)$/.test(a.schedule)) {
      throw new pulumi.ResourceError(
        `schedule = "${a.schedule}": an EventBridge cron(...) or rate(...) expression`,
        this,
      );
    }
    for (const [field, prefix] of [
      ["input.prefix", args.input.prefix],
      ["output.prefix", args.output.prefix],
    ] as const) {
      if (!/^[a-z0-9][a-z0-9/_=-]*\/$/.test(prefix)) {
        throw new pulumi.ResourceError(`${field} = "${prefix}": a key prefix ending with "/"`, this);
      }
    }
    const parent = { parent: this };
    const pipelineName = `${name}-${pulumi.getStack()}`;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent).partition;

    this.role = new aws.iam.Role(
      `${name}-role`,
      { assumeRolePolicy: account.apply((id) => trustPolicy("sagemaker.amazonaws.com", id)) },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: pulumi
          .output({
            roleArn: this.role.arn,
            groupArn: args.modelPackageGroupArn,
            inBucket: args.input.bucketArn,
            inKey: args.input.kmsKeyArn,
            outBucket: args.output.bucketArn,
            outKey: args.output.kmsKeyArn,
            artBucket: args.modelArtifacts.bucketArn,
            artKey: args.modelArtifacts.kmsKeyArn,
            mlKey: args.kmsKeyArn,
            image: args.imageRepositoryArn,
            id: account,
            r: region,
            p: partition,
          })
          .apply((v) =>
            JSON.stringify(
              batchTransformRolePolicy({
                roleArn: v.roleArn,
                groupArn: v.groupArn,
                input: { bucketArn: v.inBucket, prefix: args.input.prefix, keyArn: v.inKey },
                output: { bucketArn: v.outBucket, prefix: args.output.prefix, keyArn: v.outKey },
                modelArtifacts: {
                  bucketArn: v.artBucket,
                  prefix: args.modelArtifacts.prefix,
                  keyArn: v.artKey,
                },
                mlKeyArn: v.mlKey,
                imageRepositoryArn: v.image,
                accountId: v.id,
                region: v.r,
                partition: v.p,
              }),
            ),
          ),
      },
      parent,
    );

    this.definition = pulumi
      .output({
        roleArn: this.role.arn,
        modelPackageArn: args.modelPackageArn ?? "",
        inBucket: args.input.bucketName,
        outBucket: args.output.bucketName,
        outKey: args.output.kmsKeyArn,
        mlKey: args.kmsKeyArn,
        subnets: args.network.subnetIds,
        groups: args.network.securityGroupIds,
      })
      .apply((v) =>
        JSON.stringify(
          batchTransformDefinition({
            roleArn: v.roleArn,
            modelPackageArn: v.modelPackageArn,
            inputUri: `s3://${v.inBucket}/${args.input.prefix}`,
            outputUri: `s3://${v.outBucket}/${args.output.prefix}`,
            outputKmsKeyArn: v.outKey,
            volumeKmsKeyArn: v.mlKey,
            subnetIds: v.subnets,
            securityGroupIds: v.groups,
            instanceType: a.instanceType,
            instanceCount: a.instanceCount,
          }),
        ),
      );
    this.pipeline = new aws.sagemaker.Pipeline(
      `${name}-pipeline`,
      {
        pipelineName,
        pipelineDisplayName: pipelineName,
        pipelineDescription:
          "Batch inference: an approved model version over curated rows, predictions to the lake",
        roleArn: this.role.arn,
        pipelineDefinition: this.definition,
        parallelismConfiguration: { maxParallelExecutionSteps: 1 },
      },
      { parent: this, dependsOn: [rolePolicy] },
    );
    this.pipelineName = this.pipeline.pipelineName;

    if (args.modelPackageArn !== undefined) {
      this.schedule = schedulePipeline(
        name,
        {
          pipeline: this.pipeline,
          accountId: account,
          scheduleExpression: a.schedule,
          description: `Runs the ${pipelineName} batch inference pipeline`,
          parameters: [{ name: "ModelPackageArn", value: args.modelPackageArn }],
        },
        this,
      );
    }

    const { executionFailed, executionSucceeded } = pipelineExecutionMetrics(this.pipelineName);
    this.keyMetrics = { executionFailed, executionSucceeded };
    const alarmSet = new AlarmSet(
      `${name}-alarms`,
      {
        rules: {
          "execution-failed": {
            metric: this.keyMetrics.executionFailed,
            threshold: 0,
            description: `${pipelineName}: a batch inference execution failed`,
          },
        },
        ...(args.alarmTopicArn ? { topicArn: args.alarmTopicArn } : {}),
      },
      parent,
    );
    this.alarms.push(...Object.values(alarmSet.alarms));
    this.registerOutputs({ pipelineName: this.pipelineName });
  }
}

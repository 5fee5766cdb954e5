/**
 * The SageMaker Pipeline definition of the training pipeline, generated from typed arguments (the
 * JSON schema SageMaker documents as pipeline definition version 2020-12-01):
 *
 *   Prepare (processing: offline store → train/validation/test CSV)
 *     → Train (built-in XGBoost)
 *     → Evaluate (processing: AUC on the test split, property file `evaluation.json`)
 *     → CheckMetric (condition: AUC ≥ MinAuc)
 *         → yes: Register (model package, PendingManualApproval)  → no: Fail
 *
 * Every job runs network isolated in the VPC, with KMS on volumes and outputs.
 */

/** Resolved values the definition needs (ARNs, URIs, the image). */
export interface TrainingDefinitionArgs {
  /** Role the jobs run as (the pipeline's execution role). */
  readonly roleArn: string;
  /** Built-in algorithm image, region-specific (`getPrebuiltEcrImage`). */
  readonly imageUri: string;
  /** The offline store's root URI (the feature group's Parquet files). */
  readonly offlineStoreUri: string;
  /** `s3://artifacts/ml/<name>/` — code, splits, models and evaluations go under it. */
  readonly artifactsUri: string;
  /** Uploaded scripts. */
  readonly code: { readonly prepare: string; readonly evaluate: string };
  /** Key of volumes and outputs (the ML key). */
  readonly kmsKeyArn: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly modelPackageGroupName: string;
  /** Feature spec facts the prepare script needs. */
  readonly features: {
    readonly label: string;
    readonly numeric: readonly string[];
    readonly recordIdentifier: string;
    readonly eventTime: string;
  };
  /** Register only when the evaluation metric is at least this (AUC, 0-1). */
  readonly minAuc: number;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGb: number;
  readonly maxRuntimeSeconds: number;
  /** Built-in XGBoost hyperparameters (strings, as the API takes them). */
  readonly hyperParameters: Readonly<Record<string, string>>;
  /** Instance types the registered model may be deployed on. */
  readonly inferenceInstanceTypes: readonly string[];
}

/** The property file the condition reads, and the JSON path of the metric. */
export const EVALUATION = {
  propertyFile: "EvaluationReport",
  file: "evaluation.json",
  path: "metrics.auc.value",
} as const;

/** Step names (stable: executions and alarms refer to them). */
export const STEPS = {
  prepare: "Prepare",
  train: "Train",
  evaluate: "Evaluate",
  check: "CheckMetric",
  register: "Register",
  fail: "Fail",
} as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const get = (path: string): Json => ({ Get: path });

/** The pipeline definition (an object; `JSON.stringify` it for `pipelineDefinition`). */
export function trainingPipelineDefinition(a: TrainingDefinitionArgs): { [key: string]: Json } {
  const network = {
    EnableNetworkIsolation: true,
    EnableInterContainerTrafficEncryption: true,
    VpcConfig: { Subnets: [...a.subnetIds], SecurityGroupIds: [...a.securityGroupIds] },
  };
  const processingResources = {
    ClusterConfig: {
      InstanceCount: 1,
      InstanceType: { Get: "Parameters.ProcessingInstanceType" },
      VolumeSizeInGB: a.volumeSizeGb,
      VolumeKmsKeyId: a.kmsKeyArn,
    },
  };
  const stopping = { MaxRuntimeInSeconds: a.maxRuntimeSeconds };
  const input = (name: string, s3Uri: Json, destination: string) => ({
    InputName: name,
    AppManaged: false,
    S3Input: {
      S3Uri: s3Uri,
      LocalPath: destination,
      S3DataType: "S3Prefix",
      S3InputMode: "File",
      S3DataDistributionType: "FullyReplicated",
    },
  });
  const output = (name: string, local: string) => ({
    OutputName: name,
    AppManaged: false,
    S3Output: { S3Uri: `${a.artifactsUri}${name}/`, LocalPath: local, S3UploadMode: "EndOfJob" },
  });
  const code = (uri: string) => input("code", uri, "/opt/ml/processing/input/code");
  const script = (uri: string) => `/opt/ml/processing/input/code/${uri.split("/").pop()}`;

  const prepare = {
    Name: STEPS.prepare,
    Type: "Processing",
    Arguments: {
      RoleArn: a.roleArn,
      AppSpecification: {
        ImageUri: a.imageUri,
        ContainerEntrypoint: ["python3", script(a.code.prepare)],
        ContainerArguments: [
          "--label",
          a.features.label,
          "--features",
          a.features.numeric.join(","),
          "--record-id",
          a.features.recordIdentifier,
          "--event-time",
          a.features.eventTime,
        ],
      },
      ProcessingInputs: [
        code(a.code.prepare),
        input("features", a.offlineStoreUri, "/opt/ml/processing/input/features"),
      ],
      ProcessingOutputConfig: {
        KmsKeyId: a.kmsKeyArn,
        Outputs: [
          output("train", "/opt/ml/processing/output/train"),
          output("validation", "/opt/ml/processing/output/validation"),
          output("test", "/opt/ml/processing/output/test"),
        ],
      },
      ProcessingResources: processingResources,
      StoppingCondition: stopping,
      NetworkConfig: network,
    },
  };
  const split = (name: string) =>
    get(`Steps.${STEPS.prepare}.ProcessingOutputConfig.Outputs['${name}'].S3Output.S3Uri`);
  const channel = (name: string) => ({
    ChannelName: name,
    ContentType: "text/csv",
    DataSource: {
      S3DataSource: { S3DataType: "S3Prefix", S3Uri: split(name), S3DataDistributionType: "FullyReplicated" },
    },
  });
  const modelArtifacts = get(`Steps.${STEPS.train}.ModelArtifacts.S3ModelArtifacts`);
  const train = {
    Name: STEPS.train,
    Type: "Training",
    Arguments: {
      RoleArn: a.roleArn,
      AlgorithmSpecification: { TrainingImage: a.imageUri, TrainingInputMode: "File" },
      HyperParameters: { ...a.hyperParameters },
      InputDataConfig: [channel("train"), channel("validation")],
      OutputDataConfig: { S3OutputPath: `${a.artifactsUri}models/`, KmsKeyId: a.kmsKeyArn },
      ResourceConfig: {
        InstanceCount: a.instanceCount,
        InstanceType: { Get: "Parameters.TrainingInstanceType" },
        VolumeSizeInGB: a.volumeSizeGb,
        VolumeKmsKeyId: a.kmsKeyArn,
      },
      StoppingCondition: stopping,
      ...network,
    },
    DependsOn: [STEPS.prepare],
  };
  const evaluate = {
    Name: STEPS.evaluate,
    Type: "Processing",
    Arguments: {
      RoleArn: a.roleArn,
      AppSpecification: { ImageUri: a.imageUri, ContainerEntrypoint: ["python3", script(a.code.evaluate)] },
      ProcessingInputs: [
        code(a.code.evaluate),
        input("model", modelArtifacts, "/opt/ml/processing/model"),
        input("test", split("test"), "/opt/ml/processing/test"),
      ],
      ProcessingOutputConfig: {
        KmsKeyId: a.kmsKeyArn,
        Outputs: [output("evaluation", "/opt/ml/processing/evaluation")],
      },
      ProcessingResources: processingResources,
      StoppingCondition: stopping,
      NetworkConfig: network,
    },
    PropertyFiles: [
      { PropertyFileName: EVALUATION.propertyFile, OutputName: "evaluation", FilePath: EVALUATION.file },
    ],
  };
  const evaluationUri = get(
    `Steps.${STEPS.evaluate}.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri`,
  );
  const register = {
    Name: STEPS.register,
    Type: "RegisterModel",
    Arguments: {
      ModelPackageGroupName: a.modelPackageGroupName,
      ModelApprovalStatus: get("Parameters.ModelApprovalStatus"),
      InferenceSpecification: {
        Containers: [{ Image: a.imageUri, ModelDataUrl: modelArtifacts }],
        SupportedContentTypes: ["text/csv"],
        SupportedResponseMIMETypes: ["text/csv"],
        SupportedRealtimeInferenceInstanceTypes: [...a.inferenceInstanceTypes],
        SupportedTransformInstanceTypes: [...a.inferenceInstanceTypes],
      },
      ModelMetrics: {
        ModelQuality: {
          Statistics: {
            ContentType: "application/json",
            S3Uri: { "Std:Join": { On: "/", Values: [evaluationUri, EVALUATION.file] } },
          },
        },
      },
    },
  };
  const fail = {
    Name: STEPS.fail,
    Type: "Fail",
    Arguments: {
      ErrorMessage: {
        "Std:Join": {
          On: " ",
          Values: ["model AUC below the registration threshold", get("Parameters.MinAuc")],
        },
      },
    },
  };
  const check = {
    Name: STEPS.check,
    Type: "Condition",
    Arguments: {
      Conditions: [
        {
          Type: "GreaterThanOrEqualTo",
          LeftValue: {
            "Std:JsonGet": {
              PropertyFile: get(`Steps.${STEPS.evaluate}.PropertyFiles.${EVALUATION.propertyFile}`),
              Path: EVALUATION.path,
            },
          },
          RightValue: get("Parameters.MinAuc"),
        },
      ],
      IfSteps: [register],
      ElseSteps: [fail],
    },
  };
  return {
    Version: "2020-12-01",
    Metadata: {},
    Parameters: [
      { Name: "MinAuc", Type: "Float", DefaultValue: a.minAuc },
      { Name: "ModelApprovalStatus", Type: "String", DefaultValue: "PendingManualApproval" },
      { Name: "TrainingInstanceType", Type: "String", DefaultValue: a.instanceType },
      { Name: "ProcessingInstanceType", Type: "String", DefaultValue: a.instanceType },
    ],
    PipelineExperimentConfig: {
      ExperimentName: get("Execution.PipelineName"),
      TrialName: get("Execution.PipelineExecutionId"),
    },
    Steps: [prepare, train, evaluate, check],
  };
}

/** Resolved values of the batch inference pipeline's definition. */
export interface BatchTransformDefinitionArgs {
  /** Role the model and the transform job run as (the pipeline's execution role). */
  readonly roleArn: string;
  /**
   * Approved model version (`arn:…:model-package/<group>/<n>`) the `ModelPackageArn` parameter
   * defaults to; empty when none is configured (a fresh account): an execution must then pass one.
   */
  readonly modelPackageArn: string;
  /** `s3://` prefix of the CSV rows to score (curated zone): `<id>,<features in spec order>`. */
  readonly inputUri: string;
  /** `s3://` prefix the predictions go under, one folder per execution (lake). */
  readonly outputUri: string;
  /** Key of the predictions (the lake key of the output bucket). */
  readonly outputKmsKeyArn: string;
  /** Key of the transform instances' volumes (the ML key). */
  readonly volumeKmsKeyArn: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly instanceType: string;
  readonly instanceCount: number;
}

/** Step names of the batch inference pipeline. */
export const BATCH_STEPS = { model: "CreateModel", transform: "Transform" } as const;

/**
 * The batch inference pipeline (definition version 2020-12-01):
 *
 *   CreateModel (model package = Parameters.ModelPackageArn, network isolated, in the VPC)
 *     → Transform (CSV lines of the curated input; the id column is set aside by InputFilter and
 *       joined back to each score; predictions KMS-encrypted in the lake, volumes with the ML key)
 *
 * The model is a registry version, never the artifacts of a training run: only an approved
 * version is served, in batch as on the endpoint.
 */
export function batchTransformDefinition(a: BatchTransformDefinitionArgs): { [key: string]: Json } {
  const model = {
    Name: BATCH_STEPS.model,
    Type: "Model",
    Arguments: {
      ExecutionRoleArn: a.roleArn,
      PrimaryContainer: { ModelPackageName: get("Parameters.ModelPackageArn") },
      EnableNetworkIsolation: true,
      VpcConfig: { Subnets: [...a.subnetIds], SecurityGroupIds: [...a.securityGroupIds] },
    },
  };
  const transform = {
    Name: BATCH_STEPS.transform,
    Type: "Transform",
    Arguments: {
      ModelName: get(`Steps.${BATCH_STEPS.model}.ModelName`),
      BatchStrategy: "MultiRecord",
      MaxPayloadInMB: 6,
      TransformInput: {
        DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: get("Parameters.InputUri") } },
        ContentType: "text/csv",
        SplitType: "Line",
        CompressionType: "None",
      },
      TransformOutput: {
        S3OutputPath: {
          "Std:Join": { On: "", Values: [a.outputUri, get("Execution.PipelineExecutionId"), "/"] },
        },
        Accept: "text/csv",
        AssembleWith: "Line",
        KmsKeyId: a.outputKmsKeyArn,
      },
      TransformResources: {
        InstanceType: get("Parameters.TransformInstanceType"),
        InstanceCount: get("Parameters.TransformInstanceCount"),
        VolumeKmsKeyId: a.volumeKmsKeyArn,
      },
      // The model sees the features only; each output line is `<id>,<score>`.
      DataProcessing: { InputFilter: "$[1:]", JoinSource: "Input", OutputFilter: "$[0,-1]" },
    },
    DependsOn: [BATCH_STEPS.model],
  };
  return {
    Version: "2020-12-01",
    Metadata: {},
    Parameters: [
      { Name: "ModelPackageArn", Type: "String", DefaultValue: a.modelPackageArn },
      { Name: "InputUri", Type: "String", DefaultValue: a.inputUri },
      { Name: "TransformInstanceType", Type: "String", DefaultValue: a.instanceType },
      { Name: "TransformInstanceCount", Type: "Integer", DefaultValue: a.instanceCount },
    ],
    Steps: [model, transform],
  };
}

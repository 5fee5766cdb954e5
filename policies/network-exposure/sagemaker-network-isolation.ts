import { resourcePolicy } from "../lib/policy";
import { argument, failingSteps, pipelineSteps } from "../lib/sagemaker";
import { present } from "../lib/values";

const MODEL = "aws:sagemaker/model:Model";
const PIPELINE = "aws:sagemaker/pipeline:Pipeline";

export const sagemakerNetworkIsolation = resourcePolicy({
  name: "sagemaker-network-isolation",
  description:
    "SageMaker models, the models pipelines create, and the training and processing jobs of pipelines run network isolated inside the VPC.",
  severity: "high",
  concern: "network-exposure",
  fsbp: ["SageMaker.5"],
  remediationSteps:
    "On models set enableNetworkIsolation and vpcConfig (private subnets); in pipeline definitions give Model and Training steps EnableNetworkIsolation and VpcConfig, and Processing steps NetworkConfig.EnableNetworkIsolation and NetworkConfig.VpcConfig (Transform jobs run in their model's network).",
  resourceTypes: [MODEL, PIPELINE],
  rules: [
    {
      id: "model-isolated",
      check: ({ type, props }) =>
        type === MODEL && props.enableNetworkIsolation !== true
          ? "Set enableNetworkIsolation to true."
          : undefined,
    },
    {
      id: "model-vpc",
      check: ({ type, props }) =>
        type === MODEL && !present(props, "vpcConfig", "subnets")
          ? "Set vpcConfig with the private subnets and a security group."
          : undefined,
    },
    {
      id: "training-isolated",
      check: ({ type, props }) => {
        if (type !== PIPELINE) return undefined;
        const bad = failingSteps(
          pipelineSteps(props),
          "Training",
          (s) =>
            argument(s, "EnableNetworkIsolation") !== true ||
            argument(s, "VpcConfig", "Subnets") === undefined,
        );
        return bad.length
          ? `Training steps ${bad.join(", ")}: set EnableNetworkIsolation and VpcConfig.`
          : undefined;
      },
    },
    {
      id: "processing-isolated",
      check: ({ type, props }) => {
        if (type !== PIPELINE) return undefined;
        const bad = failingSteps(
          pipelineSteps(props),
          "Processing",
          (s) =>
            argument(s, "NetworkConfig", "EnableNetworkIsolation") !== true ||
            argument(s, "NetworkConfig", "VpcConfig", "Subnets") === undefined,
        );
        return bad.length
          ? `Processing steps ${bad.join(", ")}: set NetworkConfig.EnableNetworkIsolation and NetworkConfig.VpcConfig.`
          : undefined;
      },
    },
    {
      // A Transform step runs in the network of the model it names: the pipeline's Model step.
      id: "pipeline-model-isolated",
      check: ({ type, props }) => {
        if (type !== PIPELINE) return undefined;
        const bad = failingSteps(
          pipelineSteps(props),
          "Model",
          (s) =>
            argument(s, "EnableNetworkIsolation") !== true ||
            argument(s, "VpcConfig", "Subnets") === undefined,
        );
        return bad.length
          ? `Model steps ${bad.join(", ")}: set EnableNetworkIsolation and VpcConfig.`
          : undefined;
      },
    },
  ],
});

import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

const NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance";
const DOMAIN = "aws:sagemaker/domain:Domain";

export const sagemakerNotPublic = resourcePolicy({
  name: "sagemaker-not-public",
  description:
    "SageMaker notebooks and Studio domains run inside the VPC without direct internet access or root access.",
  severity: "high",
  concern: "network-exposure",
  fsbp: ["SageMaker.1", "SageMaker.2", "SageMaker.3"],
  remediationSteps:
    "On notebook instances set subnetId (private tier), directInternetAccess `Disabled` and rootAccess `Disabled`; on Studio domains set appNetworkAccessType `VpcOnly`.",
  resourceTypes: [NOTEBOOK, DOMAIN],
  rules: [
    {
      id: "direct-internet",
      check: ({ type, props }) =>
        type === NOTEBOOK && props.directInternetAccess !== "Disabled"
          ? "Set directInternetAccess to `Disabled`."
          : undefined,
    },
    {
      id: "in-vpc",
      check: ({ type, props }) =>
        type === NOTEBOOK && !present(props, "subnetId") ? "Set subnetId to a private subnet." : undefined,
    },
    {
      id: "root-access",
      check: ({ type, props }) =>
        type === NOTEBOOK && props.rootAccess !== "Disabled" ? "Set rootAccess to `Disabled`." : undefined,
    },
    {
      id: "domain-vpc-only",
      check: ({ type, props }) =>
        type === DOMAIN && props.appNetworkAccessType !== "VpcOnly"
          ? "Set appNetworkAccessType to `VpcOnly`."
          : undefined,
    },
  ],
});

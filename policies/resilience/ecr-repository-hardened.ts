import { stackPolicy } from "../lib/policy";
import { companionsOf } from "../lib/values";

const REPOSITORY = "aws:ecr/repository:Repository";
const LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy";

export const ecrRepositoryHardened = stackPolicy({
  name: "ecr-repository-hardened",
  description:
    "ECR repositories scan images on push, keep tags immutable and expire old images with a lifecycle policy.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["ECR.1", "ECR.2", "ECR.3"],
  remediationSteps:
    'Set imageScanningConfiguration { scanOnPush: true } and imageTagMutability "IMMUTABLE", and add an aws.ecr.LifecyclePolicy for the repository.',
  resourceTypes: [REPOSITORY],
  relatedTypes: [LIFECYCLE],
  rules: [
    {
      id: "scan-on-push",
      check: ({ resource }) =>
        resource.props.imageScanningConfiguration?.scanOnPush === true
          ? undefined
          : "Set imageScanningConfiguration.scanOnPush to true.",
    },
    {
      id: "immutable-tags",
      check: ({ resource }) =>
        String(resource.props.imageTagMutability ?? "MUTABLE").startsWith("IMMUTABLE")
          ? undefined
          : 'Set imageTagMutability to "IMMUTABLE" so a tag always names the image that was scanned and deployed.',
    },
    {
      id: "lifecycle-policy",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, [LIFECYCLE], "repository").length
          ? undefined
          : "Add an aws.ecr.LifecyclePolicy for the repository (e.g. keep the last 30 images, expire untagged after 7 days).",
    },
  ],
});

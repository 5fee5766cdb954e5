export {
  DeployRole,
  type DeployRoleArgs,
  deployPermissionsPolicy,
  deployTrustPolicy,
  PULUMI_OIDC_ISSUER,
} from "./deployRole";
export {
  DEFAULT_EXECUTOR_IMAGE,
  deploymentSettingsFor,
  type PolicyPackSource,
  type ProjectDeployment,
  StackDeployments,
  type StackDeploymentsArgs,
  triggeringProjects,
  triggerPaths,
} from "./stackDeployments";
export { contentFiles, contentVersion } from "./contentVersion";

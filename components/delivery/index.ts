export {
  DeployRole,
  type DeployRoleArgs,
  deployPermissionsPolicy,
  previewPermissionsPolicy,
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
export { contentFiles, contentHash, contentVersion } from "./contentVersion";
export { actionAllowed, requiredActions } from "./requiredActions";
export {
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_ISSUER,
  GitHubRoles,
  type GitHubRolesArgs,
  githubTrustPolicy,
} from "./githubRoles";

export {
  DeployRole,
  type DeployRoleArgs,
  deployPermissionsPolicy,
  deployTrustPolicy,
  PULUMI_OIDC_ISSUER,
} from "./deployRole";
export { StackDeployments, type StackDeploymentsArgs, deploymentSettingsFor } from "./stackDeployments";

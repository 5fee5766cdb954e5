export {
  SparkCluster,
  SPARK_SCRIPTS_PREFIX,
  type SparkClusterArgs,
  type SparkScaling,
  type ResolvedScaling,
  resolveScaling,
  validateSparkArgs,
  emrSecurityConfiguration,
  sparkJobPolicy,
  emrServiceExtraPolicy,
  sparkSubmitPolicy,
  fleetInstanceTypes,
  spotLaunchSpecification,
} from "./sparkCluster";
export {
  type PolicyDocument,
  type PolicyStatement,
  policyDocument,
  assumeRolePolicy,
  parseS3Uri,
  bucketNameOf,
  partitionOf,
  overBroadStatements,
} from "./iam";
export { physicalName, type NameRules } from "./names";
export * as batchPerms from "./perms";
export { type ArgProblem, describeProblems } from "./args";

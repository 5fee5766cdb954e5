export { iamNoAdminStatements } from "./iam-no-admin-statements";
export { iamNoFullAccessManagedPolicies } from "./iam-no-full-access-managed-policies";
export { iamNoKmsDecryptAll } from "./iam-no-kms-decrypt-all";
export { s3OwnershipControls } from "./s3-ownership-controls";
export { elasticacheAuth } from "./elasticache-auth";
export { redshiftNoDefaultIdentifiers } from "./redshift-no-default-identifiers";
export { iamNoServiceWildcards } from "./iam-no-service-wildcards";

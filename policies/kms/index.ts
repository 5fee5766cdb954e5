export { kmsDeletionWindow } from "./kms-deletion-window";
export { kmsKeyPolicyNoWildcardPrincipal } from "./kms-key-policy-no-wildcard-principal";
export { kmsKeyRotation } from "./kms-key-rotation";
export { kmsNoForeignAccountAccess } from "./kms-no-foreign-account-access";

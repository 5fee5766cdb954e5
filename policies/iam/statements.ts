import type { ResourceSubject } from "../lib/policy";
import { IAM_POLICY_DOCUMENT_TYPES } from "../lib/types";
import { type IamStatement, statementsOf } from "../lib/values";

export const ROLE = "aws:iam/role:Role";
export const POLICY_DOCUMENT_HOLDERS = [...IAM_POLICY_DOCUMENT_TYPES, ROLE];

/**
 * The identity-policy statements a resource grants: the `policy` document of policies and inline
 * role/user/group policies, and a role's `inlinePolicies`. Reading a document that is unknown
 * during preview throws (the rule reports "cannot verify").
 */
export function grantedStatements({ type, props }: Pick<ResourceSubject, "type" | "props">): IamStatement[] {
  if (type === ROLE) {
    return ((props.inlinePolicies ?? []) as { policy?: string }[]).flatMap((p) => statementsOf(p.policy));
  }
  return statementsOf(props.policy);
}

import { resourcePolicy } from "../lib/policy";
import { ROLE } from "./statements";

const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";
const USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
const GROUP_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment";
const USER_POLICY = "aws:iam/userPolicy:UserPolicy";

/** AWS managed policies that grant whole services or the account: `...FullAccess`, `AdministratorAccess`, `PowerUserAccess`. */
export function isBroadManagedPolicy(arn: unknown): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\/(.*\/)?([A-Za-z0-9]*FullAccess[A-Za-z0-9_]*|AdministratorAccess|PowerUserAccess)$/.test(
    String(arn),
  );
}

export const iamNoFullAccessManagedPolicies = resourcePolicy({
  name: "iam-no-full-access-managed-policies",
  description:
    "Roles, users and groups never get AWS FullAccess, AdministratorAccess or PowerUserAccess managed policies, and users get no policies of their own.",
  severity: "high",
  concern: "iam",
  remediationSteps:
    "Detach the managed policy and grant least privilege through the component's grant* methods; give inline Lambdas an explicit role so CallbackFunction attaches nothing.",
  fsbp: ["IAM.2"],
  resourceTypes: [ATTACHMENT, POLICY_ATTACHMENT, USER_ATTACHMENT, GROUP_ATTACHMENT, USER_POLICY, ROLE],
  rules: [
    {
      id: "broad-managed-policy",
      check: ({ type, props }) => {
        if (type === USER_POLICY) return undefined;
        const arns =
          type === ROLE ? ((props.managedPolicyArns ?? []) as string[]) : [props.policyArn as string];
        const broad = arns.filter(isBroadManagedPolicy);
        return broad.length
          ? `Remove ${broad.join(", ")} and grant only the actions the role needs.`
          : undefined;
      },
    },
    {
      id: "user-policy",
      check: ({ type, props }) => {
        if (type === USER_POLICY)
          return "Move the user's inline policy to a group or a role the user assumes.";
        if (type === POLICY_ATTACHMENT && ((props.users ?? []) as unknown[]).length)
          return "Attach the policy to groups or roles, not users.";
        return type === USER_ATTACHMENT
          ? "Attach the policy to a group or a role the user assumes, not to the user."
          : undefined;
      },
    },
  ],
});

import { resourcePolicy } from "../lib/policy";
import { ROLE } from "./statements";

const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";

/** AWS managed policies that grant whole services or the account: `...FullAccess`, `AdministratorAccess`, `PowerUserAccess`. */
export function isBroadManagedPolicy(arn: unknown): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\/(.*\/)?([A-Za-z0-9]*FullAccess[A-Za-z0-9_]*|AdministratorAccess|PowerUserAccess)$/.test(
    String(arn),
  );
}

export const iamNoFullAccessManagedPolicies = resourcePolicy({
  name: "iam-no-full-access-managed-policies",
  description:
    "Roles the platform creates never get AWS FullAccess, AdministratorAccess or PowerUserAccess managed policies.",
  severity: "high",
  concern: "iam",
  remediationSteps:
    "Detach the managed policy and grant least privilege through the component's grant* methods; give inline Lambdas an explicit role so CallbackFunction attaches nothing.",
  resourceTypes: [ATTACHMENT, POLICY_ATTACHMENT, ROLE],
  rules: [
    {
      id: "broad-managed-policy",
      check: ({ type, props }) => {
        const arns =
          type === ROLE ? ((props.managedPolicyArns ?? []) as string[]) : [props.policyArn as string];
        const broad = arns.filter(isBroadManagedPolicy);
        return broad.length
          ? `Remove ${broad.join(", ")} and grant only the actions the role needs.`
          : undefined;
      },
    },
  ],
});

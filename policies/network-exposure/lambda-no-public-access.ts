import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

const PERMISSION = "aws:lambda/permission:Permission";
const FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl";

export const lambdaNoPublicAccess = resourcePolicy({
  name: "lambda-no-public-access",
  description: "Lambda permissions and function URLs never grant invocation to everyone.",
  severity: "critical",
  concern: "network-exposure",
  fsbp: ["Lambda.1"],
  remediationSteps:
    "Grant invocation to a specific principal; for a service principal also set sourceArn (and sourceAccount); give function URLs authorizationType AWS_IAM.",
  resourceTypes: [PERMISSION, FUNCTION_URL],
  rules: [
    {
      id: "wildcard-principal",
      check: ({ type, props }) =>
        type === PERMISSION && props.principal === "*"
          ? "Replace principal `*` with the calling account or service."
          : undefined,
    },
    {
      id: "service-without-source",
      check: ({ type, props }) => {
        if (type !== PERMISSION || !String(props.principal).endsWith(".amazonaws.com")) return undefined;
        return present(props, "sourceArn") || present(props, "sourceAccount")
          ? undefined
          : `Set sourceArn (and sourceAccount) so only your ${props.principal} resources can invoke the function.`;
      },
    },
    {
      id: "function-url-auth",
      check: ({ type, props }) =>
        type === FUNCTION_URL && props.authorizationType !== "AWS_IAM"
          ? "Set authorizationType to AWS_IAM."
          : undefined,
    },
  ],
});

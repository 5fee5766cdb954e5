import { resourcePolicy } from "../lib/policy";

/** Lambda runtimes without a deprecation date before 2027 (AWS Lambda runtimes page); the pack config can change the list. */
export const SUPPORTED_RUNTIMES = [
  "nodejs22.x",
  "nodejs24.x",
  "python3.12",
  "python3.13",
  "python3.14",
  "java21",
  "java25",
  "dotnet8",
  "dotnet10",
  "ruby3.3",
  "ruby3.4",
  "provided.al2023",
];

export const lambdaSupportedRuntime = resourcePolicy({
  name: "lambda-supported-runtime",
  description: "Lambda functions use a runtime that AWS still patches.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["Lambda.2"],
  remediationSteps:
    "Move the function to a supported runtime (CallbackFunction defaults to nodejs22.x); deprecated runtimes get no security patches and soon cannot be updated.",
  resourceTypes: ["aws:lambda/function:Function"],
  configSchema: {
    properties: {
      supportedRuntimes: { type: "array", items: { type: "string" }, default: SUPPORTED_RUNTIMES },
    },
  },
  rules: [
    {
      id: "supported-runtime",
      check: ({ props, config }) => {
        if (props.packageType === "Image" || props.runtime === undefined) return undefined;
        const supported = (config.supportedRuntimes ?? []) as string[];
        return supported.includes(String(props.runtime))
          ? undefined
          : `Runtime ${props.runtime} is deprecated or unknown: use one of ${supported.join(", ")}.`;
      },
    },
  ],
});

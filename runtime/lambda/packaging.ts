import * as fs from "fs";
import * as path from "path";

/**
 * npm packages the inline Lambda code needs at run time and that the Lambda Node.js runtime does
 * not provide. Everything else among the production dependencies is excluded from the package:
 * the AWS SDK v3 ships with the runtime, and the rest (Pulumi, ipaddr.js, ...) is deploy-time only.
 */
export const LAMBDA_PACKAGED_DEPENDENCIES = [
  "zod",
  // Telemetry (runtime/telemetry): logs, EMF metrics and X-Ray subsegments.
  "@aws-lambda-powertools/logger",
  "@aws-lambda-powertools/metrics",
  "@aws-lambda-powertools/tracer",
] as const;

/**
 * `codePathOptions` for every `CallbackFunction` built on the runtime: excludes each production
 * dependency of `package.json` except `LAMBDA_PACKAGED_DEPENDENCIES` (deploy-time code; never
 * called inside a closure).
 *
 * @example
 * new aws.lambda.CallbackFunction(name, { callbackFactory: streamProcessorFactory, codePathOptions: lambdaCodePathOptions() });
 */
export function lambdaCodePathOptions(packageJsonPath = path.join(__dirname, "..", "..", "package.json")): {
  extraExcludePackages: string[];
} {
  const pkg = JSON.parse(fs.readFileSync(packageJsonPath, "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const keep = new Set<string>(LAMBDA_PACKAGED_DEPENDENCIES);
  return { extraExcludePackages: Object.keys(pkg.dependencies ?? {}).filter((d) => !keep.has(d)) };
}

import { z } from "zod";
import { DomainConfigSchema } from "../../config/domain";

/** Configuration of the deployments project (keys `deployments:*`). */
export const configSchema = DomainConfigSchema.extend({
  /** GitHub repository the platform is deployed from, as `owner/name`. Required outside local. */
  repository: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, { error: "a GitHub repository as owner/name" })
    .optional(),
  /** Branch that deploys. Default `main`. */
  branch: z.string().min(1).default("main"),
  /** Deploy on push to the branch. Default: true for dev; prod deploys from release tags (see README). */
  deployOnPush: z.boolean({ error: "true or false" }).optional(),
  /** Name of the published policy pack: the name in `policies/index.ts`. Default `aws-data-platform`. */
  policyPackName: z.string().min(1).default("aws-data-platform"),
  /**
   * Policy levels the policy group enforces: `policies/<value>.json`. Default: the stack name (a stack
   * without such a file, e.g. `dr`, names the levels it runs with: `prod`).
   */
  policyEnvironment: z.enum(["dev", "prod"], { error: "dev or prod (policies/<value>.json)" }).optional(),
  /** Role ARN to use instead of the platform stack's `deployRoleArn` output. */
  awsRoleArn: z.string().startsWith("arn:aws:iam::", { error: "an IAM role ARN" }).optional(),
});

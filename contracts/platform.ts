import { z } from "zod";
import { ENVIRONMENTS } from "../config/schema";

/** Bumped when an output is removed or changes meaning; consumers refuse a contract they do not know. */
export const PLATFORM_CONTRACT_VERSION = 1;

/** Name of the platform project; the StackReference convention is `<org>/data-platform/<stack>`. */
export const PLATFORM_PROJECT = "data-platform";

/**
 * The platform stack's outputs: what every domain stack may rely on. Declared once; the root
 * program's exports are typed against it and domain stacks validate what they read with it.
 */
export const PlatformOutputsSchema = z.object({
  contractVersion: z.literal(PLATFORM_CONTRACT_VERSION),
  environment: z.enum(ENVIRONMENTS),
  region: z.string().min(1),
  drRegion: z.string().min(1),
  /** Tags every resource of the environment carries (provider default tags, without Domain). */
  tags: z.record(z.string(), z.string()),
  /** Log retention in days for log groups domains create. */
  logRetentionDays: z.number().int().positive(),
  /** IAM role Pulumi Deployments assumes by OIDC for this environment (absent on `local`). */
  deployRoleArn: z.string().startsWith("arn:").optional(),
});

export type PlatformOutputs = z.infer<typeof PlatformOutputsSchema>;

import { z } from "zod";

/** Data classification of a domain's data products; drives the Lake Formation tag and key choice. */
export const DATA_CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"] as const;

/**
 * Configuration every domain project shares (keys in the domain's own namespace, e.g.
 * `orders:owner`). Domains extend it with their data products' settings.
 */
export const DomainConfigSchema = z.strictObject({
  /** Owner tag of the domain's resources. Default: the platform's owner. */
  owner: z.string().min(1, { error: "a non-empty tag value" }).max(256).optional(),
  /** CostCenter tag. Default: the platform's cost center. */
  costCenter: z.string().min(1, { error: "a non-empty tag value" }).max(256).optional(),
  /** Full name of the platform stack to read. Default `<org>/data-platform/<this stack>`. */
  platformStack: z
    .string()
    .regex(/^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/, {
      error: "a stack name such as my-org/data-platform/dev",
    })
    .optional(),
  /** Classification of the domain's data. Default `internal`. */
  dataClassification: z
    .enum(DATA_CLASSIFICATIONS, { error: `one of ${DATA_CLASSIFICATIONS.join(", ")}` })
    .default("internal"),
});

export type DomainConfig = z.infer<typeof DomainConfigSchema>;

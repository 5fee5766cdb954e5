import type { PlatformConfig } from "../../config/schema";

/** Tag keys every resource carries (through the provider's default tags). */
export const REQUIRED_TAG_KEYS = ["Environment", "Domain", "Owner", "CostCenter", "ManagedBy"] as const;

/**
 * Default tags of a project's AWS providers. `domain` is `platform` for the platform project and
 * the domain name for a domain stack. Extra tags from config never override the required keys.
 */
export function defaultTags(args: {
  environment: string;
  domain: string;
  owner: string;
  costCenter: string;
  project: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    ...(args.extra ?? {}),
    Environment: args.environment,
    Domain: args.domain,
    Owner: args.owner,
    CostCenter: args.costCenter,
    ManagedBy: "pulumi",
    Project: args.project,
  };
}

/** The platform project's default tags from its configuration. */
export function platformTags(cfg: PlatformConfig, project: string): Record<string, string> {
  return defaultTags({
    environment: cfg.environment,
    domain: "platform",
    owner: cfg.owner,
    costCenter: cfg.costCenter,
    project,
    extra: cfg.tags,
  });
}

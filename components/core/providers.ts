import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Provider settings taken from the stack's `aws:` configuration besides region and tags: the `local`
 * stack points them at the emulators (endpoints, skipped credential checks, path-style S3), exactly
 * what a user would set to run the same program against LocalStack.
 */
const PASSTHROUGH_KEYS = [
  "endpoints",
  "skipCredentialsValidation",
  "skipRequestingAccountId",
  "skipMetadataApiCheck",
  "skipRegionValidation",
  "s3UsePathStyle",
  "accessKey",
  "secretKey",
  "profile",
  "assumeRoles",
  "allowedAccountIds",
] as const;

/** The `aws:` settings of the running stack that explicit providers must carry, decoded from config. */
export function providerSettingsFromConfig(
  all: Record<string, string> = pulumi.runtime.allConfig(),
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of PASSTHROUGH_KEYS) {
    const text = all[`aws:${key}`];
    if (text === undefined) continue;
    try {
      out[key] = JSON.parse(text);
    } catch {
      out[key] = text;
    }
  }
  return out;
}

export interface ProvidersArgs {
  /** Primary region. */
  readonly region: pulumi.Input<string>;
  /** Disaster-recovery region (replicas, key replicas, backup copies). */
  readonly drRegion: pulumi.Input<string>;
  /** Default tags applied to every taggable resource. */
  readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * The only AWS account these providers may act in (`allowedAccountIds`): a deployment with
   * credentials of any other account fails before it changes anything. Default: none (only `local`).
   */
  readonly accountId?: pulumi.Input<string>;
  /** Extra provider settings. Default: the stack's own `aws:` settings (`providerSettingsFromConfig`). */
  readonly settings?: Record<string, unknown>;
}

/**
 * The explicit AWS providers of a project: `primary` and `dr`. Explicit rather than default
 * providers so default tags come from typed config and the offline plan shows them. With
 * `accountId`, both carry `allowedAccountIds: [accountId]`: two environments in one account are a
 * deliberate choice (both name it), never an accident of the credentials at hand.
 */
export function createProviders(
  name: string,
  args: ProvidersArgs,
): { primary: aws.Provider; dr: aws.Provider } {
  const make = (role: string, region: pulumi.Input<string>) =>
    new aws.Provider(`${name}-${role}`, {
      ...((args.settings ?? providerSettingsFromConfig()) as aws.ProviderArgs),
      ...(args.accountId !== undefined ? { allowedAccountIds: [args.accountId] } : {}),
      region: region as pulumi.Input<aws.Region>,
      defaultTags: { tags: args.tags },
    });
  return { primary: make("aws", args.region), dr: make("aws-dr", args.drRegion) };
}

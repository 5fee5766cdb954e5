import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { readDomainConfig } from "../../config";
import type { PlatformOutputs } from "../../contracts/platform";
import { readPlatformStack } from "../../contracts/reference";
import { createProviders } from "./providers";
import { defaultTags } from "./tags";

/** What a domain stack starts from: its validated config, the platform contract and tagged providers. */
export interface DomainContext<C> {
  readonly name: string;
  readonly config: C;
  readonly platformStack: string;
  readonly platform: pulumi.Output<PlatformOutputs>;
  readonly providers: { primary: aws.Provider; dr: aws.Provider };
  readonly tags: pulumi.Output<Record<string, string>>;
}

/**
 * Opens a domain stack: reads the domain's config against `schema` (which extends
 * `DomainConfigSchema`), reads the platform stack through the typed StackReference, and creates the
 * domain's providers in the platform's regions with the domain's default tags.
 *
 * @example
 * const domain = openDomain(OrdersConfigSchema);
 * new Pipeline("orders", { ... }, { provider: domain.providers.primary });
 */
export function openDomain<
  S extends z.ZodType<{ owner?: string; costCenter?: string; platformStack?: string }>,
>(schema: S): DomainContext<z.infer<S>> {
  const name = pulumi.getProject();
  const config = readDomainConfig(schema);
  const { name: platformStack, outputs: platform } = readPlatformStack({ override: config.platformStack });
  const tags = platform.apply((p) =>
    defaultTags({
      environment: p.environment,
      domain: name,
      owner: config.owner ?? p.tags.Owner,
      costCenter: config.costCenter ?? p.tags.CostCenter,
      project: name,
    }),
  );
  const providers = createProviders(name, {
    region: platform.apply((p) => p.region),
    drRegion: platform.apply((p) => p.drRegion),
    tags,
  });
  return { name, config, platformStack, platform, providers, tags };
}

import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { readDomainConfig } from "../../config";
import type { PlatformOutputs } from "../../contracts/platform";
import { readPlatformStackValues } from "../../contracts/reference";
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

/** A domain stack opened with the platform's outputs as plain values (`loadDomain`). */
export interface DomainStack<C> extends DomainContext<C> {
  /**
   * The platform contract as read from the platform stack: the environment, the account, the
   * platform's `settings` (streaming, batch, alarms, lake) and which optional parts exist
   * (`backup`, `cache`, `warehouse`, `batch`). Domains decide what to declare from these values.
   */
  readonly settings: PlatformOutputs;
}

/**
 * Opens a domain stack from the platform's live outputs: reads the domain's config, awaits the
 * platform stack's outputs (validated against the contract) and creates the domain's providers in
 * the platform's regions, restricted to the platform's account (`allowedAccountIds`), with the
 * domain's default tags. Any stack name works: the environment comes from the platform, not from
 * the stack's name. Domain programs call it from their exported async main function.
 *
 * @example
 * export = async () => {
 *   const domain = await loadDomain(configSchema);
 *   if (domain.settings.backup) ...
 * };
 */
export async function loadDomain<
  S extends z.ZodType<{ owner?: string; costCenter?: string; platformStack?: string }>,
>(schema: S): Promise<DomainStack<z.infer<S>>> {
  const name = pulumi.getProject();
  const config = readDomainConfig(schema);
  const {
    name: platformStack,
    ref,
    values,
  } = await readPlatformStackValues({
    override: config.platformStack,
  });
  const tagValues = defaultTags({
    environment: values.environment,
    domain: name,
    owner: config.owner ?? values.tags.Owner,
    costCenter: config.costCenter ?? values.tags.CostCenter,
    project: name,
  });
  const providers = createProviders(name, {
    region: values.region,
    drRegion: values.drRegion,
    tags: tagValues,
    ...(values.accountId ? { accountId: values.accountId } : {}),
  });
  return {
    name,
    config,
    platformStack,
    // The same values as an Output of the StackReference, so every input built from them records
    // the reference as its dependency (the plan shows where each ARN and id came from).
    platform: ref.outputs.apply(() => values),
    providers,
    tags: pulumi.output(tagValues),
    settings: values,
  };
}

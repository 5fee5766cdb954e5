/**
 * The platform project (`data-platform`): what every domain shares. It reads the typed platform
 * configuration, creates the tagged AWS providers and exports the platform contract that domain
 * stacks read through a StackReference.
 */
import * as pulumi from "@pulumi/pulumi";
import { readPlatformConfig } from "./config";
import { DeployRole } from "./components/delivery";
import { createProviders } from "./components/core/providers";
import { platformTags } from "./components/core/tags";
import { PLATFORM_CONTRACT_VERSION, PLATFORM_PROJECT, type PlatformOutputs } from "./contracts/platform";

const cfg = readPlatformConfig();
const tags = platformTags(cfg, PLATFORM_PROJECT);
const providers = createProviders("platform", { region: cfg.region, drRegion: cfg.drRegion, tags });

// The role Pulumi Deployments assumes by OIDC to deploy this environment (no long-lived keys).
const deployRole =
  cfg.environment === "local"
    ? undefined
    : new DeployRole(
        "deploy",
        { organization: pulumi.getOrganization(), stack: pulumi.getStack() },
        { provider: providers.primary },
      );

const outputs: Omit<PlatformOutputs, "deployRoleArn"> = {
  contractVersion: PLATFORM_CONTRACT_VERSION,
  environment: cfg.environment,
  region: cfg.region,
  drRegion: cfg.drRegion,
  tags,
  logRetentionDays: cfg.observability.logRetentionDays,
};

export = { ...outputs, ...(deployRole ? { deployRoleArn: deployRole.roleArn } : {}) };

/**
 * The platform project (`data-platform`): what every domain shares. It reads the typed platform
 * configuration, creates the tagged AWS providers and exports the platform contract that domain
 * stacks read through a StackReference.
 */
import { readPlatformConfig } from "./config";
import { createProviders } from "./components/core/providers";
import { platformTags } from "./components/core/tags";
import { PLATFORM_CONTRACT_VERSION, PLATFORM_PROJECT, type PlatformOutputs } from "./contracts/platform";

const cfg = readPlatformConfig();
const tags = platformTags(cfg, PLATFORM_PROJECT);
createProviders("platform", { region: cfg.region, drRegion: cfg.drRegion, tags });

const outputs: PlatformOutputs = {
  contractVersion: PLATFORM_CONTRACT_VERSION,
  environment: cfg.environment,
  region: cfg.region,
  drRegion: cfg.drRegion,
  tags,
  logRetentionDays: cfg.observability.logRetentionDays,
};

export = outputs;

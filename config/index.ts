import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import {
  decodeRawConfig,
  parseConfig,
  PLATFORM_NAMESPACE,
  programNamespaceWarnings,
  resolvePlatformConfig,
} from "./load";
import type { PlatformConfig } from "./schema";

export * from "./cidr";
export * from "./defaults";
export * from "./errors";
export * from "./limits";
export * from "./load";
export * from "./schema";

/**
 * Reads and validates the platform configuration of the running stack. `aws:region` is honoured as
 * the region when `data-platform:region` is not set. A bad value stops the program with a
 * `pulumi.RunError` listing every rejected key, its value and what it accepts.
 */
export function readPlatformConfig(): PlatformConfig {
  const all = pulumi.runtime.allConfig();
  for (const w of programNamespaceWarnings(all, pulumi.getProject())) pulumi.log.warn(w);
  const raw = decodeRawConfig(all, PLATFORM_NAMESPACE);
  if (raw.region === undefined && all["aws:region"] !== undefined) raw.region = all["aws:region"];
  const stack = pulumi.getStack();
  try {
    return resolvePlatformConfig(
      raw,
      stack,
      PLATFORM_NAMESPACE,
      `stack "${stack}" of project "${pulumi.getProject()}"`,
    );
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

export * from "./domain";

/**
 * Reads and validates a domain project's configuration (its own namespace) against `schema`,
 * which extends `DomainConfigSchema`. Errors name the key, the value and what is allowed.
 */
export function readDomainConfig<T extends import("zod").ZodType>(schema: T): import("zod").infer<T> {
  const project = pulumi.getProject();
  const all = pulumi.runtime.allConfig();
  for (const w of programNamespaceWarnings(all, project)) pulumi.log.warn(w);
  const raw = decodeRawConfig(all, project);
  try {
    return parseConfig(schema, raw, project, `stack "${pulumi.getStack()}" of project "${project}"`);
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

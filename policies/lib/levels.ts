/**
 * Enforcement levels have one source: the pack config files beside the pack, `policies/dev.json`
 * and `policies/prod.json` — the files `pulumi preview --policy-pack-config`, the Pulumi Cloud
 * policy group and `npm run check --env` read. A policy file declares no level. The level a
 * policy carries in code (what the engine applies when the pack runs without a config file) is
 * its `prod.json` level, so a pack started without config is as strict as prod, never laxer.
 */
import prod from "../prod.json";
import type { EnforcementLevel } from "@pulumi/policy";

type Entry = EnforcementLevel | { enforcementLevel?: EnforcementLevel } | undefined;

/** Fallback for a policy `prod.json` does not list yet (the meta-test requires an entry). */
export const UNLISTED_LEVEL: EnforcementLevel = "mandatory";

/** The level the pack serves a policy at when no config file is given: its `prod.json` level. */
export function defaultEnforcementLevel(policyName: string): EnforcementLevel {
  const entry = (prod as Record<string, Entry>)[policyName];
  const level = typeof entry === "string" ? entry : entry?.enforcementLevel;
  return level ?? UNLISTED_LEVEL;
}

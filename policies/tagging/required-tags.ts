import { UnknownValueError } from "../lib/analyzer";
import { resourcePolicy, type ResourceSubject } from "../lib/policy";
import { effectiveTags, raw, UNKNOWN_VALUES } from "../lib/values";
import catalog from "./taggable-types.json";

/** Tag keys every taggable resource must carry (the platform's default tags). */
export const DEFAULT_REQUIRED_TAG_KEYS = ["Environment", "Domain", "Owner", "CostCenter", "ManagedBy"];

/** `@pulumi/aws` types whose args take a `tags` map (derived from the package, see tools/aws-catalog.ts). */
export const TAGGABLE_TYPES: readonly string[] = catalog.taggable;

interface TagConfig {
  requiredKeys: string[];
  defaults: Record<string, string>;
}

/** Required keys missing from the resource's tags merged over its provider's default tags. */
export function missingTagKeys(
  subject: Pick<ResourceSubject, "props" | "provider">,
  required: readonly string[],
) {
  const { tags, partlyUnknown, notInDocument } = effectiveTags(subject.props, subject.provider);
  return { missing: required.filter((k) => !(k in tags)), partlyUnknown, tags, notInDocument };
}

export const requiredTags = resourcePolicy({
  name: "required-tags",
  description:
    "Every taggable resource carries the required tag keys, counting the AWS provider's default tags.",
  severity: "medium",
  concern: "tagging",
  remediationSteps:
    "Set the missing keys in the provider's defaultTags (components/core/tags.ts) or in the resource's tags; in dev the pack fills missing keys from its `defaults` config.",
  resourceTypes: TAGGABLE_TYPES,
  configSchema: {
    properties: {
      requiredKeys: { type: "array", items: { type: "string" }, default: DEFAULT_REQUIRED_TAG_KEYS },
      defaults: { type: "object", additionalProperties: { type: "string" }, default: {} },
    },
  },
  rules: [
    {
      id: "required-keys",
      check: (s) => {
        const { requiredKeys } = s.config as TagConfig;
        const { missing, partlyUnknown, notInDocument } = missingTagKeys(s, requiredKeys);
        if (!missing.length) return undefined;
        // The missing keys may be in the part not known yet: report "cannot verify", never a pass or a failure.
        if (notInDocument) throw notInDocument;
        if (partlyUnknown) throw new UnknownValueError([...UNKNOWN_VALUES][2], ["tags"]);
        return `Add the tag keys ${missing.join(", ")} (provider defaultTags or the resource's tags).`;
      },
    },
    {
      id: "non-empty",
      check: (s) => {
        const { requiredKeys } = s.config as TagConfig;
        const { tags } = missingTagKeys(s, requiredKeys);
        const empty = requiredKeys.filter((k) => k in tags && (tags[k] === "" || tags[k] === null));
        return empty.length ? `Give the tags ${empty.join(", ")} a non-empty value.` : undefined;
      },
    },
  ],
  remediate: (s) => {
    const { requiredKeys, defaults } = s.config as TagConfig;
    const { missing, partlyUnknown } = missingTagKeys(s, requiredKeys);
    const fill = Object.fromEntries(missing.filter((k) => defaults[k]).map((k) => [k, defaults[k]]));
    if (partlyUnknown || !Object.keys(fill).length) return undefined;
    const props = raw(s.props);
    return { ...props, tags: { ...((props.tags as Record<string, string>) ?? {}), ...fill } };
  },
});

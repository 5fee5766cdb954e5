import type * as aws from "@pulumi/aws";

/**
 * How long objects of a bucket stay in each storage class. Days count from object creation
 * (noncurrent days from the moment a version is superseded). Every field is optional; a bucket's
 * policy is its kind's default (`LIFECYCLE_DEFAULTS`) with the given fields laid over it.
 */
export interface LifecyclePolicy {
  /** Move current objects to Standard-IA after this many days (at least 30). Default: per kind. */
  readonly transitionToIaDays?: number;
  /** Move current objects to Intelligent-Tiering after this many days. Default: per kind. */
  readonly transitionToIntelligentTieringDays?: number;
  /** Move current objects to Glacier Flexible Retrieval after this many days. Default: per kind. */
  readonly transitionToGlacierDays?: number;
  /** Move current objects to Glacier Deep Archive after this many days. Default: per kind. */
  readonly transitionToDeepArchiveDays?: number;
  /** Delete current objects after this many days. Default: never for data zones. */
  readonly expirationDays?: number;
  /** Delete superseded versions after this many days. Default: per kind (30-90). */
  readonly noncurrentVersionExpirationDays?: number;
  /** Abort multipart uploads left incomplete after this many days. Default 7 (1 for logs and results). */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Opt-in archive tiers of Intelligent-Tiering (objects there are not readable by Athena until
   * restored). Needs `transitionToIntelligentTieringDays`. Default: none.
   */
  readonly intelligentTieringArchive?: {
    /** Days without access before Archive Access (90-730). */
    readonly archiveAccessDays?: number;
    /** Days without access before Deep Archive Access (180-730). */
    readonly deepArchiveAccessDays?: number;
  };
}

/** What a lake bucket holds; selects its default lifecycle. */
export const BUCKET_KINDS = [
  "raw",
  "processed",
  "curated",
  "queryResults",
  "accessLogs",
  "artifacts",
] as const;
export type BucketKind = (typeof BUCKET_KINDS)[number];

/**
 * Defaults per kind. Raw is the source of truth: it ages to IA and Glacier but is never expired.
 * Processed and curated are queried: Intelligent-Tiering from day 0, no archive tiers (Athena cannot
 * read archived objects). Query results are scratch data; access logs are kept a year.
 */
export const LIFECYCLE_DEFAULTS: Record<BucketKind, LifecyclePolicy> = {
  raw: {
    transitionToIaDays: 30,
    transitionToGlacierDays: 90,
    noncurrentVersionExpirationDays: 30,
    abortIncompleteMultipartUploadDays: 7,
  },
  processed: {
    transitionToIntelligentTieringDays: 0,
    noncurrentVersionExpirationDays: 30,
    abortIncompleteMultipartUploadDays: 7,
  },
  curated: {
    transitionToIntelligentTieringDays: 0,
    noncurrentVersionExpirationDays: 90,
    abortIncompleteMultipartUploadDays: 7,
  },
  queryResults: {
    expirationDays: 30,
    noncurrentVersionExpirationDays: 1,
    abortIncompleteMultipartUploadDays: 1,
  },
  accessLogs: {
    transitionToIaDays: 30,
    transitionToGlacierDays: 90,
    expirationDays: 365,
    noncurrentVersionExpirationDays: 30,
    abortIncompleteMultipartUploadDays: 1,
  },
  artifacts: {
    noncurrentVersionExpirationDays: 90,
    abortIncompleteMultipartUploadDays: 1,
  },
};

/** Transitions in the order S3 allows them (objects only ever move down this list). */
const TRANSITIONS = [
  { field: "transitionToIaDays", storageClass: "STANDARD_IA" },
  { field: "transitionToIntelligentTieringDays", storageClass: "INTELLIGENT_TIERING" },
  { field: "transitionToGlacierDays", storageClass: "GLACIER" },
  { field: "transitionToDeepArchiveDays", storageClass: "DEEP_ARCHIVE" },
] as const;

/** Standard-IA: minimum age before the transition, and minimum stay before the next one. */
export const IA_MINIMUM_DAYS = 30;

/** The policy of a bucket: its kind's defaults with `override` laid over them. */
export function resolveLifecycle(kind: BucketKind, override: LifecyclePolicy = {}): LifecyclePolicy {
  return { ...LIFECYCLE_DEFAULTS[kind], ...override };
}

/**
 * Every reason S3 would reject the policy, or the platform considers it a mistake, each naming the
 * field (under `path`), the value and what is allowed. Empty when the policy is valid.
 */
export function lifecycleProblems(policy: LifecyclePolicy, path = "lifecycle"): string[] {
  const problems: string[] = [];
  const f = (field: string) => `${path}.${field}`;
  const intField = (field: keyof LifecyclePolicy, min: number): number | undefined => {
    const v = policy[field];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      problems.push(`${f(field)} = ${JSON.stringify(v)}: an integer of at least ${min} days`);
      return undefined;
    }
    return v;
  };

  const placed: { field: string; storageClass: string; days: number }[] = [];
  for (const t of TRANSITIONS) {
    const days = intField(t.field, 0);
    if (days !== undefined) placed.push({ field: t.field, storageClass: t.storageClass, days });
  }
  const ia = placed.find((t) => t.storageClass === "STANDARD_IA");
  if (ia && ia.days < IA_MINIMUM_DAYS) {
    problems.push(
      `${f(ia.field)} = ${ia.days}: at least ${IA_MINIMUM_DAYS} (S3 moves objects to Standard-IA only once they are ${IA_MINIMUM_DAYS} days old)`,
    );
  }
  for (let i = 1; i < placed.length; i++) {
    const prev = placed[i - 1];
    const cur = placed[i];
    if (cur.days <= prev.days) {
      problems.push(
        `${f(cur.field)} = ${cur.days}: later than ${f(prev.field)} (${prev.days}); objects move to ${cur.storageClass} only after ${prev.storageClass}`,
      );
    } else if (prev.storageClass === "STANDARD_IA" && cur.days < prev.days + IA_MINIMUM_DAYS) {
      problems.push(
        `${f(cur.field)} = ${cur.days}: at least ${prev.days + IA_MINIMUM_DAYS} (${IA_MINIMUM_DAYS} days after ${f(prev.field)}); objects stay ${IA_MINIMUM_DAYS} days in Standard-IA`,
      );
    }
  }

  const expiration = intField("expirationDays", 1);
  const last = placed[placed.length - 1];
  if (expiration !== undefined && last && expiration <= last.days) {
    problems.push(
      `${f("expirationDays")} = ${expiration}: later than every transition (${f(last.field)} = ${last.days})`,
    );
  }
  intField("noncurrentVersionExpirationDays", 1);
  intField("abortIncompleteMultipartUploadDays", 1);

  const archive = policy.intelligentTieringArchive;
  if (archive) {
    if (policy.transitionToIntelligentTieringDays === undefined) {
      problems.push(
        `${f("intelligentTieringArchive")}: needs ${f("transitionToIntelligentTieringDays")} (archive tiers only apply to objects in Intelligent-Tiering)`,
      );
    }
    const check = (key: "archiveAccessDays" | "deepArchiveAccessDays", min: number) => {
      const v = archive[key];
      if (v === undefined) return undefined;
      if (!Number.isInteger(v) || v < min || v > 730) {
        problems.push(
          `${f(`intelligentTieringArchive.${key}`)} = ${JSON.stringify(v)}: an integer from ${min} to 730`,
        );
        return undefined;
      }
      return v;
    };
    const a = check("archiveAccessDays", 90);
    const d = check("deepArchiveAccessDays", 180);
    if (a !== undefined && d !== undefined && d <= a) {
      problems.push(
        `${f("intelligentTieringArchive.deepArchiveAccessDays")} = ${d}: more than archiveAccessDays (${a})`,
      );
    }
    if (archive.archiveAccessDays === undefined && archive.deepArchiveAccessDays === undefined) {
      problems.push(
        `${f("intelligentTieringArchive")}: set archiveAccessDays, deepArchiveAccessDays or both`,
      );
    }
  }
  return problems;
}

type Rule = aws.types.input.s3.BucketLifecycleConfigurationRule;

/** The S3 lifecycle rules of a (valid) policy: one rule over the whole bucket. */
export function lifecycleRules(policy: LifecyclePolicy): Rule[] {
  const transitions = TRANSITIONS.filter((t) => policy[t.field] !== undefined).map((t) => ({
    days: policy[t.field] as number,
    storageClass: t.storageClass,
  }));
  const rule: Rule = {
    id: "lake-lifecycle",
    status: "Enabled",
    filter: {},
    ...(transitions.length ? { transitions } : {}),
    expiration:
      policy.expirationDays !== undefined
        ? { days: policy.expirationDays }
        : { expiredObjectDeleteMarker: true },
    ...(policy.noncurrentVersionExpirationDays !== undefined
      ? { noncurrentVersionExpiration: { noncurrentDays: policy.noncurrentVersionExpirationDays } }
      : {}),
    ...(policy.abortIncompleteMultipartUploadDays !== undefined
      ? { abortIncompleteMultipartUpload: { daysAfterInitiation: policy.abortIncompleteMultipartUploadDays } }
      : {}),
  };
  return [rule];
}

/** Intelligent-Tiering archive tiers of a policy, or none. */
export function intelligentTieringTiers(policy: LifecyclePolicy): { accessTier: string; days: number }[] {
  const a = policy.intelligentTieringArchive;
  if (!a) return [];
  return [
    ...(a.archiveAccessDays !== undefined
      ? [{ accessTier: "ARCHIVE_ACCESS", days: a.archiveAccessDays }]
      : []),
    ...(a.deepArchiveAccessDays !== undefined
      ? [{ accessTier: "DEEP_ARCHIVE_ACCESS", days: a.deepArchiveAccessDays }]
      : []),
  ];
}

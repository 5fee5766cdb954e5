import {
  BUCKET_KINDS,
  intelligentTieringTiers,
  LIFECYCLE_DEFAULTS,
  lifecycleProblems,
  lifecycleRules,
  resolveLifecycle,
} from "./lifecycle";

describe("lifecycle validation", () => {
  it("accepts every default policy", () => {
    for (const kind of BUCKET_KINDS) expect(lifecycleProblems(LIFECYCLE_DEFAULTS[kind])).toEqual([]);
  });

  it("rejects Standard-IA before 30 days, naming the field, the value and the minimum", () => {
    expect(lifecycleProblems({ transitionToIaDays: 10 }, "lake.raw")).toEqual([
      "lake.raw.transitionToIaDays = 10: at least 30 (S3 moves objects to Standard-IA only once they are 30 days old)",
    ]);
  });

  it("rejects Glacier that does not come after Standard-IA", () => {
    const [problem] = lifecycleProblems({ transitionToIaDays: 60, transitionToGlacierDays: 45 });
    expect(problem).toMatch(
      /^lifecycle\.transitionToGlacierDays = 45: later than lifecycle\.transitionToIaDays \(60\)/,
    );
  });

  it("rejects Glacier sooner than 30 days after Standard-IA", () => {
    expect(lifecycleProblems({ transitionToIaDays: 30, transitionToGlacierDays: 45 })).toEqual([
      "lifecycle.transitionToGlacierDays = 45: at least 60 (30 days after lifecycle.transitionToIaDays); objects stay 30 days in Standard-IA",
    ]);
    expect(lifecycleProblems({ transitionToIaDays: 30, transitionToGlacierDays: 60 })).toEqual([]);
  });

  it("rejects Deep Archive that does not follow Glacier", () => {
    expect(lifecycleProblems({ transitionToGlacierDays: 90, transitionToDeepArchiveDays: 90 })[0]).toMatch(
      /transitionToDeepArchiveDays = 90: later than lifecycle\.transitionToGlacierDays \(90\)/,
    );
  });

  it("rejects an expiry before or at the last transition", () => {
    expect(
      lifecycleProblems({ transitionToIaDays: 30, transitionToGlacierDays: 90, expirationDays: 60 }),
    ).toEqual([
      "lifecycle.expirationDays = 60: later than every transition (lifecycle.transitionToGlacierDays = 90)",
    ]);
    expect(lifecycleProblems({ transitionToGlacierDays: 90, expirationDays: 91 })).toEqual([]);
  });

  it("rejects fractional, negative and zero day counts", () => {
    expect(
      lifecycleProblems({
        transitionToGlacierDays: 1.5,
        noncurrentVersionExpirationDays: 0,
        abortIncompleteMultipartUploadDays: -1,
      }),
    ).toEqual([
      "lifecycle.transitionToGlacierDays = 1.5: an integer of at least 0 days",
      "lifecycle.noncurrentVersionExpirationDays = 0: an integer of at least 1 days",
      "lifecycle.abortIncompleteMultipartUploadDays = -1: an integer of at least 1 days",
    ]);
  });

  it("rejects Intelligent-Tiering archive tiers without Intelligent-Tiering or outside AWS's ranges", () => {
    expect(lifecycleProblems({ intelligentTieringArchive: { archiveAccessDays: 90 } })).toEqual([
      "lifecycle.intelligentTieringArchive: needs lifecycle.transitionToIntelligentTieringDays (archive tiers only apply to objects in Intelligent-Tiering)",
    ]);
    expect(
      lifecycleProblems({
        transitionToIntelligentTieringDays: 0,
        intelligentTieringArchive: { archiveAccessDays: 30, deepArchiveAccessDays: 800 },
      }),
    ).toEqual([
      "lifecycle.intelligentTieringArchive.archiveAccessDays = 30: an integer from 90 to 730",
      "lifecycle.intelligentTieringArchive.deepArchiveAccessDays = 800: an integer from 180 to 730",
    ]);
    expect(
      lifecycleProblems({
        transitionToIntelligentTieringDays: 0,
        intelligentTieringArchive: { archiveAccessDays: 200, deepArchiveAccessDays: 180 },
      }),
    ).toEqual([
      "lifecycle.intelligentTieringArchive.deepArchiveAccessDays = 180: more than archiveAccessDays (200)",
    ]);
  });

  it("reports every problem at once", () => {
    expect(lifecycleProblems({ transitionToIaDays: 5, expirationDays: 3 })).toHaveLength(2);
  });
});

describe("lifecycle rules", () => {
  it("keeps raw data forever but ages it to Standard-IA then Glacier and aborts stale uploads", () => {
    const [rule] = lifecycleRules(LIFECYCLE_DEFAULTS.raw);
    expect(rule).toMatchObject({
      status: "Enabled",
      filter: {},
      transitions: [
        { days: 30, storageClass: "STANDARD_IA" },
        { days: 90, storageClass: "GLACIER" },
      ],
      expiration: { expiredObjectDeleteMarker: true },
      noncurrentVersionExpiration: { noncurrentDays: 30 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    });
  });

  it("moves queried zones to Intelligent-Tiering without archive tiers Athena cannot read", () => {
    for (const kind of ["processed", "curated"] as const) {
      const policy = LIFECYCLE_DEFAULTS[kind];
      expect(lifecycleRules(policy)[0].transitions).toEqual([
        { days: 0, storageClass: "INTELLIGENT_TIERING" },
      ]);
      expect(intelligentTieringTiers(policy)).toEqual([]);
    }
  });

  it("expires query results after 30 days", () => {
    expect(lifecycleRules(LIFECYCLE_DEFAULTS.queryResults)[0].expiration).toEqual({ days: 30 });
  });

  it("lays overrides over the kind's defaults", () => {
    expect(resolveLifecycle("raw", { transitionToGlacierDays: 180 })).toMatchObject({
      transitionToIaDays: 30,
      transitionToGlacierDays: 180,
    });
  });

  it("renders configured archive tiers", () => {
    expect(
      intelligentTieringTiers({
        transitionToIntelligentTieringDays: 0,
        intelligentTieringArchive: { archiveAccessDays: 90, deepArchiveAccessDays: 180 },
      }),
    ).toEqual([
      { accessTier: "ARCHIVE_ACCESS", days: 90 },
      { accessTier: "DEEP_ARCHIVE_ACCESS", days: 180 },
    ]);
  });
});

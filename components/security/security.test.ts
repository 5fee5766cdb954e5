import * as pulumi from "@pulumi/pulumi";
import { DATA_CLASSES, PlatformOutputsSchema } from "../../contracts/platform";
import { platformPlan, policyOf, referencedBy, resourcesOf as allResourcesOf } from "../../harness/testing";
import {
  AuditBucket,
  cloudTrailBucketStatements,
  DataKey,
  dataKeyPolicy,
  GUARDDUTY_FEATURES,
  lakeFormationAdmins,
  trailEventSelectors,
} from ".";

const T = {
  key: "aws:kms/key:Key",
  replica: "aws:kms/replicaKey:ReplicaKey",
  alias: "aws:kms/alias:Alias",
  trail: "aws:cloudtrail/trail:Trail",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  bucket: "aws:s3/bucket:Bucket",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  recorder: "aws:cfg/recorder:Recorder",
  channel: "aws:cfg/deliveryChannel:DeliveryChannel",
  recorderStatus: "aws:cfg/recorderStatus:RecorderStatus",
  rule: "aws:cfg/rule:Rule",
  detector: "aws:guardduty/detector:Detector",
  feature: "aws:guardduty/detectorFeature:DetectorFeature",
  hub: "aws:securityhub/account:Account",
  standard: "aws:securityhub/standardsSubscription:StandardsSubscription",
  lfSettings: "aws:lakeformation/dataLakeSettings:DataLakeSettings",
  lfTag: "aws:lakeformation/lfTag:LfTag",
};

type Tags = Record<string, string>;
type Stmt = Record<string, unknown> & { Principal?: unknown; Condition?: unknown; Action?: unknown };
/** Resources of the security baseline and the network (the platform plan holds every layer). */
const resourcesOf = (...args: Parameters<typeof allResourcesOf>) =>
  allResourcesOf(...args).filter((r) =>
    /dataplatform:(security:SecurityBaseline|network:Network)/.test(r.urn),
  );
const statements = (policy: unknown) => policyOf(policy).Statement as Stmt[];
const actions = (s: Stmt) => [s.Action].flat() as string[];
const ctx = { accountId: "123456789012", partition: "aws", region: "us-east-1" };

describe.each([
  [
    "dev",
    { deletionWindow: 7, multiRegion: false, auditExpiration: 365, logRetention: 14, securityHub: false },
  ],
  [
    "prod",
    { deletionWindow: 30, multiRegion: true, auditExpiration: 2557, logRetention: 365, securityHub: true },
  ],
])("the %s security baseline", (stack, expected) => {
  const plan = () => platformPlan(stack);

  it(`has one rotating key per data class, deletion window ${expected.deletionWindow} days, multi-region ${expected.multiRegion}`, async () => {
    const keys = resourcesOf(await plan(), T.key);
    expect(keys.map((k) => (k.inputs.tags as Tags).DataClass).sort()).toEqual([...DATA_CLASSES].sort());
    for (const k of keys) {
      expect(k.inputs).toMatchObject({
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: expected.deletionWindow,
        multiRegion: expected.multiRegion,
      });
    }
  });

  it("names every key by alias, per environment and data class", async () => {
    const p = await plan();
    const primaryAliases = resourcesOf(p, T.alias).filter((a) => referencedBy(p, a, "targetKeyId", T.key));
    expect(primaryAliases.map((a) => a.inputs.name).sort()).toEqual(
      DATA_CLASSES.map((c) => `alias/dataplatform-${stack}/${c}`).sort(),
    );
  });

  it("admits no wildcard principal and only the services each data class needs", async () => {
    const p = await plan();
    for (const k of resourcesOf(p, T.key)) {
      const dataClass = (k.inputs.tags as Tags).DataClass;
      const policy = statements(k.inputs.policy);
      const services = new Set<string>();
      for (const s of policy) {
        expect(s.Effect).toBe("Allow");
        expect(s.Principal).not.toBe("*");
        const principal = s.Principal as { AWS?: string; Service?: string };
        if (principal.AWS) expect(principal.AWS).toBe("arn:aws:iam::123456789012:root");
        if (principal.Service) {
          services.add(principal.Service);
          expect(s.Condition).toBeDefined();
        }
      }
      const expectedServices: Record<string, string[]> = {
        lake: ["logs.us-east-1.amazonaws.com"],
        logs: [
          "budgets.amazonaws.com",
          "cloudtrail.amazonaws.com",
          "cloudwatch.amazonaws.com",
          "costalerts.amazonaws.com",
          "logs.us-east-1.amazonaws.com",
        ],
        streaming: ["firehose.amazonaws.com"],
      };
      expect([...services].sort()).toEqual(expectedServices[dataClass] ?? []);
    }
  });

  it(
    expected.multiRegion
      ? "replicates every key to the DR region through the DR provider, with the same alias there"
      : "creates no replica keys",
    async () => {
      const p = await plan();
      const replicas = resourcesOf(p, T.replica);
      expect(replicas).toHaveLength(expected.multiRegion ? DATA_CLASSES.length : 0);
      for (const r of replicas) {
        expect(r.provider).toMatch(/::pulumi:providers:aws::platform-aws-dr::/);
        const primary = referencedBy(p, r, "primaryKeyArn", T.key)!;
        expect(primary.inputs.multiRegion).toBe(true);
        expect(r.inputs.deletionWindowInDays).toBe(expected.deletionWindow);
        const logsPrincipals = statements(r.inputs.policy)
          .map((s) => (s.Principal as { Service?: string }).Service)
          .filter((s) => s?.startsWith("logs."));
        if ((r.inputs.tags as Tags).DataClass === "logs")
          expect(logsPrincipals).toEqual(["logs.us-west-2.amazonaws.com"]);
      }
      const replicaAliases = resourcesOf(p, T.alias).filter((a) =>
        referencedBy(p, a, "targetKeyId", T.replica),
      );
      expect(replicaAliases).toHaveLength(replicas.length);
      for (const a of replicaAliases) expect(a.provider).toMatch(/platform-aws-dr/);
    },
  );

  it("records a multi-region trail with validation, the logs key and a CloudWatch Logs copy", async () => {
    const p = await plan();
    const [trail] = resourcesOf(p, T.trail);
    expect(trail.inputs).toMatchObject({
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
    });
    expect((referencedBy(p, trail, "kmsKeyId", T.key)!.inputs.tags as Tags).DataClass).toBe("logs");
    expect(String(trail.inputs.cloudWatchLogsGroupArn)).toMatch(/:log-group:.*:\*$/);
    const group = referencedBy(p, trail, "cloudWatchLogsGroupArn", T.logGroup)!;
    expect(group.inputs.retentionInDays).toBe(expected.logRetention);
    const role = referencedBy(p, trail, "cloudWatchLogsRoleArn", T.role)!;
    expect(statements(role.inputs.assumeRolePolicy)[0].Principal).toEqual({
      Service: "cloudtrail.amazonaws.com",
    });
    // Management events, and S3 data events of the lake's raw, processed and curated zones.
    const buckets = (p.outputs.lake as { buckets: Record<string, { arn: string }> }).buckets;
    expect(trail.inputs.advancedEventSelectors).toEqual(
      trailEventSelectors([buckets.raw.arn, buckets.processed.arn, buckets.curated.arn]),
    );
  });

  it("keeps every log group encrypted with a key and a retention", async () => {
    const groups = resourcesOf(await plan(), T.logGroup);
    expect(groups).toHaveLength(2);
    for (const g of groups) {
      expect(g.inputs.kmsKeyId).toMatch(/^arn:aws:kms:/);
      expect(g.inputs.retentionInDays).toBeGreaterThan(0);
    }
  });

  it(`makes every bucket SSE-KMS, private, owner-enforced, versioned, TLS-only, expiring after ${expected.auditExpiration} days`, async () => {
    const p = await plan();
    const buckets = resourcesOf(p, T.bucket);
    expect(buckets).toHaveLength(2);
    const of = (type: string, bucket: { urn: string }) =>
      resourcesOf(p, type).filter((r) => (r.propertyDependencies.bucket ?? []).includes(bucket.urn));
    for (const b of buckets) {
      expect(b.inputs.forceDestroy).toBe(false);
      const [encryption] = of(T.encryption, b);
      const rule = (encryption.inputs.rules as Record<string, Record<string, unknown>>[])[0];
      expect(rule.applyServerSideEncryptionByDefault.sseAlgorithm).toBe("aws:kms");
      expect(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId).toMatch(/^arn:aws:kms:/);
      expect(rule.bucketKeyEnabled).toBe(true);
      expect(of(T.publicAccess, b)[0].inputs).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(of(T.ownership, b)[0].inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
      expect(of(T.versioning, b)[0].inputs.versioningConfiguration).toEqual({ status: "Enabled" });
      const [lifecycle] = (of(T.lifecycle, b)[0].inputs.rules as Record<string, unknown>[]) ?? [];
      expect(lifecycle).toMatchObject({
        status: "Enabled",
        expiration: { days: expected.auditExpiration },
        transitions: [{ days: 90, storageClass: "GLACIER" }],
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      });
      const [deny] = statements(of(T.bucketPolicy, b)[0].inputs.policy);
      expect(deny).toMatchObject({
        Effect: "Deny",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    }
  });

  it("records every resource type with AWS Config and evaluates the platform's controls", async () => {
    const p = await plan();
    const [recorder] = resourcesOf(p, T.recorder);
    expect(recorder.inputs.recordingGroup).toEqual({ allSupported: true, includeGlobalResourceTypes: true });
    const [channel] = resourcesOf(p, T.channel);
    expect(channel.inputs.s3KmsKeyArn).toMatch(/^arn:aws:kms:/);
    expect(referencedBy(p, channel, "s3BucketName", T.bucket)).toBeDefined();
    expect(resourcesOf(p, T.recorderStatus)[0].inputs.isEnabled).toBe(true);
    const rules = resourcesOf(p, T.rule).map(
      (r) => (r.inputs.source as { sourceIdentifier: string }).sourceIdentifier,
    );
    expect(rules).toEqual(
      expect.arrayContaining([
        "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        "S3_BUCKET_PUBLIC_READ_PROHIBITED",
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        "CLOUD_TRAIL_ENCRYPTION_ENABLED",
        "VPC_FLOW_LOGS_ENABLED",
        "KINESIS_STREAM_ENCRYPTED",
        "DYNAMODB_PITR_ENABLED",
        "REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK",
        "CMK_BACKING_KEY_ROTATION_ENABLED",
      ]),
    );
    const retention = resourcesOf(p, T.rule).find(
      (r) =>
        (r.inputs.source as { sourceIdentifier: string }).sourceIdentifier ===
        "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
    )!;
    expect(JSON.parse(String(retention.inputs.inputParameters))).toEqual({
      MinRetentionTime: String(expected.logRetention),
    });
  });

  it("grants roles no wildcard actions, no kms:Decrypt on *, and no FullAccess managed policy", async () => {
    const p = await plan();
    for (const rp of resourcesOf(p, T.rolePolicy)) {
      for (const s of statements(rp.inputs.policy)) {
        const resources = [s.Resource].flat();
        expect(actions(s)).not.toContain("*");
        if (resources.includes("*")) expect(actions(s).some((a) => a.startsWith("kms:"))).toBe(false);
      }
    }
    const managed = resourcesOf(p, T.attachment).map((a) => String(a.inputs.policyArn));
    expect(managed).toEqual(["arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"]);
    for (const r of resourcesOf(p, T.role)) {
      const [trust] = statements(r.inputs.assumeRolePolicy);
      expect(trust.Condition).toMatchObject({ StringEquals: { "aws:SourceAccount": "123456789012" } });
    }
  });

  it("turns on GuardDuty with S3, Lambda network and RDS login protection", async () => {
    const p = await plan();
    const [detector] = resourcesOf(p, T.detector);
    expect(detector.inputs.enable).toBe(true);
    const features = resourcesOf(p, T.feature);
    expect(features.map((f) => f.inputs.name).sort()).toEqual([...GUARDDUTY_FEATURES].sort());
    for (const f of features) expect(f.inputs).toMatchObject({ detectorId: detector.id, status: "ENABLED" });
  });

  it(
    expected.securityHub
      ? "subscribes Security Hub to Foundational Security Best Practices"
      : "leaves Security Hub off",
    async () => {
      const p = await plan();
      expect(resourcesOf(p, T.hub)).toHaveLength(expected.securityHub ? 1 : 0);
      const standards = resourcesOf(p, T.standard).map((s) => s.inputs.standardsArn);
      expect(standards).toEqual(
        expected.securityHub
          ? ["arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"]
          : [],
      );
    },
  );

  it("governs the lake with Lake Formation only: no IAM_ALLOWED_PRINCIPALS defaults, domain and classification tags", async () => {
    const p = await plan();
    const [settings] = resourcesOf(p, T.lfSettings);
    expect(settings.inputs).toMatchObject({
      admins: ["arn:aws:iam::123456789012:role/offline-plan"],
      createDatabaseDefaultPermissions: [],
      createTableDefaultPermissions: [],
    });
    const tags = Object.fromEntries(resourcesOf(p, T.lfTag).map((t) => [t.inputs.key, t.inputs.values]));
    expect(tags).toEqual({
      domain: ["shared", "clickstream", "orders"],
      classification: ["public", "internal", "confidential", "restricted"],
    });
  });
});

describe("switching the detective controls off", () => {
  it("drops the trail, the recorder and the detector, and the contract still holds", async () => {
    const p = await platformPlan("dev", {
      configOverrides: {
        "data-platform": {
          "data-platform:security": JSON.stringify({ cloudTrail: false, awsConfig: false, guardDuty: false }),
        },
      },
    });
    for (const type of [T.trail, T.recorder, T.rule, T.detector, T.feature, T.bucket]) {
      expect(resourcesOf(p, type)).toEqual([]);
    }
    expect(resourcesOf(p, T.key)).toHaveLength(DATA_CLASSES.length);
    const outputs = PlatformOutputsSchema.parse(p.outputs);
    expect(outputs.bucketNames).toEqual({});
    expect(outputs.logGroupNames.cloudTrail).toBeUndefined();
  });
});

describe("security documents", () => {
  it("lets CloudWatch Logs use the logs key only for this account's log groups in its region", () => {
    const [, , logs] = dataKeyPolicy("logs", ctx).Statement;
    expect(logs).toMatchObject({
      Principal: { Service: "logs.us-east-1.amazonaws.com" },
      Condition: {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" },
      },
    });
    expect(dataKeyPolicy("secrets", ctx).Statement).toHaveLength(2);
  });

  it("lets CloudTrail write only under AWSLogs/<account>/ and only for this account's trails", () => {
    const [, write] = cloudTrailBucketStatements("arn:aws:s3:::trail", ctx);
    expect(write.Resource).toBe("arn:aws:s3:::trail/AWSLogs/123456789012/*");
    expect(write.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012", "s3:x-amz-acl": "bucket-owner-full-control" },
      ArnLike: { "aws:SourceArn": "arn:aws:cloudtrail:*:123456789012:trail/*" },
    });
  });

  it("records S3 object events for the lake buckets once they are given", () => {
    const selectors = trailEventSelectors(["arn:aws:s3:::raw", "arn:aws:s3:::curated"]);
    expect(selectors).toHaveLength(2);
    expect(selectors[1].fieldSelectors).toContainEqual({
      field: "resources.ARN",
      startsWiths: ["arn:aws:s3:::raw/", "arn:aws:s3:::curated/"],
    });
  });

  it("makes the deploying role a Lake Formation administrator once, beside the configured ones", () => {
    const deployer = "arn:aws:iam::123456789012:role/deployer";
    expect(lakeFormationAdmins(deployer, ["arn:aws:iam::123456789012:role/steward", deployer])).toEqual([
      deployer,
      "arn:aws:iam::123456789012:role/steward",
    ]);
  });
});

describe("arguments the components refuse", () => {
  beforeAll(() =>
    pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
      "data-platform",
      "dev",
      false,
    ),
  );

  it("refuses audit files deleted before Glacier's minimum storage duration", () => {
    expect(
      () => new AuditBucket("audit", { kmsKeyArn: "arn:aws:kms:us-east-1:1:key/k", expirationDays: 120 }),
    ).toThrow(/audit: expirationDays = 120: at least transitionToGlacierDays \+ 90 \(180\)/);
  });

  it("refuses a multi-region key without the DR provider, and a deletion window KMS does not accept", () => {
    expect(() => new DataKey("k1", { dataClass: "lake", multiRegion: true })).toThrow(
      /k1: drProvider = undefined: the DR region's provider, required when multiRegion is true/,
    );
    expect(() => new DataKey("k2", { dataClass: "lake", deletionWindowInDays: 3 })).toThrow(
      /k2: deletionWindowInDays = 3: an integer from 7 to 30/,
    );
  });
});

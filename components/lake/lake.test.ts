/**
 * The lake components evaluated offline the way the platform and a domain use them (fixture project
 * `harness/fixtures/lake`), for dev and prod, asserting on the recorded resource inputs.
 */
import * as path from "node:path";
import { evaluateProjects, type ProjectPlan } from "../../harness/evaluate";
import type { ResourceState } from "../../harness/plan";
import { readProject } from "../../harness/projects";
import { resourcesOf } from "../../harness/testing";
import { LakeOutputsSchema } from "./outputs";

const FIXTURE = readProject(path.resolve(__dirname, "../../harness/fixtures/lake"));
const plans = new Map<string, Promise<ProjectPlan>>();
const planOf = (stack: string) => {
  if (!plans.has(stack))
    plans.set(
      stack,
      evaluateProjects({ stack, projects: [FIXTURE] }).then((p) => p[0]),
    );
  return plans.get(stack)!;
};
const evaluateWith = (stack: string, config: Record<string, unknown>) =>
  evaluateProjects({
    stack,
    projects: [FIXTURE],
    configOverrides: {
      "lake-fixture": Object.fromEntries(
        Object.entries(config).map(([k, v]) => [
          `lake-fixture:${k}`,
          typeof v === "string" ? v : JSON.stringify(v),
        ]),
      ),
    },
  }).then((p) => p[0]);

const nameOf = (r: ResourceState) => r.urn.split("::").pop()!;
const one = (plan: ProjectPlan, type: string, name: string) => {
  const found = resourcesOf(plan, type).filter((r) => nameOf(r) === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0];
};
/** Each LakeBucket component with its children by type. */
function lakeBuckets(plan: ProjectPlan) {
  return resourcesOf(plan, "dataplatform:lake:LakeBucket").map((c) => {
    const children = plan.document.steps.map((s) => s.newState).filter((s) => s.parent === c.urn);
    const child = (type: string) => children.find((s) => s.type === `aws:s3/${type}`);
    return { name: nameOf(c), component: c, child };
  });
}
type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: unknown;
};
const statements = (policy: unknown): Statement[] => JSON.parse(String(policy)).Statement;
const keyArn = (plan: ProjectPlan, name: string) =>
  `arn:aws:kms:${name === "lake-key" ? "us-east-1" : "us-west-2"}:123456789012:key/${one(plan, "aws:kms/key:Key", name).id}`;

describe.each(["dev", "prod"])("lake storage in %s", (stack) => {
  it("encrypts every data bucket with the lake key and an S3 Bucket Key, and the access-log bucket with SSE-S3", async () => {
    const plan = await planOf(stack);
    const key = keyArn(plan, "lake-key");
    const drKey = keyArn(plan, "lake-dr-key");
    const buckets = lakeBuckets(plan);
    expect(buckets.length).toBe(stack === "prod" ? 9 : 6);
    for (const b of buckets) {
      const [rule] = b.child(
        "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      )!.inputs.rules as {
        applyServerSideEncryptionByDefault: Record<string, string>;
        bucketKeyEnabled?: boolean;
      }[];
      if (b.name.endsWith("access-logs")) {
        expect(rule.applyServerSideEncryptionByDefault).toEqual({ sseAlgorithm: "AES256" });
      } else {
        expect(rule.applyServerSideEncryptionByDefault).toEqual({
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: b.name.endsWith("-replica") ? drKey : key,
        });
        expect(rule.bucketKeyEnabled).toBe(true);
      }
    }
  });

  it("blocks public access, disables ACLs, versions, and refuses plain HTTP on every bucket", async () => {
    for (const b of lakeBuckets(await planOf(stack))) {
      expect(b.child("bucketPublicAccessBlock:BucketPublicAccessBlock")!.inputs).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(b.child("bucketOwnershipControls:BucketOwnershipControls")!.inputs.rule).toEqual({
        objectOwnership: "BucketOwnerEnforced",
      });
      expect(b.child("bucketVersioning:BucketVersioning")!.inputs.versioningConfiguration).toEqual({
        status: "Enabled",
      });
      const tls = statements(b.child("bucketPolicy:BucketPolicy")!.inputs.policy)[0];
      expect(tls).toMatchObject({
        Effect: "Deny",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    }
  });

  it("logs every data bucket to an access-log bucket in its own region", async () => {
    const plan = await planOf(stack);
    const buckets = lakeBuckets(plan);
    const bucketName = (component: string) =>
      buckets.find((b) => b.name === component)!.child("bucket:Bucket")!.outputs?.bucket ??
      resourcesOf(plan, "aws:s3/bucket:Bucket").find((r) => nameOf(r) === `${component}-bucket`)!.id;
    for (const b of buckets) {
      const logging = b.child("bucketLogging:BucketLogging");
      if (b.name.endsWith("access-logs")) {
        expect(logging).toBeUndefined();
        continue;
      }
      const target = b.name.endsWith("-replica") ? "lake-dr-access-logs" : "lake-access-logs";
      expect(logging!.inputs.targetBucket).toBe(bucketName(target));
      expect(logging!.provider).toBe(b.child("bucket:Bucket")!.provider);
    }
  });

  it("lets S3 log delivery write to an access-log bucket only for the lake's own buckets", async () => {
    const plan = await planOf(stack);
    const buckets = lakeBuckets(plan);
    const arnOf = (b: (typeof buckets)[number]) => `arn:aws:s3:::${b.child("bucket:Bucket")!.id}`;
    for (const [logBucket, logged] of [
      ["lake-access-logs", (n: string) => !n.endsWith("access-logs") && !n.endsWith("-replica")],
      ["lake-dr-access-logs", (n: string) => n.endsWith("-replica")],
    ] as const) {
      const target = buckets.find((b) => b.name === logBucket);
      if (!target) continue;
      const delivery = statements(target.child("bucketPolicy:BucketPolicy")!.inputs.policy).find(
        (s) => s.Sid === "AllowS3ServerAccessLogDelivery",
      ) as Statement & { Principal: unknown; Condition: { ArnLike: Record<string, string[]> } };
      expect(delivery.Principal).toEqual({ Service: "logging.s3.amazonaws.com" });
      expect([...delivery.Condition.ArnLike["aws:SourceArn"]].sort()).toEqual(
        buckets
          .filter((b) => logged(b.name))
          .map(arnOf)
          .sort(),
      );
    }
  });

  it("keeps data: every bucket is protected and retained, and forceDestroy is off", async () => {
    for (const b of lakeBuckets(await planOf(stack))) {
      const bucket = b.child("bucket:Bucket")!;
      expect(bucket.protect).toBe(true);
      expect(bucket.retainOnDelete).toBe(true);
      expect(bucket.inputs.forceDestroy).toBe(false);
    }
  });

  it("ages raw data to IA then Glacier, tiers queried zones, expires query results, aborts stale uploads everywhere", async () => {
    const buckets = lakeBuckets(await planOf(stack));
    const rule = (name: string) =>
      (
        buckets
          .find((b) => b.name === name)!
          .child("bucketLifecycleConfiguration:BucketLifecycleConfiguration")!.inputs.rules as Record<
          string,
          unknown
        >[]
      )[0];
    expect(rule("lake-raw").transitions).toEqual([
      { days: 30, storageClass: "STANDARD_IA" },
      { days: 90, storageClass: "GLACIER" },
    ]);
    expect(rule("lake-raw").expiration).toEqual({ expiredObjectDeleteMarker: true });
    expect(rule("lake-processed").transitions).toEqual([{ days: 0, storageClass: "INTELLIGENT_TIERING" }]);
    expect(rule("lake-query-results").expiration).toEqual({ days: 30 });
    for (const b of buckets) expect(rule(b.name).abortIncompleteMultipartUpload).toBeDefined();
  });

  it("adds Intelligent-Tiering archive tiers only where configured (prod curated and its replica)", async () => {
    const plan = await planOf(stack);
    const tiering = resourcesOf(
      plan,
      "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration",
    );
    if (stack === "dev") {
      expect(tiering).toEqual([]);
      return;
    }
    expect(tiering.map(nameOf).sort()).toEqual(["lake-curated-replica-tiering", "lake-curated-tiering"]);
    for (const t of tiering) {
      expect(t.inputs).toMatchObject({
        status: "Enabled",
        tierings: [{ accessTier: "DEEP_ARCHIVE_ACCESS", days: 365 }],
      });
    }
  });

  it("grants IAM only scoped actions: no wildcard action and no unconditioned access to every resource", async () => {
    const plan = await planOf(stack);
    const policies = resourcesOf(plan, "aws:iam/rolePolicy:RolePolicy");
    expect(policies.length).toBeGreaterThan(5);
    for (const p of policies) {
      for (const s of statements(p.inputs.policy).filter((x) => x.Effect === "Allow")) {
        for (const a of [s.Action].flat()) expect(a).not.toMatch(/\*/);
        if ([s.Resource].flat().includes("*")) expect(s.Condition).toBeDefined();
      }
    }
  });
});

describe("replication", () => {
  it("is off in dev", async () => {
    const plan = await planOf("dev");
    expect(resourcesOf(plan, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toEqual([]);
    expect(lakeBuckets(plan).filter((b) => /replica|dr-/.test(b.name))).toEqual([]);
  });

  it("replicates raw and curated in prod to DR-region replicas encrypted with the replica key, with RTC", async () => {
    const plan = await planOf("prod");
    const configs = resourcesOf(plan, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    expect(configs.map(nameOf).sort()).toEqual(["lake-curated-replication", "lake-raw-replication"]);
    const drProvider = one(plan, "pulumi:providers:aws", "lake-fixture-aws-dr");
    for (const zone of ["raw", "curated"]) {
      const [rule] = one(
        plan,
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        `lake-${zone}-replication`,
      ).inputs.rules as Record<string, never>[];
      const replica = one(plan, "aws:s3/bucket:Bucket", `lake-${zone}-replica-bucket`);
      expect(replica.provider).toBe(`${drProvider.urn}::${drProvider.id}`);
      expect(rule).toMatchObject({
        status: "Enabled",
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: `arn:aws:s3:::${replica.id}`,
          encryptionConfiguration: { replicaKmsKeyId: keyArn(plan, "lake-dr-key") },
          replicationTime: { status: "Enabled", time: { minutes: 15 } },
          metrics: { status: "Enabled" },
        },
      });
    }
  });

  it("gives the replication role only replication actions on the two buckets and the two keys", async () => {
    const plan = await planOf("prod");
    const policy = statements(
      one(plan, "aws:iam/rolePolicy:RolePolicy", "lake-raw-replication").inputs.policy,
    );
    const replica = one(plan, "aws:s3/bucket:Bucket", "lake-raw-replica-bucket").id;
    const source = one(plan, "aws:s3/bucket:Bucket", "lake-raw-bucket").id;
    const resources = policy.flatMap((s) => [s.Resource].flat());
    expect(new Set(resources)).toEqual(
      new Set([
        `arn:aws:s3:::${source}`,
        `arn:aws:s3:::${source}/*`,
        `arn:aws:s3:::${replica}/*`,
        keyArn(plan, "lake-key"),
        keyArn(plan, "lake-dr-key"),
      ]),
    );
    const trust = JSON.parse(
      String(one(plan, "aws:iam/role:Role", "lake-raw-replication").inputs.assumeRolePolicy),
    );
    expect(trust.Statement[0].Principal).toEqual({ Service: "s3.amazonaws.com" });
  });

  it("switches Replication Time Control off when asked, and allowDestroyData lifts protection", async () => {
    const plan = await evaluateWith("prod", { replicationTimeControl: false, allowDestroyData: true });
    const configs = resourcesOf(plan, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    expect(configs).toHaveLength(2);
    for (const c of configs) {
      const [rule] = c.inputs.rules as { destination: Record<string, unknown> }[];
      expect(rule.destination.replicationTime).toBeUndefined();
      expect(rule.destination.encryptionConfiguration).toEqual({
        replicaKmsKeyId: keyArn(plan, "lake-dr-key"),
      });
    }
    const buckets = resourcesOf(plan, "aws:s3/bucket:Bucket");
    expect(buckets).toHaveLength(9);
    for (const b of buckets) {
      expect(b.protect).toBeUndefined();
      expect(b.retainOnDelete).toBeUndefined();
      expect(b.inputs.forceDestroy).toBe(true);
    }
  });
});

describe("catalog, tables, jobs and queries", () => {
  it("encrypts the catalog and connection passwords, and the security configuration encrypts S3, logs and bookmarks", async () => {
    const plan = await planOf("dev");
    const key = keyArn(plan, "lake-key");
    expect(
      one(plan, "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings", "catalog-encryption")
        .inputs,
    ).toEqual({
      dataCatalogEncryptionSettings: {
        encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: key },
        connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: key },
      },
    });
    expect(
      one(plan, "aws:glue/securityConfiguration:SecurityConfiguration", "catalog-security").inputs,
    ).toEqual({
      encryptionConfiguration: {
        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: key },
        cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: key },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: key },
      },
    });
  });

  it("creates a database per zone and registers each zone with Lake Formation through a scoped role", async () => {
    const plan = await planOf("dev");
    const names = resourcesOf(plan, "aws:glue/catalogDatabase:CatalogDatabase").map((d) => d.inputs.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "lake_dev_raw",
        "lake_dev_processed",
        "lake_dev_curated",
        "lake_fixture_dev_orders_processed",
      ]),
    );
    const role = one(plan, "aws:iam/role:Role", "catalog-lf-access");
    const locations = resourcesOf(plan, "aws:lakeformation/resource:Resource");
    expect(locations.map((l) => l.inputs.arn).sort()).toEqual(
      ["raw", "processed", "curated"]
        .map((z) => `arn:aws:s3:::${one(plan, "aws:s3/bucket:Bucket", `lake-${z}-bucket`).id}`)
        .sort(),
    );
    for (const l of locations) expect(l.inputs.roleArn).toBe(`arn:aws:iam::123456789012:role/${role.id}`);
  });

  it("grants by LF-tag expression and tags databases with zone and classification", async () => {
    const plan = await planOf("dev");
    expect(
      resourcesOf(plan, "aws:lakeformation/lfTag:LfTag")
        .map((t) => t.inputs.key)
        .sort(),
    ).toEqual(["classification", "zone"]);
    const grant = one(
      plan,
      "aws:lakeformation/permissions:Permissions",
      "catalog-grant-analyst-curated-permissions",
    );
    expect(grant.inputs).toMatchObject({
      permissions: ["SELECT", "DESCRIBE"],
      lfTagPolicy: {
        resourceType: "TABLE",
        expressions: [
          { key: "zone", values: ["curated"] },
          { key: "classification", values: ["internal", "confidential"] },
        ],
      },
    });
    const tags = resourcesOf(plan, "aws:lakeformation/resourceLfTags:ResourceLfTags").map(
      (t) => t.inputs.lfTags,
    );
    expect(tags).toContainEqual([{ key: "classification", value: "confidential" }]);
    expect(tags).toContainEqual([{ key: "zone", value: "raw" }]);
  });

  it("declares tables with partition projection so new hours need no crawler", async () => {
    const plan = await planOf("dev");
    const raw = one(plan, "aws:glue/catalogTable:CatalogTable", "orders-events-raw-table").inputs;
    const bucket = one(plan, "aws:s3/bucket:Bucket", "lake-raw-bucket").id;
    expect(raw.parameters).toMatchObject({
      "projection.enabled": "true",
      "projection.year.type": "integer",
      "projection.hour.range": "00,23",
      "storage.location.template": `s3://${bucket}/orders/events/year=\${year}/month=\${month}/day=\${day}/hour=\${hour}/`,
      classification: "json",
    });
    expect((raw.partitionKeys as { name: string }[]).map((k) => k.name)).toEqual([
      "year",
      "month",
      "day",
      "hour",
    ]);
    expect(
      (raw.storageDescriptor as { serDeInfo: { serializationLibrary: string } }).serDeInfo
        .serializationLibrary,
    ).toBe("org.openx.data.jsonserde.JsonSerDe");
    const processed = one(plan, "aws:glue/catalogTable:CatalogTable", "orders-events-table").inputs;
    expect(processed.parameters).toMatchObject({ classification: "parquet", "projection.enabled": "true" });
  });

  it.each([
    ["dev", "G.1X", 2],
    ["prod", "G.2X", 5],
  ])(
    "runs the ETL job in %s on %s x %d per run date without bookmarks, with metrics, logging and the security configuration",
    async (stack, type, workers) => {
      const plan = await planOf(stack);
      const job = one(plan, "aws:glue/job:Job", "orders-to-parquet-job").inputs;
      const script = one(plan, "aws:s3/bucketObjectv2:BucketObjectv2", "orders-to-parquet-script").inputs;
      expect(job).toMatchObject({
        glueVersion: "5.0",
        workerType: type,
        numberOfWorkers: workers,
        securityConfiguration: one(
          plan,
          "aws:glue/securityConfiguration:SecurityConfiguration",
          "catalog-security",
        ).id,
        executionProperty: { maxConcurrentRuns: 1 },
        command: { name: "glueetl", scriptLocation: `s3://${script.bucket}/${script.key}` },
        defaultArguments: {
          "--job-bookmark-option": "job-bookmark-disable",
          "--enable-metrics": "true",
          "--custom-logGroup-prefix": `/aws-glue/jobs/${job.name}`,
        },
      });
      expect(script).toMatchObject({ serverSideEncryption: "aws:kms", kmsKeyId: keyArn(plan, "lake-key") });
      expect((script.source as { path: string }).path).toMatch(/runtime\/jobs\/glue\/raw_to_parquet\.py$/);
      for (const g of resourcesOf(plan, "aws:cloudwatch/logGroup:LogGroup")) {
        expect(g.inputs).toMatchObject({
          kmsKeyId: keyArn(plan, "lake-key"),
          retentionInDays: stack === "prod" ? 365 : 14,
        });
        expect(String(g.inputs.name).startsWith(`/aws-glue/jobs/${job.name}/`)).toBe(true);
      }
    },
  );

  it("lets the ETL role read only its source prefix and write (and purge) only its target prefix", async () => {
    const plan = await planOf("dev");
    const policy = statements(
      one(plan, "aws:iam/rolePolicy:RolePolicy", "orders-to-parquet-policy").inputs.policy,
    );
    const raw = one(plan, "aws:s3/bucket:Bucket", "lake-raw-bucket").id;
    const processed = one(plan, "aws:s3/bucket:Bucket", "lake-processed-bucket").id;
    expect(policy.find((s) => s.Sid === "SourceReadObjects")!.Resource).toBe(
      `arn:aws:s3:::${raw}/orders/events/*`,
    );
    // A run purges and rewrites its day's output: delete, like write, only under the target prefix.
    const write = policy.find((s) => s.Sid === "TargetWriteObjects")!;
    expect(write.Resource).toBe(`arn:aws:s3:::${processed}/orders/events/*`);
    expect(write.Action).toEqual(expect.arrayContaining(["s3:PutObject", "s3:DeleteObject"]));
    const deleting = policy.filter((s) => [s.Action].flat().includes("s3:DeleteObject"));
    expect(deleting.map((s) => s.Resource)).toEqual([`arn:aws:s3:::${processed}/orders/events/*`]);
  });

  it("enforces the Athena workgroup: SSE-KMS results in the query-result bucket, scan cutoff, metrics", async () => {
    const plan = await planOf("dev");
    const results = one(plan, "aws:s3/bucket:Bucket", "lake-query-results-bucket").id;
    expect(one(plan, "aws:athena/workgroup:Workgroup", "analytics-workgroup").inputs.configuration).toEqual({
      enforceWorkgroupConfiguration: true,
      publishCloudwatchMetricsEnabled: true,
      requesterPaysEnabled: false,
      bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
      engineVersion: { selectedEngineVersion: "Athena engine version 3" },
      resultConfiguration: {
        outputLocation: `s3://${results}/analytics/`,
        expectedBucketOwner: "123456789012",
        encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: keyArn(plan, "lake-key") },
      },
    });
    const orders = one(plan, "aws:athena/workgroup:Workgroup", "orders-workgroup").inputs
      .configuration as Record<string, never>;
    expect(orders).toMatchObject({
      enforceWorkgroupConfiguration: true,
      bytesScannedCutoffPerQuery: 1024 ** 3,
      resultConfiguration: { outputLocation: `s3://${results}/orders/` },
    });
    const queries = resourcesOf(plan, "aws:athena/namedQuery:NamedQuery");
    const ordersWorkgroup = one(plan, "aws:athena/workgroup:Workgroup", "orders-workgroup").id;
    expect(queries.map((q) => q.inputs.name)).toEqual(["orders-hourly-today", "orders-latest"]);
    for (const q of queries) {
      expect(q.inputs.workgroup).toBe(ordersWorkgroup);
      expect(q.inputs.database).toBe("lake_fixture_dev_orders_processed");
      expect(q.inputs.query).toContain('FROM "lake_fixture_dev_orders_processed"."orders_events"');
    }
  });

  it("exports the lake contract a domain reads, and a domain builds everything from it", async () => {
    const plan = await planOf("dev");
    const contract = LakeOutputsSchema.parse(plan.outputs.lakeContract);
    expect(contract.buckets.raw.name).toBe(one(plan, "aws:s3/bucket:Bucket", "lake-raw-bucket").id);
    expect(contract.kmsKeyArn).toBe(keyArn(plan, "lake-key"));
    expect(contract.databases.curated).toBe("lake_dev_curated");
    const crawler = one(plan, "aws:glue/crawler:Crawler", "orders-curated-crawler").inputs;
    expect(crawler.databaseName).toBe(contract.databases.curated);
    expect(crawler.s3Targets).toEqual([{ path: `s3://${contract.buckets.curated.name}/orders/` }]);
  });

  it("scopes a domain's grant from contract outputs to the bucket, the prefix and the lake key", async () => {
    const plan = await planOf("dev");
    const curated = one(plan, "aws:s3/bucket:Bucket", "lake-curated-bucket").id;
    const policy = statements(
      one(plan, "aws:iam/rolePolicy:RolePolicy", "orders-reports-writer").inputs.policy,
    );
    expect(policy.find((s) => s.Sid === "WriteObjects")!.Resource).toBe(
      `arn:aws:s3:::${curated}/orders/reports/*`,
    );
    expect(policy.find((s) => s.Sid === "EncryptThroughS3")).toMatchObject({
      Resource: keyArn(plan, "lake-key"),
      Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
    });
  });

  it("lets query and crawler roles use the catalog key only through Glue", async () => {
    const plan = await planOf("dev");
    for (const [policyName, actions] of [
      ["orders-query-analyst", ["kms:Decrypt"]],
      ["orders-curated-policy", ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]],
    ] as const) {
      const policy = statements(one(plan, "aws:iam/rolePolicy:RolePolicy", policyName).inputs.policy);
      expect(policy.find((s) => s.Sid === "CatalogKeyThroughGlue")).toEqual({
        Sid: "CatalogKeyThroughGlue",
        Effect: "Allow",
        Action: actions,
        Resource: keyArn(plan, "lake-key"),
        Condition: { StringEquals: { "kms:ViaService": "glue.us-east-1.amazonaws.com" } },
      });
    }
  });

  it("crawls only new folders and logs schema changes instead of deleting", async () => {
    const plan = await planOf("dev");
    expect(one(plan, "aws:glue/crawler:Crawler", "orders-curated-crawler").inputs).toMatchObject({
      recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
      schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
      securityConfiguration: one(
        plan,
        "aws:glue/securityConfiguration:SecurityConfiguration",
        "catalog-security",
      ).id,
    });
  });
});

describe("metrics for dashboards and alarms", () => {
  it("name the replication rule, the job and the workgroup the plan creates", async () => {
    const prod = await planOf("prod");
    const [rule] = one(prod, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "lake-raw-replication")
      .inputs.rules as { id: string }[];
    expect(prod.outputs.rawReplicationMetrics).toMatchObject({
      latencySeconds: {
        namespace: "AWS/S3",
        metricName: "ReplicationLatency",
        dimensions: {
          SourceBucket: one(prod, "aws:s3/bucket:Bucket", "lake-raw-bucket").id,
          DestinationBucket: one(prod, "aws:s3/bucket:Bucket", "lake-raw-replica-bucket").id,
          RuleId: rule.id,
        },
      },
    });
    expect(prod.outputs.jobFailedTasks).toEqual({
      namespace: "Glue",
      metricName: "glue.driver.aggregate.numFailedTasks",
      dimensions: {
        JobName: one(prod, "aws:glue/job:Job", "orders-to-parquet-job").inputs.name,
        JobRunId: "ALL",
        Type: "count",
      },
      statistic: "Sum",
      period: 300,
    });
    expect(prod.outputs.ordersProcessedBytes).toMatchObject({
      namespace: "AWS/Athena",
      metricName: "ProcessedBytes",
      dimensions: { WorkGroup: one(prod, "aws:athena/workgroup:Workgroup", "orders-workgroup").id },
    });
    expect((await planOf("dev")).outputs.rawReplicationMetrics).toBeNull();
  });
});

describe("clear errors for illegal settings", () => {
  it("stops on illegal lifecycle settings, naming the bucket and every field with its value", async () => {
    const run = evaluateWith("dev", { lifecycle: { raw: { transitionToIaDays: 10, expirationDays: 60 } } });
    await expect(run).rejects.toThrow(
      /LakeBucket lake-raw: invalid arguments:\n\s+- lifecycle\.transitionToIaDays = 10: at least 30/,
    );
    await expect(run).rejects.toThrow(
      /lifecycle\.expirationDays = 60: later than every transition \(lifecycle\.transitionToGlacierDays = 90\)/,
    );
  });

  it("stops on a Glue job bigger than the DPU limit", async () => {
    await expect(evaluateWith("prod", { glueWorkers: 60 })).rejects.toThrow(
      /GlueEtlJob orders-to-parquet: invalid arguments:\n\s+- numberOfWorkers = 60 with workerType G\.2X uses 120 DPUs: at most 10/,
    );
  });

  it("stops on a scan cutoff below Athena's minimum", async () => {
    await expect(evaluateWith("dev", { bytesScannedCutoff: 1024 })).rejects.toThrow(
      /QueryWorkgroup analytics: invalid arguments:\n\s+- bytesScannedCutoffPerQuery = 1024/,
    );
  });
});

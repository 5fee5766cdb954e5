/**
 * Exceptions, levels and incomplete documents as a user meets them: an exception declared on the
 * resource (tag) or in the pack config (URN) turns a violation into a listed advisory with its
 * reason, an expired one fails, one without a reason does not apply; every policy's level comes
 * from dev.json / prod.json; a stack finding resting on a resource an incremental preview did not
 * print is "cannot verify", while a printed companion with a bad value still fails.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { POLICIES } from "../all";
import { s3BucketSseKms } from "../encryption-at-rest/s3-bucket-sse-kms";
import { kinesisStreamEncrypted } from "../encryption-at-rest/kinesis-stream-encrypted";
import { fixtureResources } from "../lib/fixtures";
import { s3Versioning } from "../resilience/s3-versioning";
import { analyzeResources } from "./analyze";
import { enforcementLevelOf, packConfigFor, readPackConfig } from "./config";

const STREAM_URN = "urn:pulumi:test::fixture::aws:kinesis/stream:Stream::events";
const insecureStream = (tags: Record<string, string> = {}) =>
  fixtureResources([
    { type: "aws:kinesis/stream:Stream", name: "events", inputs: { encryptionType: "NONE", tags } },
  ]);
const analyze = (resources: ReturnType<typeof fixtureResources>, config = {}) =>
  analyzeResources(resources, { policies: [kinesisStreamEncrypted], config });

describe("an exception", () => {
  it("declared as a tag with a reason and expiry lists the violation as excepted, at advisory level", async () => {
    const { violations } = await analyze(
      insecureStream({
        "policy-exception:kinesis-stream-encrypted/kms": "replay test stream expires=2999-12-31",
      }),
    );
    expect(violations.map((v) => [v.rule, v.enforcementLevel, !!v.exception])).toEqual([
      ["kms", "advisory", true],
      // The tag names one rule: the other rule of the policy still fails.
      ["customer-key", "mandatory", false],
    ]);
    expect(violations[0].message).toBe(
      "[kms] excepted (tag policy-exception:kinesis-stream-encrypted/kms: replay test stream; expires 2999-12-31): Set encryptionType to `KMS`.",
    );
  });

  it("declared in the pack config by URN covers every rule of the policy on that resource only", async () => {
    const config = {
      "kinesis-stream-encrypted": {
        enforcementLevel: "mandatory" as const,
        exceptions: [{ urn: STREAM_URN, reason: "vendor feed, encrypted upstream" }],
      },
    };
    const { violations } = await analyze(insecureStream(), config);
    expect(violations.map((v) => [v.enforcementLevel, v.exception?.source])).toEqual([
      ["advisory", "config kinesis-stream-encrypted.exceptions[0]"],
      ["advisory", "config kinesis-stream-encrypted.exceptions[0]"],
    ]);
    const other = fixtureResources([
      { type: "aws:kinesis/stream:Stream", name: "other", inputs: { encryptionType: "NONE" } },
    ]);
    expect((await analyze(other, config)).violations.map((v) => v.enforcementLevel)).toEqual([
      "mandatory",
      "mandatory",
    ]);
  });

  it("that expired fails at mandatory level, even for an advisory policy", async () => {
    const { violations } = await analyze(
      insecureStream({ "policy-exception:kinesis-stream-encrypted": "migration expires=2020-01-31" }),
      { "kinesis-stream-encrypted": "advisory" },
    );
    expect(violations.map((v) => v.enforcementLevel)).toEqual(["mandatory", "mandatory"]);
    expect(violations[0].message).toMatch(
      /^\[kms\] exception expired on 2020-01-31 \(tag policy-exception:kinesis-stream-encrypted: migration\); renew or remove it: /,
    );
  });

  it("without a reason (or with a malformed date) does not apply, and says why", async () => {
    for (const value of ["", "expires=2999-01-01", "because expires=soon"]) {
      const { violations } = await analyze(
        insecureStream({ "policy-exception:kinesis-stream-encrypted": value }),
      );
      expect(violations.map((v) => v.enforcementLevel)).toEqual(["mandatory", "mandatory"]);
      expect(violations[0].message).toMatch(
        /\(tag policy-exception:kinesis-stream-encrypted does not apply: /,
      );
    }
  });

  it("is a config property every policy accepts, so the CLI's config validation lets it through", () => {
    for (const p of POLICIES) expect(p.configSchema?.properties?.exceptions).toMatchObject({ type: "array" });
  });
});

describe("enforcement levels", () => {
  it("have one source: a policy's level in code is its prod.json level", () => {
    const prod = packConfigFor("prod");
    for (const p of POLICIES)
      expect([p.name, p.enforcementLevel]).toEqual([p.name, enforcementLevelOf(p, prod)]);
  });

  it("are not declared in any policy file", () => {
    const offenders = POLICIES.filter((p) => {
      const file = path.join(__dirname, "..", p.meta.concern, `${p.name}.ts`);
      return /enforcementLevel\s*:/.test(fs.readFileSync(file, "utf8"));
    }).map((p) => p.name);
    expect(offenders).toEqual([]);
  });

  it("come from the environment's file in the runner, as under `--policy-pack-config`", () => {
    const dev = readPackConfig(path.join(__dirname, "..", "dev.json"));
    expect(enforcementLevelOf(s3Versioning, dev)).toBe("advisory");
    expect(enforcementLevelOf(s3Versioning, packConfigFor("prod"))).toBe("mandatory");
  });
});

describe("a stack policy over an incomplete document", () => {
  const bucket = { type: "aws:s3/bucket:Bucket", name: "raw", inputs: {} };
  const missing = "5 unchanged resources";

  it("reports a missing companion as 'cannot verify' (it may be unchanged and not printed)", async () => {
    const { violations } = await analyzeResources(fixtureResources([bucket]), {
      policies: [s3Versioning],
      config: { "s3-versioning": "mandatory" },
      missing,
    });
    expect(violations.map((v) => [v.rule, v.enforcementLevel, v.cannotVerify])).toEqual([
      ["missing", "advisory", true],
    ]);
    expect(violations[0].message).toMatch(
      /^\[missing\] cannot verify: the preview document lacks 5 unchanged resources/,
    );
    // With the complete document the same bucket fails.
    const complete = await analyzeResources(fixtureResources([bucket]), {
      policies: [s3Versioning],
      config: { "s3-versioning": "mandatory" },
    });
    expect(complete.violations.map((v) => [v.rule, v.enforcementLevel])).toEqual([["missing", "mandatory"]]);
  });

  it("still fails a printed companion with a bad value", async () => {
    const resources = fixtureResources([
      bucket,
      {
        type: "aws:s3/bucketVersioning:BucketVersioning",
        name: "raw-versioning",
        inputs: { bucket: "raw-1", versioningConfiguration: { status: "Suspended" } },
        propertyDependencies: { bucket: ["raw"] },
      },
    ]);
    const { violations } = await analyzeResources(resources, {
      policies: [s3Versioning],
      config: { "s3-versioning": "mandatory" },
      missing,
    });
    expect(violations.map((v) => [v.rule, v.enforcementLevel])).toEqual([["enabled", "mandatory"]]);
  });

  it("treats an absence a value rule relies on as 'cannot verify' (an unprinted logging config allows SSE-S3)", async () => {
    const resources = fixtureResources([
      bucket,
      {
        type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        name: "raw-sse",
        inputs: {
          bucket: "raw-1",
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        },
        propertyDependencies: { bucket: ["raw"] },
      },
    ]);
    const { violations } = await analyzeResources(resources, {
      policies: [s3BucketSseKms],
      config: { "s3-bucket-sse-kms": "mandatory" },
      missing,
    });
    expect(violations.map((v) => [v.rule, v.enforcementLevel])).toEqual([
      ["sse-kms", "advisory"],
      ["customer-key", "advisory"],
    ]);
    const complete = await analyzeResources(resources, {
      policies: [s3BucketSseKms],
      config: { "s3-bucket-sse-kms": "mandatory" },
    });
    expect(complete.violations.map((v) => [v.rule, v.enforcementLevel])).toEqual([
      ["sse-kms", "mandatory"],
      ["customer-key", "mandatory"],
    ]);
  });
});

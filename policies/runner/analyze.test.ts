/**
 * The offline analyzer behaves like the Pulumi engine and `@pulumi/policy`'s analyzer server:
 * stack policies see resources with parents, dependencies, property dependencies and providers
 * resolved; values unknown during preview never fail a presence check and never pass a value
 * check silently; remediations run first; enforcement levels come from the pack config.
 */
import type { PolicyResource } from "@pulumi/policy";
import { fixtureResources } from "../lib/fixtures";
import { type PlatformStackPolicy, resourcePolicy, stackPolicy } from "../lib/policy";
import { kinesisStreamEncrypted } from "../encryption-at-rest/kinesis-stream-encrypted";
import { s3BucketTlsOnly } from "../encryption-in-transit/s3-bucket-tls-only";
import { lambdaInVpc } from "../network-exposure/lambda-in-vpc";
import { requiredTags } from "../tagging/required-tags";
import { analyzeDocument, analyzeResources, type PlanResource } from "./analyze";
import { packConfigFor } from "./config";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const mandatory = (name: string) => ({ [name]: "mandatory" as const });

describe("stack policies", () => {
  it("see parents, dependencies, property dependencies and providers as resource objects", async () => {
    let seen: PolicyResource | undefined;
    const probe: PlatformStackPolicy = {
      ...stackPolicy({
        name: "probe",
        description: "Records what a stack policy sees.",
        severity: "low",
        concern: "cost",
        remediationSteps: "None needed, it is a probe.",
        resourceTypes: ["aws:s3/bucketPolicy:BucketPolicy"],
        rules: [],
      }),
      validateStack: (args) => {
        seen = args.resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy");
      },
    };
    const resources = fixtureResources([
      { type: "my:lake:Zone", name: "raw", custom: false, inputs: {} },
      { type: "aws:s3/bucket:Bucket", name: "raw-bucket", parent: "raw", inputs: {} },
      {
        type: "aws:s3/bucketPolicy:BucketPolicy",
        name: "raw-policy",
        parent: "raw",
        inputs: { bucket: "b", policy: "{}" },
        propertyDependencies: { bucket: ["raw-bucket"] },
      },
    ]);
    await analyzeResources(resources, { policies: [probe], config: mandatory("probe") });
    expect(seen?.parent?.type).toBe("my:lake:Zone");
    expect(seen?.dependencies.map((d) => d.name)).toEqual(["raw-bucket"]);
    expect(seen?.propertyDependencies.bucket.map((d) => d.type)).toEqual(["aws:s3/bucket:Bucket"]);
    expect(seen?.provider?.type).toBe("pulumi:providers:aws");
    expect(JSON.parse(seen!.provider!.props.defaultTags).tags.Owner).toBe("policy-team");
    expect(seen?.opts.parent).toMatch(/my:lake:Zone::raw$/);
  });

  it("reports a bucket policy whose JSON is unknown during preview as 'cannot verify', not as compliant", async () => {
    const resources = fixtureResources([
      { type: "aws:s3/bucket:Bucket", name: "raw", inputs: {} },
      {
        type: "aws:s3/bucketPolicy:BucketPolicy",
        name: "raw-policy",
        inputs: { bucket: UNKNOWN, policy: UNKNOWN },
        propertyDependencies: { bucket: ["raw"] },
      },
    ]);
    const { violations } = await analyzeResources(resources, {
      policies: [s3BucketTlsOnly],
      config: mandatory("s3-bucket-tls-only"),
    });
    expect(violations).toEqual([
      expect.objectContaining({
        policyName: "s3-bucket-tls-only",
        enforcementLevel: "advisory",
        rule: "deny-insecure-transport",
        message: expect.stringMatching(
          /cannot verify during preview: string value at \.policy can't be known/,
        ),
        urn: expect.stringMatching(/aws:s3\/bucket:Bucket::raw$/),
      }),
    ]);
  });
});

describe("unknown values", () => {
  const stream = (inputs: Record<string, unknown>) =>
    fixtureResources([{ type: "aws:kinesis/stream:Stream", name: "events", inputs }]);

  it("pass a presence check: a key ARN not known until apply is still a key", async () => {
    const { violations } = await analyzeResources(stream({ encryptionType: "KMS", kmsKeyId: UNKNOWN }), {
      policies: [kinesisStreamEncrypted],
      config: mandatory("kinesis-stream-encrypted"),
    });
    expect(violations).toEqual([]);
  });

  it("are distinct from secrets, which policies read unwrapped as the analyzer deserializes them", async () => {
    const secret = (value: unknown) => ({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value,
    });
    const { violations } = await analyzeResources(
      stream({ encryptionType: secret("KMS"), kmsKeyId: secret("arn:aws:kms:us-east-1:1:key/k") }),
      {
        policies: [kinesisStreamEncrypted],
        config: mandatory("kinesis-stream-encrypted"),
      },
    );
    expect(violations).toEqual([]);
  });

  it("pass a presence check on a list: subnets created in the same update", async () => {
    const fn = fixtureResources([
      {
        type: "aws:lambda/function:Function",
        name: "f",
        inputs: { vpcConfig: { subnetIds: [UNKNOWN, UNKNOWN], securityGroupIds: UNKNOWN } },
      },
    ]);
    expect(
      (await analyzeResources(fn, { policies: [lambdaInVpc], config: mandatory("lambda-in-vpc") }))
        .violations,
    ).toEqual([]);
    const unknownList = fixtureResources([
      { type: "aws:lambda/function:Function", name: "f", inputs: { vpcConfig: { subnetIds: UNKNOWN } } },
    ]);
    expect(
      (await analyzeResources(unknownList, { policies: [lambdaInVpc], config: mandatory("lambda-in-vpc") }))
        .violations,
    ).toEqual([]);
  });

  it("make a value check report 'cannot verify' at advisory level", async () => {
    const { violations } = await analyzeResources(
      stream({ encryptionType: UNKNOWN, kmsKeyId: "arn:aws:kms:us-east-1:1:key/k" }),
      {
        policies: [kinesisStreamEncrypted],
        config: mandatory("kinesis-stream-encrypted"),
      },
    );
    expect(violations.map((v) => [v.rule, v.enforcementLevel])).toEqual([["kms", "advisory"]]);
    expect(violations[0].message).toMatch(/cannot verify during preview: string value at \.encryptionType/);
  });

  it("of a policy read without the wrapper become the analyzer's own advisory diagnostic", async () => {
    const raw = resourcePolicy({
      name: "raw-reader",
      description: "Reads a value directly.",
      severity: "low",
      concern: "cost",
      remediationSteps: "None needed, it is a probe.",
      resourceTypes: ["aws:kinesis/stream:Stream"],
      rules: [],
    });
    raw.validateResource = (args) => void (args.props.retentionPeriod > 1);
    const { violations } = await analyzeResources(stream({ retentionPeriod: UNKNOWN }), {
      policies: [raw],
      config: mandatory("raw-reader"),
    });
    expect(violations).toEqual([
      expect.objectContaining({
        enforcementLevel: "advisory",
        message:
          "can't run policy 'raw-reader' during preview: string value at .retentionPeriod can't be known during preview",
      }),
    ]);
  });
});

describe("required tags", () => {
  const REQUIRED = ["Environment", "Domain", "Owner", "CostCenter", "ManagedBy"];
  /** A real preview: a default provider registered by the engine, referenced as `<urn>::<id>`. */
  const realPreview = (defaultTags: unknown, tags?: Record<string, string>) => ({
    steps: [
      {
        op: "create",
        urn: "urn:pulumi:dev::p::pulumi:providers:aws::default_7_48_0",
        newState: {
          urn: "urn:pulumi:dev::p::pulumi:providers:aws::default_7_48_0",
          type: "pulumi:providers:aws",
          custom: true,
          inputs: {
            region: "us-east-1",
            version: "7.48.0",
            ...(defaultTags === undefined ? {} : { defaultTags }),
          },
        },
      },
      {
        op: "create",
        urn: "urn:pulumi:dev::p::aws:sqs/queue:Queue::q",
        newState: {
          urn: "urn:pulumi:dev::p::aws:sqs/queue:Queue::q",
          type: "aws:sqs/queue:Queue",
          custom: true,
          provider:
            "urn:pulumi:dev::p::pulumi:providers:aws::default_7_48_0::04da6b54-80e4-46f7-96ec-b56ff0331ba9",
          inputs: { sqsManagedSseEnabled: true, ...(tags ? { tags } : {}) },
        },
      },
    ],
  });
  const allTags = Object.fromEntries(REQUIRED.map((k) => [k, "x"]));

  it("counts the default provider's default tags of a real preview", async () => {
    const { violations } = await analyzeDocument(realPreview(JSON.stringify({ tags: allTags })), {
      policies: [requiredTags],
      config: mandatory("required-tags"),
    });
    expect(violations).toEqual([]);
  });

  it("names the keys missing from both the provider and the resource", async () => {
    const { violations } = await analyzeDocument(
      realPreview(JSON.stringify({ tags: { Environment: "dev" } }), { Owner: "team" }),
      {
        policies: [requiredTags],
        config: mandatory("required-tags"),
      },
    );
    expect(violations.map((v) => [v.enforcementLevel, v.message])).toEqual([
      [
        "mandatory",
        "[required-keys] Add the tag keys Domain, CostCenter, ManagedBy (provider defaultTags or the resource's tags).",
      ],
    ]);
  });

  it("cannot verify keys hidden in default tags unknown during preview", async () => {
    const { violations } = await analyzeDocument(realPreview(UNKNOWN), {
      policies: [requiredTags],
      config: mandatory("required-tags"),
    });
    expect(violations.map((v) => [v.rule, v.enforcementLevel])).toEqual([["required-keys", "advisory"]]);
  });

  it("fills missing keys from the dev defaults, and still fails keys without a default", async () => {
    const dev = packConfigFor("dev");
    const filled = await analyzeDocument(realPreview(undefined), { policies: [requiredTags], config: dev });
    expect(filled.violations.map((v) => v.enforcementLevel)).toEqual(["remediate"]);
    expect(filled.remediated[0].props.tags).toMatchObject({
      Environment: "dev",
      ManagedBy: "pulumi",
      Owner: "unassigned",
    });

    const config = {
      "required-tags": { enforcementLevel: "remediate" as const, defaults: { ManagedBy: "pulumi" } },
    };
    const partial = await analyzeDocument(realPreview(undefined), { policies: [requiredTags], config });
    expect(partial.violations.map((v) => [v.enforcementLevel, v.rule])).toEqual([
      ["remediate", undefined],
      ["mandatory", "required-keys"],
    ]);
  });
});

describe("enforcement levels", () => {
  const insecureStream: PlanResource[] = fixtureResources([
    { type: "aws:kinesis/stream:Stream", name: "s", inputs: { encryptionType: "NONE" } },
  ]);
  const levels = async (config: Parameters<typeof analyzeResources>[1]["config"]) =>
    (await analyzeResources(insecureStream, { policies: [kinesisStreamEncrypted], config })).violations.map(
      (v) => v.enforcementLevel,
    );

  it("come from the policy's entry, then `all`, then the policy's default", async () => {
    expect(await levels({ "kinesis-stream-encrypted": "advisory", all: "mandatory" })).toEqual([
      "advisory",
      "advisory",
    ]);
    expect(await levels({ all: "advisory" })).toEqual(["advisory", "advisory"]);
    expect(await levels({})).toEqual(["mandatory", "mandatory"]);
    expect(await levels({ "kinesis-stream-encrypted": { enforcementLevel: "disabled" } })).toEqual([]);
  });

  it("count a replaced resource once", async () => {
    const r = insecureStream[2];
    const doc = {
      steps: [
        ...insecureStream.slice(0, 2).map((x) => ({ op: "same", newState: x })),
        { op: "create-replacement", newState: r },
        { op: "replace", newState: r },
        { op: "delete-replaced", newState: undefined },
      ],
    };
    expect(
      (await analyzeDocument(doc, { policies: [kinesisStreamEncrypted], config: {} })).violations.map(
        (v) => v.rule,
      ),
    ).toEqual(["kms", "customer-key"]);
  });

  it("ignore resources the preview deletes", async () => {
    const doc = { steps: [{ op: "delete", urn: insecureStream[2].urn, newState: insecureStream[2] }] };
    expect(
      (await analyzeDocument(doc, { policies: [kinesisStreamEncrypted], config: {} })).violations,
    ).toEqual([]);
  });
});

/**
 * Meta-test of the pack: every policy is complete (metadata, FSBP framework, real `@pulumi/aws`
 * type tokens, one file per policy in its concern folder), has a compliant fixture and a failing
 * fixture per rule, and has an explicit level in both environment configs, prod never weaker.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REQUIRED_TAG_KEYS } from "../components/core/tags";
import { POLICIES } from "./all";
import { FIXTURES } from "./fixtures";
import { CONCERNS, FSBP_FRAMEWORK } from "./lib/policy";
import { ENFORCEMENT_LEVELS, packConfigFor, POLICY_ENVIRONMENTS } from "./runner/config";
import { DEFAULT_REQUIRED_TAG_KEYS } from "./tagging/required-tags";
import { readAwsCatalog, TAGGABLE_FILE } from "./tools/aws-catalog";
import { policyTable } from "./tools/readme-table";

const aws = readAwsCatalog();
const awsx = readAwsCatalog(path.dirname(require.resolve("@pulumi/awsx/package.json")));
const KNOWN_TYPES = new Set([...aws.types, ...awsx.types, "pulumi:pulumi:Stack"]);
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const byName = POLICIES.map((p) => [p.name, p] as const);

describe("the policy pack", () => {
  it("has unique kebab-case policy names", () => {
    const names = POLICIES.map((p) => p.name);
    expect(names.filter((n) => !KEBAB.test(n))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  it("knows the @pulumi/aws and @pulumi/awsx type tokens it checks against", () => {
    // Guards the check below against an empty scan.
    expect(aws.types).toContain("aws:s3/bucket:Bucket");
    expect(awsx.types).toContain("awsx:ec2:Vpc");
    expect(KNOWN_TYPES.has("aws:s3/bucketV3:BucketV3")).toBe(false);
  });

  it("keeps the taggable type list in step with the installed @pulumi/aws", () => {
    const committed = JSON.parse(fs.readFileSync(TAGGABLE_FILE, "utf8")) as {
      awsVersion: string;
      taggable: string[];
    };
    expect({ awsVersion: committed.awsVersion, taggable: committed.taggable }).toEqual({
      awsVersion: aws.awsVersion,
      taggable: aws.taggable,
    });
    expect(aws.taggable).toEqual(
      expect.arrayContaining([
        "aws:s3/bucket:Bucket",
        "aws:kinesis/stream:Stream",
        "aws:lambda/function:Function",
      ]),
    );
    expect(aws.taggable).not.toContain("aws:s3/bucketPolicy:BucketPolicy");
  });

  it("is documented in the README's policy table (regenerate with npm run policies:table)", () => {
    // Compare cell by cell: prettier pads the README's columns.
    const rows = (text: string) =>
      text
        .split("\n")
        .filter((l) => l.startsWith("| ") && !/^\|\s*-/.test(l))
        .map((l) =>
          l
            .split("|")
            .map((c) => c.trim())
            .join("|"),
        );
    const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
    const documented = new Set(rows(readme));
    expect(rows(policyTable()).filter((r) => !documented.has(r))).toEqual([]);
  });

  it("requires the tag keys the platform's providers set by default", () => {
    expect(DEFAULT_REQUIRED_TAG_KEYS).toEqual([...REQUIRED_TAG_KEYS]);
  });
});

describe.each(byName)("policy %s", (name, policy) => {
  it("has complete metadata", () => {
    expect(policy.description).toMatch(/^[A-Z][^\n]*\.$/);
    expect(policy.description.slice(0, -1)).not.toMatch(/\.\s+[A-Z]/); // one sentence
    expect(policy.remediationSteps?.length).toBeGreaterThan(10);
    expect(["low", "medium", "high", "critical"]).toContain(policy.severity);
    expect(CONCERNS).toContain(policy.meta.concern);
    expect(policy.tags).toEqual([policy.meta.concern]);
    expect(policy.meta.rules.length).toBeGreaterThan(0);
    expect(policy.meta.rules.filter((r) => !KEBAB.test(r))).toEqual([]);
    expect(new Set(policy.meta.rules).size).toBe(policy.meta.rules.length);
    if (policy.meta.fsbp.length) {
      expect(policy.meta.fsbp.filter((c) => !/^[A-Za-z][A-Za-z0-9]*\.\d+$/.test(c))).toEqual([]);
      expect(policy.framework).toEqual({
        ...FSBP_FRAMEWORK,
        reference: policy.meta.fsbp.join(", "),
        specification: policy.description,
      });
    } else {
      expect(policy.framework).toBeUndefined();
    }
  });

  it("checks only real resource type tokens", () => {
    const types = [...policy.meta.resourceTypes, ...policy.meta.relatedTypes];
    expect(types.length).toBeGreaterThan(0);
    expect(types.filter((t) => !KNOWN_TYPES.has(t))).toEqual([]);
  });

  it("lives in its own file in its concern's folder", () => {
    const file = path.join(__dirname, policy.meta.concern, `${name}.ts`);
    expect(fs.existsSync(file)).toBe(true);
    const mod = require(file) as Record<string, unknown>;
    expect(
      Object.values(mod).filter((v) => (v as { name?: string })?.name === name && "meta" in (v as object)),
    ).toHaveLength(1);
  });

  it("has a compliant fixture and a failing fixture for every rule", () => {
    const fixtures = FIXTURES.filter((f) => f.policy === name);
    expect(fixtures).toHaveLength(1);
    const [fixture] = fixtures;
    expect(fixture.compliant.length).toBeGreaterThan(0);
    expect(Object.keys(fixture.failing).sort()).toEqual([...policy.meta.rules].sort());
    const fixtureTypes = fixture.compliant
      .map((r) => r.type)
      .filter((t) => !t.startsWith("pulumi:providers:"));
    expect(fixtureTypes.filter((t) => !KNOWN_TYPES.has(t))).toEqual([]);
    // The fixture exercises the policy's subjects.
    expect(
      fixtureTypes.some(
        (t) =>
          policy.meta.resourceTypes.includes(t) || policy.meta.resourceTypes.includes("pulumi:pulumi:Stack"),
      ),
    ).toBe(true);
  });

  it("has an explicit level in dev.json and prod.json, prod at least as strict", () => {
    const strictness = (l: string) => ({ disabled: 0, advisory: 1, remediate: 2, mandatory: 3 })[l] ?? -1;
    const levels = POLICY_ENVIRONMENTS.map((env) => {
      const entry = packConfigFor(env)[name];
      expect(entry).toBeDefined();
      const level = typeof entry === "string" ? entry : entry.enforcementLevel;
      expect(ENFORCEMENT_LEVELS).toContain(level);
      if (entry && typeof entry === "object") {
        const known = Object.keys(policy.configSchema?.properties ?? {});
        expect(Object.keys(entry).filter((k) => k !== "enforcementLevel" && !known.includes(k))).toEqual([]);
      }
      return level as string;
    });
    expect(strictness(levels[1])).toBeGreaterThanOrEqual(strictness(levels[0]));
    if (levels[0] === "remediate")
      expect("remediateResource" in policy && policy.remediateResource).toBeTruthy();
  });
});

describe("environment configs", () => {
  it("name only policies of the pack, and prod is stricter than dev", () => {
    const names = new Set(POLICIES.map((p) => p.name));
    let stricter = 0;
    for (const env of POLICY_ENVIRONMENTS)
      expect(Object.keys(packConfigFor(env)).filter((k) => !names.has(k))).toEqual([]);
    const dev = packConfigFor("dev");
    const prod = packConfigFor("prod");
    const level = (e: unknown) =>
      typeof e === "string" ? e : (e as { enforcementLevel: string }).enforcementLevel;
    for (const n of names) if (level(dev[n]) !== level(prod[n])) stricter++;
    expect(stricter).toBeGreaterThan(5);
  });
});

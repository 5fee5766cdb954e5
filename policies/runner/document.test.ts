/**
 * `npm run check` on what the Pulumi CLI really prints: every fixture in `fixtures/` goes through
 * the command's own entry point. Where the document lacks what the engine would see (unchanged
 * resources, the provider's default tags, secret values) the finding is an advisory "cannot
 * verify" — never a false mandatory, never a silent pass.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { check } from "../../cli/check";
import { DOCUMENTS } from "./fixtures/generate";

const FIXTURES = path.join(__dirname, "fixtures");
const fixture = (name: string) => path.join(FIXTURES, name);
const BASTION =
  "urn:pulumi:prod::orders::dataplatform:streaming:Pipeline$aws:ec2/securityGroup:SecurityGroup::bastion";

interface Finding {
  policyName: string;
  enforcementLevel: string;
  urn: string;
  message: string;
  cannotVerify?: boolean;
}

async function run(file: string, env = "prod") {
  const out: string[] = [];
  const err: string[] = [];
  const code = await check(
    ["--env", env, "--json", fixture(file)],
    (s) => out.push(s),
    (s) => err.push(s),
  );
  expect(err).toEqual([]);
  const findings = JSON.parse(out.join("\n")) as Finding[];
  const short = (f: Finding) =>
    `${f.enforcementLevel} ${f.policyName} ${f.urn.slice(f.urn.lastIndexOf("::") + 2)}`;
  return { code, findings, lines: findings.map(short).sort() };
}

describe("the fixtures", () => {
  it.each(Object.keys(DOCUMENTS))("%s is what generate.ts renders", (file) => {
    expect(JSON.parse(fs.readFileSync(fixture(file), "utf8"))).toEqual(DOCUMENTS[file]);
  });
});

/**
 * The fixture's value checks on values a preview document does not show (unknown until apply, or
 * secret), one line per rule that reads them: iam-no-admin-statements has three (Action "*", iam:*,
 * NotAction), resource-policy-no-public two.
 */
const VALUE_CHECKS_ON_HIDDEN_VALUES = [
  "advisory iam-no-admin-statements orders-producer-put",
  "advisory iam-no-admin-statements orders-producer-put",
  "advisory iam-no-admin-statements orders-producer-put",
  "advisory iam-no-kms-decrypt-all orders-producer-put",
  "advisory iam-no-service-wildcards orders-producer-put",
  "advisory resource-policy-no-public orders-archive-policy",
  "advisory resource-policy-no-public orders-archive-policy",
  "advisory s3-bucket-tls-only orders-archive",
  "advisory security-group-no-internet-union bastion",
  "advisory security-group-no-public-ingress bastion",
];

describe("npm run check on real `pulumi preview --json` documents", () => {
  it("passes a first deploy whose root stack and component have no inputs", async () => {
    const doc = DOCUMENTS["first-deploy.json"];
    expect(doc.steps[0]).not.toHaveProperty("newState.inputs");
    const { code, lines } = await run("first-deploy.json");
    // The bucket policy is built from the bucket's ARN, unknown until the bucket exists: neither its
    // TLS-only statement nor its principals can be read yet (two rules of resource-policy-no-public).
    expect(lines).toEqual([
      "advisory resource-policy-no-public orders-archive-policy",
      "advisory resource-policy-no-public orders-archive-policy",
      "advisory s3-bucket-tls-only orders-archive",
    ]);
    expect(code).toBe(0);
  });

  it("reports value checks on values unknown until apply as 'cannot verify during preview'", async () => {
    const { code, findings, lines } = await run("unknowns.json");
    expect(code).toBe(0);
    expect(lines).toEqual(VALUE_CHECKS_ON_HIDDEN_VALUES);
    expect(findings.every((f) => f.cannotVerify && / cannot verify during preview: /.test(f.message))).toBe(
      true,
    );
  });

  it("reports an unchanged insecure group only as 'cannot verify' when unchanged resources are not printed", async () => {
    const { code, findings, lines } = await run("incremental.json");
    expect(code).toBe(0);
    expect(lines).toEqual([
      "advisory preview-document orders-prod",
      // The provider and its default tags are unchanged, so not printed.
      "advisory required-tags orders-archive",
      "advisory required-tags orders-stream",
      // The bucket's companions are unchanged, so not printed: "missing" cannot be established.
      "advisory s3-access-logging orders-archive",
      "advisory s3-bucket-sse-kms orders-archive",
      "advisory s3-bucket-tls-only orders-archive",
      "advisory s3-lifecycle-configured orders-archive",
      "advisory s3-ownership-controls orders-archive",
      "advisory s3-public-access-block orders-archive",
      "advisory s3-versioning orders-archive",
    ]);
    expect(findings.find((f) => f.policyName === "s3-versioning")!.message).toMatch(
      /^\[missing\] cannot verify: the preview document lacks 15 unchanged resources, and this finding rests on a resource not found in it/,
    );
    expect(findings.every((f) => f.cannotVerify)).toBe(true);
    expect(findings.find((f) => f.policyName === "preview-document")!.message).toBe(
      "cannot verify 15 unchanged resources: the document counts them in changeSummary.same but does not print them, so no policy saw them (`pulumi preview --json --show-sames` prints a complete document)",
    );
    expect(findings.find((f) => f.policyName === "required-tags")!.message).toMatch(
      /^\[required-keys\] cannot verify: the provider urn:pulumi:prod::orders::pulumi:providers:aws::default_7_48_0 \(and its default tags\) is not in the preview document/,
    );
  });

  it("gives the engine's mandatory finding on the same preview with --show-sames", async () => {
    const { code, lines } = await run("incremental-show-sames.json");
    expect(lines).toEqual([
      "mandatory security-group-no-internet-union bastion",
      "mandatory security-group-no-public-ingress bastion",
    ]);
    expect(code).toBe(1);
  });

  it("fails a change that opens a group to the internet, even without --show-sames", async () => {
    const { code, findings, lines } = await run("incremental-insecure.json");
    expect(code).toBe(1);
    expect(lines).toEqual([
      "advisory preview-document orders-prod",
      "advisory required-tags bastion",
      // The union of the group's CIDRs is a stack check: its other rules may be unchanged, unprinted.
      "advisory security-group-no-internet-union bastion",
      "mandatory security-group-no-public-ingress bastion",
    ]);
    expect(findings.find((f) => f.enforcementLevel === "mandatory")).toMatchObject({ urn: BASTION });
  });

  it("says what a no-op preview cannot show, and passes", async () => {
    const { code, lines } = await run("no-op.json");
    expect(lines).toEqual(["advisory preview-document orders-prod"]);
    expect(code).toBe(0);
  });

  it("ignores a resource the preview deletes (a delete has only oldState)", async () => {
    const { code, lines } = await run("delete.json");
    expect(lines).toEqual(["advisory preview-document orders-prod"]);
    expect(code).toBe(0);
  });

  it("never passes a value check on a secret it cannot read, and reads secrets it can", async () => {
    const { code, findings, lines } = await run("secrets.json");
    expect(code).toBe(0);
    // `"[secret]"` and ciphertext: cannot verify; the ciphertext AUTH token still counts as set
    // (no elasticache-auth failure); the plaintext encryptionType is read (no kinesis finding).
    expect(lines).toEqual(VALUE_CHECKS_ON_HIDDEN_VALUES);
    expect(findings.every((f) => f.cannotVerify)).toBe(true);
    expect(
      findings.find((f) => f.urn === BASTION && f.policyName === "security-group-no-public-ingress")!.message,
    ).toBe(
      "[public-ingress] cannot verify: the secret value at .ingress[0].cidrBlocks is not in the preview document (the pack under `pulumi preview --policy-pack policies` reads secret values)",
    );
  });

  it("still exits 2 with the path and reason on a document that is not a preview", async () => {
    const err: string[] = [];
    const bad = path.join(FIXTURES, "..", "document.test.ts");
    expect(
      await check(
        [bad],
        () => undefined,
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err.join("\n")).toMatch(/document\.test\.ts: not JSON/);
    const noSteps = path.join(FIXTURES, "README.md");
    expect(
      await check(
        [noSteps],
        () => undefined,
        (s) => err.push(s),
      ),
    ).toBe(2);
  });
});

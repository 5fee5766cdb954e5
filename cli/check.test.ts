import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { type FixtureResource, fixtureResources } from "../policies/lib/fixtures";
import { check } from "./check";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-"));
const planOut = fs.mkdtempSync(path.join(os.tmpdir(), "plan-check-"));
afterAll(() => [dir, planOut].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Writes a preview document holding `resources` (plus the tagged provider and the stack). */
function previewFile(name: string, resources: FixtureResource[]): string {
  const steps = fixtureResources(resources).map((newState) => ({
    op: "create",
    urn: newState.urn,
    newState,
  }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ steps, changeSummary: { create: steps.length } }));
  return file;
}

const KEY = "arn:aws:kms:us-east-1:123456789012:key/k";
const secureStream = previewFile("secure.json", [
  {
    type: "aws:kinesis/stream:Stream",
    name: "events",
    inputs: { encryptionType: "KMS", kmsKeyId: KEY, retentionPeriod: 168 },
  },
]);
const insecureStream = previewFile("insecure.json", [
  {
    type: "aws:kinesis/stream:Stream",
    name: "events",
    inputs: { encryptionType: "NONE", retentionPeriod: 168 },
  },
]);
/** Breaks only policies that are advisory in dev and mandatory in prod. */
const tableWithoutPitr = previewFile("table.json", [
  {
    type: "aws:dynamodb/table:Table",
    name: "orders",
    inputs: {
      serverSideEncryption: { enabled: true, kmsKeyArn: KEY },
      deletionProtectionEnabled: true,
      billingMode: "PAY_PER_REQUEST",
      onDemandThroughput: { maxReadRequestUnits: 10, maxWriteRequestUnits: 10 },
    },
  },
]);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "cli/check.ts", ...args], {
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function inProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await check(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

describe("npm run check", () => {
  it("exits 0 on a compliant document", async () => {
    const result = await cli(["--env", "prod", secureStream]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^0 mandatory, 0 advisory violation\(s\), 0 remediation\(s\) in 1 document\(s\)$/m,
    );
  });

  it("exits 1 and names policy, level, resource and fix on a mandatory violation", async () => {
    const result = await cli([secureStream, insecureStream]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "mandatory  kinesis-stream-encrypted  urn:pulumi:test::fixture::aws:kinesis/stream:Stream::events\n           [kms] Set encryptionType to `KMS`.",
    );
    expect(result.stdout).toMatch(
      /^2 mandatory, 0 advisory violation\(s\), 0 remediation\(s\) in 2 document\(s\)$/m,
    );
  });

  it("exits 2 with a clear error on a malformed document", async () => {
    const notPreview = path.join(dir, "not-preview.json");
    fs.writeFileSync(notPreview, JSON.stringify({ steps: [{ op: "create", urn: "my-bucket" }] }));
    const result = await cli([notPreview]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `${notPreview}: not a \`pulumi preview --json\` document (steps.0.urn: Invalid string: must start with "urn:pulumi:")`,
    );
  });

  it("rejects unreadable files, non-JSON, unknown environments and missing arguments with exit 2", async () => {
    const notJson = path.join(dir, "broken.json");
    fs.writeFileSync(notJson, "{ steps: ");
    expect(await inProcess([path.join(dir, "missing.json")])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/missing\.json: cannot read \(ENOENT\)/),
    });
    expect(await inProcess([notJson])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/broken\.json: not JSON/),
    });
    expect(await inProcess(["--env", "staging", secureStream])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--env must be one of dev, prod \(got staging\)/),
    });
    expect(await inProcess([])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no preview document given/),
    });
    // One malformed document stops the whole check: no partial verdict.
    expect((await inProcess([insecureStream, notJson])).code).toBe(2);
  });

  it("prints {policyName, enforcementLevel, urn, message} objects with --json", async () => {
    const result = await inProcess(["--json", insecureStream]);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as Record<string, string>[];
    expect(parsed).toEqual([
      {
        policyName: "kinesis-stream-encrypted",
        enforcementLevel: "mandatory",
        urn: "urn:pulumi:test::fixture::aws:kinesis/stream:Stream::events",
        message: "[kms] Set encryptionType to `KMS`.",
      },
      {
        policyName: "kinesis-stream-encrypted",
        enforcementLevel: "mandatory",
        urn: "urn:pulumi:test::fixture::aws:kinesis/stream:Stream::events",
        message: "[customer-key] Set kmsKeyId to a customer managed KMS key (not alias/aws/kinesis).",
      },
    ]);
    expect(JSON.parse((await inProcess(["--json", secureStream])).stdout)).toEqual([]);
  });

  it("applies the environment's levels: prod fails what dev only advises", async () => {
    const dev = await inProcess(["--env", "dev", "--json", tableWithoutPitr]);
    const prod = await inProcess(["--env", "prod", "--json", tableWithoutPitr]);
    expect(dev.code).toBe(0);
    expect(JSON.parse(dev.stdout)).toEqual([
      expect.objectContaining({ policyName: "dynamodb-pitr", enforcementLevel: "advisory" }),
    ]);
    expect(prod.code).toBe(1);
    expect(JSON.parse(prod.stdout)).toEqual([
      expect.objectContaining({ policyName: "dynamodb-pitr", enforcementLevel: "mandatory" }),
    ]);
  });
});

describe("npm run check on real `pulumi preview --json` output", () => {
  const FIXTURES = path.join(ROOT, "policies", "runner", "fixtures");

  it("reads an incremental preview without --show-sames: no false mandatory, and says what it could not see", async () => {
    const result = await cli(["--env", "prod", path.join(FIXTURES, "incremental.json")]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "advisory   preview-document  urn:pulumi:prod::orders::pulumi:pulumi:Stack::orders-prod",
    );
    expect(result.stdout).toMatch(
      /^0 mandatory, 10 advisory violation\(s\), 0 remediation\(s\) in 1 document\(s\)\nof the advisory: 10 cannot verify, 0 excepted$/m,
    );
  });

  it("lists every exception with its reason and expiry, and fails on an expired one", async () => {
    const doc = JSON.parse(fs.readFileSync(path.join(FIXTURES, "first-deploy.json"), "utf8"));
    const stateOf = (name: string) =>
      doc.steps.find((s: { urn: string }) => s.urn.endsWith(`::${name}`)).newState;
    stateOf("bastion").inputs.ingress[0].cidrBlocks = ["0.0.0.0/0"];
    // One exception per policy the open group fails (the port rule and the CIDR-union rule).
    stateOf("bastion").inputs.tags = {
      "policy-exception:security-group-no-public-ingress": "operator VPN pending expires=2999-01-31",
      "policy-exception:security-group-no-internet-union": "operator VPN pending expires=2999-01-31",
    };
    const file = path.join(dir, "excepted.json");
    fs.writeFileSync(file, JSON.stringify(doc));
    const excepted = await inProcess([file]);
    expect(excepted.code).toBe(0);
    expect(excepted.stdout).toMatch(/^Exceptions \(2\):$/m);
    expect(excepted.stdout).toContain(
      "\n  security-group-no-public-ingress/public-ingress  urn:pulumi:prod::orders::dataplatform:streaming:Pipeline$aws:ec2/securityGroup:SecurityGroup::bastion  until 2999-01-31  tag policy-exception:security-group-no-public-ingress: operator VPN pending",
    );

    stateOf("bastion").inputs.tags["policy-exception:security-group-no-public-ingress"] =
      "operator VPN pending expires=2021-01-31";
    fs.writeFileSync(file, JSON.stringify(doc));
    const expired = await inProcess([file]);
    expect(expired.code).toBe(1);
    expect(expired.stdout).toMatch(
      / {2}EXPIRED 2021-01-31 {2}tag policy-exception:security-group-no-public-ingress/,
    );
  });
});

describe("npm run plan -- --check", () => {
  it("checks the documents it wrote with the environment's policy config and the fresh-account check", async () => {
    let result: { code: number; stdout: string; stderr: string };
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ["--import", "tsx", "cli/platform.ts", "plan", "--env", "prod", "--out", planOut, "--check"],
        { cwd: ROOT },
      );
      result = { code: 0, stdout, stderr };
    } catch (e) {
      result = e as { code: number; stdout: string; stderr: string };
    }
    expect(result.stdout).toContain("Policy check (policies/prod.json):");
    expect(result.stdout).toMatch(
      /^0 mandatory, \d+ advisory violation\(s\), \d+ remediation\(s\) in \d+ document\(s\)$/m,
    );
    // The committed prod stack files hold example values: the fresh-account check stops there
    // (docs/bootstrap.md), naming each key; `--allow-placeholders` reports them without failing.
    expect(result.stdout).toMatch(/^Fresh-account check: 12 problem\(s\) stop a first deployment:$/m);
    expect(result.stdout).toContain('[placeholder] data-platform: data-platform:accountId = "222222222222"');
    expect(result.code).toBe(1);
  });
});

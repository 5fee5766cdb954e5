import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { MAX_NAME_LENGTH, nameProblem, platformStacks, renameDomain, scaffoldDomain } from "./new-domain";
import { UsageError } from "./local/errors";

const REPO = path.resolve(__dirname, "..");

/** A repository skeleton: the platform project with its stacks, and existing domain folders. */
function skeleton(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "new-domain-"));
  fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: data-platform\nruntime: nodejs\n");
  for (const s of ["local", "dev", "prod", "staging"])
    fs.writeFileSync(path.join(root, `Pulumi.${s}.yaml`), "config: {}\n");
  for (const [dir, name] of [
    ["orders", "orders"],
    ["api", "api"],
    ["legacy", "ledger"],
  ]) {
    fs.mkdirSync(path.join(root, "stacks", dir), { recursive: true });
    fs.writeFileSync(path.join(root, "stacks", dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);
  }
  fs.copyFileSync(
    path.join(REPO, "stacks", "orders", "schema.ts"),
    path.join(root, "stacks", "orders", "schema.ts"),
  );
  fs.copyFileSync(
    path.join(REPO, "stacks", "orders", "sample.ts"),
    path.join(root, "stacks", "orders", "sample.ts"),
  );
  return root;
}

describe("new-domain refuses names a domain cannot have", () => {
  const root = skeleton();

  it.each([
    ["Payments", /lowercase letters, digits and dashes/],
    ["pay_ments", /lowercase letters, digits and dashes/],
    ["pay.ments", /lowercase letters, digits and dashes/],
    ["9lives", /starting with a letter/],
    ["payments-", /ending with a letter or digit/],
    ["pay--ments", /no double dash/],
    ["p", /2 to 24 characters/],
    ["a".repeat(MAX_NAME_LENGTH + 1), /2 to 24 characters/],
    ["shared", /reserved: the Lake Formation `domain` tag value/],
    ["data-platform", /reserved: the platform project/],
    ["aws-billing", /reserved prefix "aws"/],
    ["orders", /collides with the existing project stacks\/orders/],
    ["api", /collides with the existing project stacks\/api/],
    ["ledger", /collides with the existing project stacks\/legacy/],
    ["legacy", /collides with the existing project stacks\/legacy/],
  ])("%s", (name, reason) => {
    const existing = fs.existsSync(path.join(root, "stacks", name))
      ? fs.readdirSync(path.join(root, "stacks", name))
      : [];
    expect(nameProblem(name, root)).toMatch(reason);
    expect(() => scaffoldDomain(name, { root })).toThrow(UsageError);
    const now = fs.existsSync(path.join(root, "stacks", name))
      ? fs.readdirSync(path.join(root, "stacks", name))
      : [];
    expect(now).toEqual(existing);
  });

  it("accepts a valid new name", () => {
    expect(nameProblem("card-payments", root)).toBeUndefined();
    expect(nameProblem("a".repeat(MAX_NAME_LENGTH), root)).toBeUndefined();
  });
});

describe("new-domain writes one folder", () => {
  it("with the schema, config, program, project file, a stack file per platform stack and a test", () => {
    const root = skeleton();
    const { dir, files } = scaffoldDomain("payments", { root });
    expect(dir).toBe(path.join(root, "stacks", "payments"));
    expect(platformStacks(root)).toEqual(["dev", "local", "prod", "staging"]);
    expect(files).toEqual([
      "Pulumi.dev.yaml",
      "Pulumi.local.yaml",
      "Pulumi.prod.yaml",
      "Pulumi.staging.yaml",
      "Pulumi.yaml",
      "config.ts",
      "index.ts",
      "schema.test.ts",
      "schema.ts",
    ]);
    expect(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).toMatch(/^name: payments$/m);
    expect(fs.readFileSync(path.join(dir, "Pulumi.prod.yaml"), "utf8")).toContain(
      "payments:owner: payments-team",
    );
    const schema = fs.readFileSync(path.join(dir, "schema.ts"), "utf8");
    expect(schema).toContain('name: "payments"');
    expect(schema).toContain("export const defineDataProduct = definePayments;");
  });

  it("--from orders copies the example's schema and sample generator under the new name", () => {
    const root = skeleton();
    const { dir, files } = scaffoldDomain("card-payments", { root, from: "orders" });
    expect(files).toContain("sample.ts");
    const schema = fs.readFileSync(path.join(dir, "schema.ts"), "utf8");
    expect(schema).toContain('name: "card-payments"');
    expect(schema).toContain("export function cardPaymentsSchema()");
    expect(schema).toContain("export function defineCardPayments(): DataProduct<OrderEvent>");
    expect(schema).toContain("export const defineDataProduct = defineCardPayments;");
    expect(schema).not.toMatch(/\borders\b|Orders/);
  });

  it("keeps the names it imports from shared code", () => {
    const text =
      'import { clickstreamEvent } from "../../runtime/testing/events";\nexport const sample = () => clickstreamEvent(1); // clickstream';
    expect(renameDomain(text, "clickstream", "web-visits")).toBe(
      'import { clickstreamEvent } from "../../runtime/testing/events";\nexport const sample = () => clickstreamEvent(1); // web-visits',
    );
  });

  it("renames identifiers, strings and prose, leaving other words alone", () => {
    expect(
      renameDomain(
        'const x = "clickstream"; defineClickstream(); clickstreamSchema(); // clickstream events; clickstreams',
        "clickstream",
        "web-visits",
      ),
    ).toBe(
      'const x = "web-visits"; defineWebVisits(); webVisitsSchema(); // web-visits events; clickstreams',
    );
  });
});

describe("npm run new-domain", () => {
  const cli = (args: string[]) =>
    promisify(execFile)(
      path.join(REPO, "node_modules", ".bin", "tsx"),
      [path.join(REPO, "cli", "new-domain.ts"), ...args],
      {
        cwd: REPO,
      },
    );

  it.each([
    [["--name", "orders"], /--name "orders": collides with the existing project stacks\/orders/],
    [["--name", "Bad_Name"], /--name "Bad_Name": lowercase letters/],
    [["--name", "payments", "--from", "invoices"], /--from invoices: one of orders, clickstream/],
    [[], /--name is required/],
    [["--nmae", "payments"], /Unknown option '--nmae'/],
  ])("%j exits 2 and says why", async (args, message) => {
    const error = await cli(args).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toMatch(message);
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleEntrySource } from "../lambda/packaging";
import { discoverDomains, domainNames } from "./discovery";

/** A repository root with the given `stacks/<dir>` folders: [dir, project name, files]. */
function repo(folders: [string, string | undefined, string[]][]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "discovery-"));
  for (const [dir, project, files] of folders) {
    fs.mkdirSync(path.join(root, "stacks", dir), { recursive: true });
    if (project)
      fs.writeFileSync(path.join(root, "stacks", dir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\n`);
    for (const f of files) fs.writeFileSync(path.join(root, "stacks", dir, f), "export {};\n");
  }
  return root;
}

describe("domain discovery", () => {
  it("finds every project folder with a schema.ts, sorted, and its sample.ts when there is one", () => {
    const root = repo([
      ["payments", "payments", ["schema.ts", "sample.ts"]],
      ["api", "api", ["config.ts"]],
      ["drafts", undefined, ["schema.ts"]],
      ["billing", "billing", ["schema.ts"]],
    ]);
    expect(discoverDomains(root)).toEqual([
      {
        name: "billing",
        dir: path.join(root, "stacks/billing"),
        schemaFile: path.join(root, "stacks/billing/schema.ts"),
      },
      {
        name: "payments",
        dir: path.join(root, "stacks/payments"),
        schemaFile: path.join(root, "stacks/payments/schema.ts"),
        sampleFile: path.join(root, "stacks/payments/sample.ts"),
      },
    ]);
  });

  it("refuses a domain whose project name is not its folder name", () => {
    const root = repo([["payments", "payment-events", ["schema.ts"]]]);
    expect(() => discoverDomains(root)).toThrow(
      'stacks/payments/Pulumi.yaml: name = "payment-events": a domain\'s project name must be its folder name "payments"',
    );
  });

  it("finds this repository's example domains", () => {
    expect(domainNames()).toEqual(["clickstream", "orders"]);
  });

  it("feeds the Lambda bundle's entry: each domain's schema imported statically and registered, in name order", () => {
    const root = repo([
      ["payments", "payments", ["schema.ts"]],
      ["billing", "billing", ["schema.ts"]],
    ]);
    const entry = bundleEntrySource(root);
    expect(entry).toContain(`export * from "./entry";`);
    const imports = [...entry.matchAll(/import \{ defineDataProduct as (d\d) \} from "([^"]+)";/g)].map(
      (m) => [m[1], m[2]],
    );
    expect(imports).toEqual([
      ["d0", path.relative(path.join(__dirname, "..", "lambda"), path.join(root, "stacks/billing/schema"))],
      ["d1", path.relative(path.join(__dirname, "..", "lambda"), path.join(root, "stacks/payments/schema"))],
    ]);
    expect(entry).toContain(`registerDataProducts({ "billing": d0, "payments": d1 });`);
  });
});

/**
 * The pack as `pulumi policy publish` ships it: this folder's `npm pack` tarball, unpacked alone in a
 * temporary folder with only its declared dependencies beside it, started the way the Pulumi CLI
 * starts a policy pack (`@pulumi/pulumi/cmd/run-policy-pack`, type-checking with the tarball's own
 * tsconfig and the TypeScript its package.json brings).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Empty, type RunningPack, startPolicyPack } from "../harness/analyzer";
import { POLICIES } from "./all";

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

let tmp: string;
let packDir: string;
let pack: RunningPack | undefined;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-"));
  const [{ filename }] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: __dirname, encoding: "utf8" }),
  ) as { filename: string }[];
  execFileSync("tar", ["-xzf", path.join(tmp, filename), "-C", tmp]);
  packDir = path.join(tmp, "package");
  // `npm install` in the published pack, without the network: link each declared dependency.
  const manifest = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as Manifest;
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
    const installed = path.dirname(require.resolve(`${name}/package.json`, { paths: [__dirname] }));
    fs.mkdirSync(path.dirname(path.join(packDir, "node_modules", name)), { recursive: true });
    fs.symlinkSync(installed, path.join(packDir, "node_modules", name), "dir");
  }
}, 120_000);

afterAll(() => {
  pack?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the published policy pack", () => {
  it("carries its own tsconfig, which extends nothing outside the tarball", () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(packDir, "tsconfig.json"), "utf8")) as object;
    expect(tsconfig).not.toHaveProperty("extends");
    expect(fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))).toBe(true);
  });

  it("brings a TypeScript that knows `satisfies` (else Pulumi falls back to its vendored 3.8)", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as Manifest;
    expect(manifest.dependencies?.typescript).toBeDefined();
    const resolved = require.resolve("typescript/package.json", { paths: [packDir] });
    const [major, minor] = (JSON.parse(fs.readFileSync(resolved, "utf8")) as { version: string }).version
      .split(".")
      .map(Number);
    expect(major * 100 + minor).toBeGreaterThanOrEqual(409);
  });

  it("loads alone through cmd/run-policy-pack and announces every policy under its one name", async () => {
    pack = await startPolicyPack(packDir);
    const info = await pack.call("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("aws-data-platform");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated protobuf class
    const served = info.getPoliciesList().map((p: any) => p.getName() as string);
    expect(served.sort()).toEqual(POLICIES.map((p) => p.name).sort());
  }, 600_000);
});

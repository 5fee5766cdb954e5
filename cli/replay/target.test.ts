import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ProjectInfo } from "../../harness/projects";
import { resolveTarget } from "./target";

const projects = (): ProjectInfo[] => [
  { name: "orders", dir: "/repo/stacks/orders", main: "/repo/stacks/orders/index.ts", file: "Pulumi.yaml" },
];
const notInstalled = () => {
  throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
};

describe("which deployed stream and function a replay uses", () => {
  let tmp: string;
  beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "replay-target-"))));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("asks the Pulumi CLI for the domain stack's outputs, in the domain's project directory", () => {
    const calls: [string[], string][] = [];
    const target = resolveTarget(
      { domain: "orders", env: "prod" },
      (args, cwd) => {
        calls.push([args, cwd]);
        return JSON.stringify({
          streamName: "orders-stream-9f1",
          processorName: "orders-processor-2c7",
          x: 1,
        });
      },
      projects,
    );
    expect(calls).toEqual([[["stack", "output", "--json", "--stack", "prod"], "/repo/stacks/orders"]]);
    expect(target).toEqual({
      stream: "orders-stream-9f1",
      functionName: "orders-processor-2c7",
      source: "pulumi stack output --stack prod (orders)",
    });
  });

  it("uses --stack for another organization's stack and lets a flag override one output", () => {
    let asked: string[] = [];
    const target = resolveTarget(
      { domain: "orders", env: "dev", stack: "acme/orders/dev", function: "orders-processor-v2" },
      (args) => {
        asked = args;
        return JSON.stringify({ streamName: "s", processorName: "p" });
      },
      projects,
    );
    expect(asked).toContain("acme/orders/dev");
    expect([target.stream, target.functionName]).toEqual(["s", "orders-processor-v2"]);
  });

  it("reads an outputs file instead, and says what to pass when the CLI is missing or an output is absent", () => {
    const file = path.join(tmp, "outputs.json");
    fs.writeFileSync(file, JSON.stringify({ streamName: "clicks-1", processorName: "clicks-proc-1" }));
    expect(resolveTarget({ env: "dev", outputs: file }, notInstalled, projects)).toMatchObject({
      stream: "clicks-1",
      functionName: "clicks-proc-1",
    });
    expect(() => resolveTarget({ domain: "orders", env: "dev" }, notInstalled, projects)).toThrow(
      /the Pulumi CLI is not installed: pass --stream <name> and --function <name>, or --outputs <file>/,
    );
    fs.writeFileSync(file, JSON.stringify({ streamName: "clicks-1" }));
    expect(() => resolveTarget({ env: "dev", outputs: file }, notInstalled, projects)).toThrow(
      /has no processorName output: pass --function <name>/,
    );
    expect(() => resolveTarget({ domain: "billing", env: "dev" }, notInstalled, projects)).toThrow(
      "--domain billing: no such project (orders)",
    );
  });

  it("needs no outputs when both names are given", () => {
    expect(resolveTarget({ env: "dev", stream: "s", function: "f" }, notInstalled, projects)).toEqual({
      stream: "s",
      functionName: "f",
      source: "--stream/--function",
    });
  });
});

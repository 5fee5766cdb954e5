import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { PlanDocumentSchema } from "../harness/plan";
import { discoverProjects } from "../harness/projects";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");

async function platform(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "cli/platform.ts", ...args], {
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("npm run plan", () => {
  it("writes one preview document per project and prints the table", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const result = await platform(["plan", "--env", "prod", "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const expected = discoverProjects()
      .map((p) => `${p.name}.json`)
      .sort();
    expect(fs.readdirSync(out).sort()).toEqual(expected);
    for (const file of expected) {
      const doc = PlanDocumentSchema.parse(JSON.parse(fs.readFileSync(path.join(out, file), "utf8")));
      expect(doc.steps.some((s) => s.newState?.type === "pulumi:pulumi:Stack")).toBe(true);
    }
    expect(result.stdout).toMatch(/data-platform \(prod\): \d+ resources/);
    expect(result.stdout).toMatch(/outputs: .*contractVersion/);
  });

  it("refuses a stack the platform project has no Pulumi.<stack>.yaml for, with usage and exit code 2", async () => {
    const result = await platform(["plan", "--env", "no-such-stack"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--env must be a stack of the platform project: one of dev, dr, local, prod \(got no-such-stack;/,
    );
  });
});

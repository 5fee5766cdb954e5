import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "./args";
import { cost, readPlanDir } from "./cost";

/** A preview document with one provisioned stream of 2 shards: 2 x 0.015 x 730 = $21.90 a month. */
const DOC = {
  steps: [
    {
      op: "create",
      urn: "urn:pulumi:dev::orders::aws:kinesis/stream:Stream::orders-stream",
      newState: {
        urn: "urn:pulumi:dev::orders::aws:kinesis/stream:Stream::orders-stream",
        type: "aws:kinesis/stream:Stream",
        custom: true,
        inputs: { shardCount: 2, streamModeDetails: { streamMode: "PROVISIONED" } },
      },
    },
  ],
};

describe("npm run cost", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-cost-"));
    fs.writeFileSync(path.join(dir, "orders.json"), JSON.stringify(DOC));
  });

  it("reads the preview documents of a plan directory, one project per file", () => {
    const [plan] = readPlanDir(dir, "dev");
    expect(plan.project.name).toBe("orders");
    expect(plan.document.steps).toHaveLength(1);
  });

  it("prints the itemised estimate as JSON", async () => {
    const out: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((s: string) => void out.push(s));
    try {
      expect(await cost(["--env", "dev", "--json", "--plan-dir", dir])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const [orders] = JSON.parse(out.join("\n"));
    expect(orders).toMatchObject({ project: "orders", stack: "dev", monthlyUsd: 21.9 });
  });

  it("refuses an environment it does not know", async () => {
    await expect(cost(["--env", "staging"])).rejects.toThrow(UsageError);
    await expect(cost(["--env", "staging"])).rejects.toThrow(
      "--env must be one of local, dev, prod (got staging)",
    );
  });

  it("names a plan directory without preview documents, or a file that is not one", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "ops-cost-empty-"));
    expect(() => readPlanDir(empty, "dev")).toThrow(/no <project>\.json preview documents there/);
    fs.writeFileSync(path.join(empty, "orders.json"), "{ not json");
    expect(() => readPlanDir(empty, "dev")).toThrow(/orders\.json: not a JSON preview document/);
    fs.writeFileSync(path.join(empty, "orders.json"), JSON.stringify({ resources: [] }));
    expect(() => readPlanDir(empty, "dev")).toThrow(
      /orders\.json: not a preview document \(no "steps" array\)/,
    );
  });
});

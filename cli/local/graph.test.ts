import * as fs from "node:fs";
import { evaluateProjects } from "../../harness/evaluate";
import { discoverProjects } from "../../harness/projects";
import { embedded, mermaid, README, readmeBlock } from "./graph";

describe("npm run graph", () => {
  it("finds and replaces the README block of one environment only", () => {
    const text = `intro\n${readmeBlock("dev", "flowchart LR\n  a")}\nmiddle\n${readmeBlock("prod", "flowchart LR\n  b")}\n`;
    expect(embedded(text, "dev")).toBe(readmeBlock("dev", "flowchart LR\n  a"));
    expect(embedded(text, "prod")).toContain("  b");
    expect(embedded(text, "local")).toBeUndefined();
  });

  it("the diagram committed in the README matches the code (run `npm run graph -- --env dev --write` when this fails)", async () => {
    const plans = await evaluateProjects({ stack: "dev", projects: discoverProjects() });
    const committed = embedded(fs.readFileSync(README, "utf8"), "dev");
    expect(committed).toBeDefined();
    expect(committed).toBe(readmeBlock("dev", mermaid(plans)));
  });
});

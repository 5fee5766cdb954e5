import { projectsWithFixture } from "../../harness/testing";
import { deploymentLevels } from "./order";
import { plannedProjects } from "./plan-graph";

it("derives the deployment order from the offline plan's StackReferences", async () => {
  const planned = await plannedProjects("dev", projectsWithFixture());
  const domain = planned.find((p) => p.project.name === "sample-domain");
  expect(domain?.dependsOn).toEqual(["data-platform"]);
  const levels = deploymentLevels(planned.map((p) => ({ name: p.project.name, dependsOn: p.dependsOn })));
  expect(levels[0]).toEqual(["data-platform"]);
  expect(levels.flat()).toContain("sample-domain");
  expect(levels.findIndex((l) => l.includes("sample-domain"))).toBeGreaterThan(0);
});

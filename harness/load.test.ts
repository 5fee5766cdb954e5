/**
 * Every project of the repository loads for every environment the way the Pulumi CLI loads it:
 * the SDK's cmd/run registering its type-checking ts-node with the project's Pulumi.yaml options,
 * from the project folder, in preview mode. A compile error here is a failed `pulumi preview`,
 * `pulumi up` and Pulumi Deployments run.
 */
import { ENVIRONMENTS } from "../config/schema";
import { discoverProjects } from "./projects";
import { planFor, planOf } from "./testing";

const projects = discoverProjects();

describe.each(ENVIRONMENTS)("stack %s", (stack) => {
  it.each(projects.map((p) => [p.name] as const))(
    "%s loads through cmd/run's default path and runs to completion",
    async (name) => {
      // planFor leaves transpileOnly unset: the CLI's default, ts-node type-checks the program.
      const plan = planOf(await planFor(stack), name);
      expect(plan.document.steps[0].newState.type).toBe("pulumi:pulumi:Stack");
      // The program ran to the end: its stack outputs were registered.
      expect(plan.document.steps[0].newState.outputs).toBeDefined();
    },
  );
});

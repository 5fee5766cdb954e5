/**
 * The offline plan of every project of the repository (the platform and every domain), for dev and
 * prod, has no mandatory violation of the pack with that environment's config. When a component
 * breaks a policy, fix the component: this test has no allow-list. The harness's sample domain
 * runs too, so the domain path (platform StackReference, domain providers) is covered before the
 * repository has domain stacks of its own.
 */
import { planFor, projectsWithFixture } from "../harness/testing";
import { POLICIES } from "./all";
import { analyzeDocument } from "./runner/analyze";
import { packConfigFor, type PolicyEnvironment } from "./runner/config";

describe.each<PolicyEnvironment>(["dev", "prod"])("the %s plan of every project", (env) => {
  it("has zero mandatory violations", async () => {
    const plans = await planFor(env, { projects: projectsWithFixture() });
    expect(plans.map((p) => p.project.name)).toEqual(
      expect.arrayContaining(["data-platform", "sample-domain"]),
    );
    const config = packConfigFor(env);
    const mandatory = [];
    for (const plan of plans) {
      const { violations } = await analyzeDocument(plan.document, { policies: POLICIES, config });
      for (const v of violations.filter((x) => x.enforcementLevel === "mandatory")) {
        mandatory.push(`${plan.project.name}: ${v.policyName} ${v.urn}\n  ${v.message}`);
      }
    }
    expect(mandatory).toEqual([]);
  });
});

import type { ProjectPlan } from "../../harness/evaluate";
import { POLICIES } from "../../policies/all";
import { analyzeDocument } from "../../policies/runner/analyze";
import { packConfigFor } from "../../policies/runner/config";

/** What the policy pack found in the local plans: mandatory violations stop the run. */
export interface GateResult {
  readonly mandatory: string[];
  readonly advisory: string[];
}

/**
 * The policy gate of the local run: the pack's offline runner over every project's plan, with the
 * dev pack config (the local stack runs with dev settings on emulators).
 */
export async function checkPlans(plans: readonly ProjectPlan[]): Promise<GateResult> {
  const config = packConfigFor("dev");
  const mandatory: string[] = [];
  const advisory: string[] = [];
  for (const plan of plans) {
    const { violations } = await analyzeDocument(plan.document, { policies: POLICIES, config });
    for (const v of violations) {
      const line = `${plan.project.name}: ${v.policyName}: ${v.message} (${v.urn})`;
      if (v.enforcementLevel === "mandatory") mandatory.push(line);
      else if (v.enforcementLevel === "advisory") advisory.push(line);
    }
  }
  return { mandatory, advisory };
}

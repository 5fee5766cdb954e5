/**
 * The sample program `harness/fixtures/insecure` deploys every service the pack covers. Evaluated
 * offline by the harness (real SDK registrations: property dependencies, provider references,
 * rendered JSON), its `secure` stack passes every policy and its `insecure` stack is caught by
 * each policy, one by one. Every policy runs at mandatory with prod's settings.
 */
import * as path from "node:path";
import { evaluateProjects, type ProjectPlan } from "../harness/evaluate";
import { readProject } from "../harness/projects";
import { POLICIES } from "./all";
import { analyzeDocument, type Violation } from "./runner/analyze";
import { type PackConfig, packConfigFor } from "./runner/config";

const SAMPLE = readProject(path.join(__dirname, "..", "harness", "fixtures", "insecure"));

/** prod.json with every policy mandatory, and the sample counted as a platform project. */
function strictestConfig(): PackConfig {
  const prod = packConfigFor("prod");
  const out: PackConfig = {};
  for (const p of POLICIES) {
    const entry = prod[p.name];
    out[p.name] = { ...(entry && typeof entry === "object" ? entry : {}), enforcementLevel: "mandatory" };
  }
  out["security-baseline-present"] = { enforcementLevel: "mandatory", projects: [SAMPLE.name] };
  return out;
}

async function violationsOf(stack: string): Promise<{ plan: ProjectPlan; violations: Violation[] }> {
  const [plan] = await evaluateProjects({ stack, projects: [SAMPLE] });
  const { violations } = await analyzeDocument(plan.document, {
    policies: POLICIES,
    config: strictestConfig(),
  });
  return { plan, violations };
}

let secure: Awaited<ReturnType<typeof violationsOf>>;
let insecure: Awaited<ReturnType<typeof violationsOf>>;

beforeAll(async () => {
  [secure, insecure] = [await violationsOf("secure"), await violationsOf("insecure")];
});

describe("the secure sample program", () => {
  it("deploys a resource for every policy to look at", () => {
    const types = new Set(secure.plan.document.steps.map((s) => s.newState.type));
    const unexercised = POLICIES.filter((p) => !p.meta.resourceTypes.some((t) => types.has(t))).map(
      (p) => p.name,
    );
    expect(unexercised).toEqual([]);
  });

  it("passes every policy of the pack", () => {
    expect(secure.violations).toEqual([]);
  });
});

describe("the insecure sample program", () => {
  it.each(POLICIES.map((p) => [p.name]))("is caught by %s", (name) => {
    const caught = insecure.violations.filter(
      (v) => v.policyName === name && v.enforcementLevel === "mandatory",
    );
    expect(caught.length).toBeGreaterThan(0);
    expect(caught.every((v) => v.urn.startsWith("urn:pulumi:insecure::insecure-sample::"))).toBe(true);
  });

  it("gets no 'cannot verify' diagnostics: every value is known offline", () => {
    expect(insecure.violations.filter((v) => v.enforcementLevel === "advisory")).toEqual([]);
  });
});

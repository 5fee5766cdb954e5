/**
 * Table-driven policy tests: every policy passes its compliant baseline fixture, and each rule's
 * mutation of that baseline produces a violation of exactly that rule. Resources go through the
 * offline analyzer, so properties sit behind `@pulumi/policy`'s unknown-checking proxy as in a
 * real preview.
 */
import { policyNamed } from "./all";
import { FIXTURES } from "./fixtures";
import { type FixtureResource, fixtureResources } from "./lib/fixtures";
import { UNKNOWN_VALUES } from "./lib/values";
import { analyzeResources } from "./runner/analyze";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

async function run(fixture: (typeof FIXTURES)[number], resources: FixtureResource[]) {
  const policy = policyNamed(fixture.policy);
  const config = { [policy.name]: { enforcementLevel: "mandatory" as const, ...(fixture.config ?? {}) } };
  const { violations } = await analyzeResources(fixtureResources(resources, fixture.project), {
    policies: [policy],
    config,
  });
  return violations;
}

/** Every leaf path of a value (objects and arrays walked; JSON text is a leaf). */
function leafPaths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leafPaths(x, [...prefix, i]));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => leafPaths(x, [...prefix, k]));
  return prefix.length ? [prefix] : [];
}

function setPath(obj: Record<string, unknown>, path: (string | number)[], value: unknown) {
  let cur = obj as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = value;
}

describe.each(FIXTURES.map((f) => [f.policy, f] as const))("policy %s", (_name, fixture) => {
  it("passes its compliant baseline", async () => {
    expect(await run(fixture, structuredClone(fixture.compliant))).toEqual([]);
  });

  it.each(Object.keys(fixture.failing))("fails rule %s when the baseline breaks it", async (rule) => {
    const resources = structuredClone(fixture.compliant);
    fixture.failing[rule](resources);
    const violations = await run(fixture, resources);
    expect(violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.rule)).toContain(rule);
    expect(violations.every((v) => v.message.length > 0)).toBe(true);
  });

  it("never fails a compliant resource because one of its values is unknown during preview", async () => {
    for (const r of fixture.compliant) {
      for (const path of leafPaths(r.inputs)) {
        const resources = structuredClone(fixture.compliant);
        setPath(resources.find((x) => x.name === r.name)!.inputs, path, UNKNOWN);
        const violations = await run(fixture, resources);
        const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
        expect({ resource: r.name, path: path.join("."), mandatory }).toEqual({
          resource: r.name,
          path: path.join("."),
          mandatory: [],
        });
        expect(UNKNOWN_VALUES.has(UNKNOWN)).toBe(true);
      }
    }
  });
});

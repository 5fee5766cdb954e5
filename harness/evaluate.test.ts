import { REQUIRED_TAG_KEYS } from "../components/core/tags";
import { PlatformOutputsSchema } from "../contracts/platform";
import { EvaluationError } from "./evaluate";
import { PlanDocumentSchema, stackReferences } from "./plan";
import { planFor, planOf, projectsWithFixture, resourcesOf } from "./testing";

const projects = projectsWithFixture();
/** The producer and the consumer of the contract tests: the other projects add time, not coverage. */
const pair = projects.filter((p) => p.name === "data-platform" || p.name === "sample-domain");

describe.each(["dev", "prod"])("offline evaluation of %s", (stack) => {
  it("evaluates the platform before the domain that reads it", async () => {
    const plans = await planFor(stack, { projects });
    const names = plans.map((p) => p.project.name);
    expect(names.indexOf("data-platform")).toBeLessThan(names.indexOf("sample-domain"));
    expect(planOf(plans, "sample-domain").references).toEqual([`data-platform/${stack}`]);
  });

  it("exports the platform contract", async () => {
    const platform = planOf(await planFor(stack, { projects }), "data-platform");
    const outputs = PlatformOutputsSchema.parse(platform.outputs);
    expect(outputs.environment).toBe(stack);
  });

  it("answers the domain's StackReference with the platform's evaluated outputs", async () => {
    const plans = await planFor(stack, { projects });
    const domain = planOf(plans, "sample-domain");
    expect(stackReferences(domain.document)).toEqual([`organization/data-platform/${stack}`]);
    expect(domain.outputs.environment).toBe(stack);
    const [provider] = resourcesOf(domain, "pulumi:providers:aws");
    expect(provider.inputs.region).toBe(planOf(plans, "data-platform").outputs.region);
  });

  it("tags every AWS resource through the providers' default tags", async () => {
    const plans = await planFor(stack, { projects });
    for (const plan of plans) {
      const awsResources = plan.document.steps.filter(
        (s) => s.newState.custom && s.newState.type.startsWith("aws:"),
      );
      const providers = resourcesOf(plan, "pulumi:providers:aws");
      if (awsResources.length === 0) continue;
      expect(providers.length).toBeGreaterThan(0);
      for (const p of providers) {
        const tags = JSON.parse(String(p.inputs.defaultTags)).tags as Record<string, string>;
        for (const key of REQUIRED_TAG_KEYS) expect(tags[key]).toBeTruthy();
        expect(tags.Environment).toBe(stack);
        expect(tags.Domain).toBe(plan.project.name === "data-platform" ? "platform" : plan.project.name);
      }
      const explicit = new Set(providers.map((p) => p.urn));
      for (const step of awsResources) {
        expect(explicit.has(step.provider!.slice(0, step.provider!.lastIndexOf("::")))).toBe(true);
      }
    }
  });

  it("writes documents in the pulumi preview --json shape", async () => {
    for (const plan of await planFor(stack, { projects })) {
      const doc = PlanDocumentSchema.parse(JSON.parse(JSON.stringify(plan.document)));
      expect(doc.steps.length).toBe(Object.values(doc.changeSummary ?? {}).reduce((a, b) => a + b, 0));
      for (const step of doc.steps) {
        expect(step.urn).toMatch(new RegExp(`^urn:pulumi:${stack}::${plan.project.name}::`));
        expect(step.newState?.urn).toBe(step.urn);
      }
    }
  });
});

describe("stack contracts across projects", () => {
  it("fails the consumer, naming the output and the producing stack, when an output is renamed", async () => {
    const run = planFor("dev", {
      projects: pair,
      outputTransform: (_key, outputs) => {
        const { region, ...rest } = outputs;
        return { ...rest, awsRegion: region };
      },
    });
    await expect(run).rejects.toThrow(EvaluationError);
    await expect(run).rejects.toThrow(
      /stack "organization\/data-platform\/dev" does not satisfy its output contract:\n\s+- output "region" is missing/,
    );
  });

  it("fails the consumer when an output has the wrong type", async () => {
    const run = planFor("dev", {
      projects: pair,
      outputTransform: (_k, o) => ({ ...o, logRetentionDays: "fourteen" }),
    });
    await expect(run).rejects.toThrow(/output "logRetentionDays" is invalid/);
  });

  it("reads the platform stack named in config instead of the convention", async () => {
    const plans = await planFor("dev", {
      projects: pair,
      configOverrides: { "sample-domain": { "sample-domain:platformStack": "acme/data-platform/prod" } },
    });
    const domain = planOf(plans, "sample-domain");
    expect(domain.references).toEqual(["data-platform/prod"]);
    expect(domain.outputs.environment).toBe("prod");
    expect(domain.outputs.platformStack).toBe("acme/data-platform/prod");
  });

  it("names the missing project when a StackReference points nowhere", async () => {
    const run = planFor("dev", {
      projects: pair,
      configOverrides: { "sample-domain": { "sample-domain:platformStack": "acme/no-such-project/dev" } },
    });
    await expect(run).rejects.toThrow(
      /reads stack "no-such-project\/dev" but no project named "no-such-project" exists/,
    );
  });
});

describe("configuration errors during evaluation", () => {
  it("stops the platform with the key, the value and what is allowed", async () => {
    const run = planFor("prod", {
      projects: pair,
      configOverrides: { "data-platform": { "data-platform:network": JSON.stringify({ azCount: 9 }) } },
    });
    await expect(run).rejects.toThrow(/data-platform:network\.azCount = 9: an integer from 1 to 6/);
  });

  it("stops a domain with its own key", async () => {
    const run = planFor("dev", {
      projects: pair,
      configOverrides: { "sample-domain": { "sample-domain:dataClassification": "secret-ish" } },
    });
    await expect(run).rejects.toThrow(
      /sample-domain:dataClassification = "secret-ish": one of public, internal, confidential, restricted/,
    );
  });
});

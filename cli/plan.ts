import * as fs from "node:fs";
import * as path from "node:path";
import { evaluateProjects, type ProjectPlan } from "../harness/evaluate";
import type { ProjectInfo } from "../harness/projects";
import { type Finding, formatFindings, freshAccountFindings, platformStacks } from "./freshAccount";

export interface PlanOptions {
  readonly env: string;
  readonly out: string;
  readonly projects?: ProjectInfo[];
}

/** Resource counts by type for one plan, custom resources only, most frequent first. */
export function resourcesByType(plan: ProjectPlan): [string, number][] {
  const counts = new Map<string, number>();
  for (const step of plan.document.steps) {
    if (!step.newState.custom || step.newState.type.startsWith("pulumi:")) continue;
    counts.set(step.newState.type, (counts.get(step.newState.type) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The short table `npm run plan` prints: project, resources by type, outputs. */
export function formatPlanTable(plans: ProjectPlan[]): string {
  const lines: string[] = [];
  for (const plan of plans) {
    const byType = resourcesByType(plan);
    const total = byType.reduce((n, [, c]) => n + c, 0);
    const refs = plan.references.length ? `  reads ${plan.references.join(", ")}` : "";
    lines.push(
      `${plan.project.name} (${plan.stack}): ${total} resources, ${(plan.durationMs / 1000).toFixed(1)}s${refs}`,
    );
    for (const [type, count] of byType) lines.push(`  ${String(count).padStart(4)}  ${type}`);
    lines.push(`  outputs: ${Object.keys(plan.outputs).sort().join(", ") || "(none)"}`);
  }
  return lines.join("\n");
}

/** Evaluates every project for `env` and writes `<out>/<project>.json` in the preview document format. */
export async function runPlan(opts: PlanOptions): Promise<{ plans: ProjectPlan[]; files: string[] }> {
  const plans = await evaluateProjects({ stack: opts.env, projects: opts.projects });
  fs.mkdirSync(opts.out, { recursive: true });
  const files = plans.map((plan) => {
    const file = path.join(opts.out, `${plan.project.name}.json`);
    fs.writeFileSync(file, JSON.stringify(plan.document, null, 2) + "\n");
    return file;
  });
  return { plans, files };
}

export { knownStacks } from "./stackFiles";

/**
 * The policy levels a stack is checked with (`policies/<env>.json`): prod's for every stack whose
 * platform configuration is the prod environment (`prod`, and `dr`, prod rebuilt in the DR region),
 * dev's otherwise (`local` runs on emulators with dev settings).
 */
export function policyEnvironmentOf(stack: string): "dev" | "prod" {
  return platformStacks().find((s) => s.stack === stack)?.config.environment === "prod" ? "prod" : "dev";
}

/**
 * The fresh-account part of `npm run plan -- --check`: findings over the plans just written and
 * every platform stack's configuration. With `allowPlaceholders` (the example repository's own CI)
 * placeholder findings are reported as warnings and do not fail.
 */
export function freshAccountCheck(
  plans: ProjectPlan[],
  stack: string,
  opts: { allowPlaceholders?: boolean } = {},
): { report: string; failing: Finding[] } {
  const findings = freshAccountFindings(
    plans.map((p) => ({ project: p.project.name, document: p.document })),
    platformStacks(),
    stack,
  );
  const failing = findings.filter((f) => !(opts.allowPlaceholders && f.rule === "placeholder"));
  const warned = findings.filter((f) => !failing.includes(f));
  const report = [
    formatFindings(failing),
    ...(warned.length
      ? [
          `Placeholders (allowed by --allow-placeholders; fill them in before deploying):`,
          ...warned.map((f) => `  ${f.project}: ${f.message}`),
        ]
      : []),
  ].join("\n");
  return { report, failing };
}

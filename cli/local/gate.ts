import * as fs from "node:fs";
import * as path from "node:path";
import type { ProjectPlan } from "../../harness/evaluate";

/*
 * The policy gate of the local run: the single call site of the policy pack's offline runner
 * (`policies/runner`, written separately). When the pack is not installed the gate says so and the
 * run continues unchecked: it never reports a pass it did not compute.
 */

export interface GateResult {
  /** `checked`: the runner ran; `not-installed`: there is no `policies/runner` in this checkout. */
  readonly status: "checked" | "not-installed";
  /** Mandatory violations: the run stops when there is any. */
  readonly mandatory: string[];
  readonly advisory: string[];
}

interface Violation {
  readonly enforcementLevel?: string;
  readonly level?: string;
  readonly policyName?: string;
  readonly name?: string;
  readonly message?: string;
  readonly urn?: string;
  readonly project?: string;
}

const RUNNER = path.join(__dirname, "..", "..", "policies", "runner");

/**
 * Runs the policy pack's offline runner over the plans. The runner is expected to export
 * `checkPlans(documents, env)` (or `runPolicies`) returning violations with an enforcement level.
 */
export async function checkPlans(plans: readonly ProjectPlan[], env: string): Promise<GateResult> {
  const exists = [".ts", ".js", "/index.ts", "/index.js"].some((ext) => fs.existsSync(RUNNER + ext));
  if (!exists) return { status: "not-installed", mandatory: [], advisory: [] };
  const runner = require(RUNNER) as Record<string, unknown>;
  const fn = (runner.checkPlans ?? runner.runPolicies) as
    ((docs: { project: string; document: unknown }[], env: string) => unknown) | undefined;
  if (typeof fn !== "function") {
    throw new Error(
      "policies/runner exists but exports neither checkPlans(plans, env) nor runPolicies(plans, env): align cli/local/gate.ts with it",
    );
  }
  const out = (await fn(
    plans.map((p) => ({ project: p.project.name, document: p.document })),
    env,
  )) as Violation[] | { violations: Violation[] };
  const violations = Array.isArray(out) ? out : (out?.violations ?? []);
  const describe = (v: Violation) =>
    `${v.project ? `${v.project}: ` : ""}${v.policyName ?? v.name ?? "policy"}: ${v.message ?? ""}${v.urn ? ` (${v.urn})` : ""}`;
  const level = (v: Violation) => v.enforcementLevel ?? v.level ?? "mandatory";
  return {
    status: "checked",
    mandatory: violations.filter((v) => level(v) === "mandatory").map(describe),
    advisory: violations.filter((v) => level(v) !== "mandatory").map(describe),
  };
}

/**
 * Argument problems of the batch, warehouse and orchestration components: each names the field, the
 * value received and what is allowed; a component collects them all and throws one
 * `pulumi.ResourceError` with `describeProblems`.
 */

/** One argument problem: the field, the value received and what is allowed. */
export interface ArgProblem {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

/** `field = value: allowed` lines, for a `pulumi.ResourceError`. */
export function describeProblems(component: string, problems: readonly ArgProblem[]): string {
  return (
    `${component}: invalid arguments:\n` +
    problems.map((p) => `  - ${p.field} = ${JSON.stringify(p.value)}: ${p.allowed}`).join("\n")
  );
}

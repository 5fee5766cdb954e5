import type { z } from "zod";

/** A stack's outputs do not satisfy the contract its consumer expects. */
export class ContractError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: string[],
  ) {
    super(
      `stack "${stackName}" does not satisfy its output contract:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ContractError";
  }
}

/**
 * Validates outputs read from `stackName` against `schema`; every problem names the output.
 *
 * @example
 * const outputs = validateOutputs(PlatformOutputsSchema, raw, "acme/data-platform/dev");
 */
export function validateOutputs<T extends z.ZodType>(
  schema: T,
  outputs: unknown,
  stackName: string,
): z.infer<T> {
  const parsed = schema.safeParse(outputs ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const [output, ...rest] = issue.path.map(String);
    const where = rest.length ? `${output}.${rest.join(".")}` : output;
    const value = output === undefined ? undefined : (outputs as Record<string, unknown>)?.[output];
    return value === undefined && rest.length === 0
      ? `output "${where}" is missing (${issue.message})`
      : `output "${where}" is invalid: ${issue.message}`;
  });
  throw new ContractError(stackName, problems);
}

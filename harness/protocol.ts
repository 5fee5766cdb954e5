import type { PlanStep } from "./plan";

/** What the parent asks a worker to evaluate. */
export interface EvaluateRequest {
  readonly projectDir: string;
  readonly project: string;
  readonly stack: string;
  readonly organization: string;
  /** Program entry point, absolute. */
  readonly main: string;
  /** Flat config as Pulumi passes it: `namespace:key` → string (objects JSON-encoded). */
  readonly config: Record<string, string>;
  /** Outputs of stacks already evaluated, by project and stack (`project/stack`). */
  readonly stackOutputs: Record<string, Record<string, unknown>>;
}

export interface EvaluateResult {
  readonly project: string;
  readonly stack: string;
  readonly steps: PlanStep[];
  readonly outputs: Record<string, unknown>;
  /** Stack references the program read that were not provided (`project/stack`): evaluate them first. */
  readonly needs: string[];
  readonly errors: string[];
  readonly durationMs: number;
}

/** `org/project/stack`, `project/stack` or `stack` → `project/stack`. */
export function referenceKey(name: string, currentProject: string): string {
  const parts = name.split("/");
  if (parts.length >= 3) return `${parts[parts.length - 2]}/${parts[parts.length - 1]}`;
  if (parts.length === 2) return name;
  return `${currentProject}/${name}`;
}

import type { PlanStep } from "./plan";

/** What the parent asks a worker to evaluate. */
export interface EvaluateRequest {
  /** The program directory: the worker runs there, as the language host runs `cmd/run` there. */
  readonly projectDir: string;
  readonly project: string;
  readonly stack: string;
  readonly organization: string;
  /**
   * The entry point exactly as the engine hands it to `cmd/run` (`main` of `Pulumi.yaml`, relative to
   * the program directory, or `.` when the project names none).
   */
  readonly entryPoint: string;
  /** Flat config as Pulumi passes it: `namespace:key` → string (objects JSON-encoded). */
  readonly config: Record<string, string>;
  /** Outputs of stacks already evaluated, by project and stack (`project/stack`). */
  readonly stackOutputs: Record<string, Record<string, unknown>>;
}

export interface EvaluateResult {
  readonly project: string;
  readonly stack: string;
  readonly steps: PlanStep[];
  /** The URNs each resource's aliases resolve to (its own and those inherited from its parents). */
  readonly aliases?: Record<string, string[]>;
  readonly outputs: Record<string, unknown>;
  /** Stack references the program read that were not provided (`project/stack`): evaluate them first. */
  readonly needs: string[];
  readonly errors: string[];
  readonly durationMs: number;
  /** CPU time (user + system) and peak resident memory of the worker process. */
  readonly cpuMs?: number;
  readonly maxRssMb?: number;
}

/** `org/project/stack`, `project/stack` or `stack` → `project/stack`. */
export function referenceKey(name: string, currentProject: string): string {
  const parts = name.split("/");
  if (parts.length >= 3) return `${parts[parts.length - 2]}/${parts[parts.length - 1]}`;
  if (parts.length === 2) return name;
  return `${currentProject}/${name}`;
}

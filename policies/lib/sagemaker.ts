import { isUnknown, raw } from "./values";

/** One step of a SageMaker Pipeline definition (pipeline definition schema 2020-12-01). */
export interface PipelineStep {
  readonly Name?: string;
  readonly Type?: string;
  readonly Arguments?: Record<string, unknown>;
}

/**
 * Every step of a pipeline's `pipelineDefinition` (condition branches included), or undefined when
 * the definition is not known yet (preview) or not JSON — the policies then pass it and check
 * again on update.
 */
export function pipelineSteps(props: Record<string, unknown>): PipelineStep[] | undefined {
  const definition = raw(props.pipelineDefinition);
  if (typeof definition !== "string" || isUnknown(definition)) return undefined;
  let parsed: { Steps?: PipelineStep[] };
  try {
    parsed = JSON.parse(definition);
  } catch {
    return undefined;
  }
  const out: PipelineStep[] = [];
  const visit = (steps: readonly PipelineStep[] | undefined) => {
    for (const s of steps ?? []) {
      out.push(s);
      if (s.Type === "Condition") {
        visit(s.Arguments?.IfSteps as PipelineStep[] | undefined);
        visit(s.Arguments?.ElseSteps as PipelineStep[] | undefined);
      }
    }
  };
  visit(parsed.Steps);
  return out;
}

/** Reads a nested value of a step's arguments. */
export function argument(step: PipelineStep, ...path: string[]): unknown {
  let cur: unknown = step.Arguments;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Names of the steps of `type` for which `failing` holds, for a violation message. */
export function failingSteps(
  steps: readonly PipelineStep[] | undefined,
  type: string,
  failing: (s: PipelineStep) => boolean,
): string[] {
  return (steps ?? []).filter((s) => s.Type === type && failing(s)).map((s) => s.Name ?? "(unnamed)");
}

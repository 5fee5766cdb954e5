/** A project and the projects whose stacks it reads (from the offline plan's StackReferences). */
export interface ProjectNode {
  readonly name: string;
  readonly dependsOn: readonly string[];
}

/**
 * Groups projects into levels: every project's dependencies sit in earlier levels, projects of one
 * level are independent and can be deployed in parallel. Names inside a level are sorted so the
 * order is stable. A cycle or a dependency on an unknown project is an error naming it.
 *
 * @example
 * deploymentLevels([{ name: "orders", dependsOn: ["data-platform"] }, { name: "data-platform", dependsOn: [] }]);
 * // [["data-platform"], ["orders"]]
 */
export function deploymentLevels(nodes: readonly ProjectNode[]): string[][] {
  const known = new Set(nodes.map((n) => n.name));
  for (const n of nodes) {
    for (const d of n.dependsOn) {
      if (!known.has(d))
        throw new Error(`project ${n.name} depends on ${d}, which is not among the projects`);
    }
  }
  const placed = new Set<string>();
  const levels: string[][] = [];
  while (placed.size < nodes.length) {
    const level = nodes
      .filter((n) => !placed.has(n.name) && n.dependsOn.every((d) => placed.has(d) || d === n.name))
      .map((n) => n.name)
      .sort();
    if (level.length === 0) {
      const rest = nodes
        .filter((n) => !placed.has(n.name))
        .map((n) => `${n.name} -> ${n.dependsOn.join(", ")}`);
      throw new Error(`stack references form a cycle: ${rest.join("; ")}`);
    }
    level.forEach((n) => placed.add(n));
    levels.push(level);
  }
  return levels;
}

/**
 * Restricts levels to the selected projects, keeping the dependency order. Dependencies that are
 * not selected must already be deployed (the prerequisite check verifies their stacks exist).
 */
export function selectLevels(levels: string[][], selected: readonly string[]): string[][] {
  if (selected.length === 0) return levels;
  const all = new Set(levels.flat());
  const unknown = selected.filter((s) => !all.has(s));
  if (unknown.length)
    throw new Error(`unknown project(s): ${unknown.join(", ")} (known: ${[...all].sort().join(", ")})`);
  return levels.map((l) => l.filter((p) => selected.includes(p))).filter((l) => l.length > 0);
}

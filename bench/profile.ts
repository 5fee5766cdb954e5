/*
 * Summarises a V8 `.cpuprofile` (from `npm run bench -- --profile <variant> ...`): self time per
 * function, highest first, as a share of all samples, and the same grouped by source file.
 *
 *   npx tsx bench/profile.ts <file.cpuprofile> [--top 25]
 */
import * as fs from "fs";
import * as path from "path";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}
interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

function frameName(f: ProfileNode["callFrame"]): { fn: string; file: string } {
  const file = f.url ? f.url.replace(/^file:\/\//, "").replace(/.*node_modules\//, "") : "(native)";
  const fn = `${f.functionName || "(anonymous)"} ${f.url ? `${path.basename(file)}:${f.lineNumber + 1}` : ""}`;
  return { fn, file: file.startsWith("@") ? file.split("/").slice(0, 2).join("/") : file };
}

/**
 * Time (µs) per function: self (samples in the function itself; V8 counts builtins such as
 * `JSON.parse` as their caller's) and total (samples with the function anywhere on the stack,
 * once per sample), and self time per file.
 */
export function profileTimes(profile: CpuProfile): {
  total: number;
  byFunction: Map<string, number>;
  inclusive: Map<string, number>;
  byFile: Map<string, number>;
} {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const { fn, file } = frameName(nodes.get(id)!.callFrame);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
    byFile.set(file, (byFile.get(file) ?? 0) + dt);
    const onStack = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n))
      onStack.add(frameName(nodes.get(n)!.callFrame).fn);
    for (const f of onStack) inclusive.set(f, (inclusive.get(f) ?? 0) + dt);
    total += dt;
  });
  return { total, byFunction, inclusive, byFile };
}

function main(): void {
  const file = process.argv[2];
  const t = process.argv.indexOf("--top");
  const top = t >= 0 ? Number(process.argv[t + 1]) : 25;
  const { total, byFunction, inclusive, byFile } = profileTimes(
    JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile,
  );
  const print = (title: string, m: Map<string, number>) => {
    process.stdout.write(`${title}\n`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      process.stdout.write(`${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}\n`);
  };
  process.stdout.write(`${(total / 1e6).toFixed(2)} s sampled\n`);
  print("self time by function", byFunction);
  print("total time by function (self + callees)", inclusive);
  print("self time by file or package", byFile);
}

if (require.main === module) main();

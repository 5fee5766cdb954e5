import * as fs from "node:fs";

/** jest globalTeardown: removes the run's shared evaluations, only if jest-setup.ts created the directory. */
export default function teardown(): void {
  const dir = (globalThis as { dataplatformPlanCache?: string }).dataplatformPlanCache;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PLAN_CACHE_ENV } from "./evaluate";

/**
 * jest globalSetup: one directory per test run where offline evaluations are shared between test
 * files (see `sharedWorker`). Each program is loaded through cmd/run's type-checking ts-node, which
 * costs seconds per project; most test files evaluate the same projects with the same config.
 */
export default function setup(): void {
  if (process.env[PLAN_CACHE_ENV]) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dataplatform-plans-"));
  process.env[PLAN_CACHE_ENV] = dir;
  // Read by the teardown (same process): it removes only what this setup created.
  (globalThis as { dataplatformPlanCache?: string }).dataplatformPlanCache = dir;
}

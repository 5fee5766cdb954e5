import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LOADER_ENV, PLAN_CACHE_ENV } from "./evaluate";

/**
 * jest globalSetup.
 *
 * - One directory per test run where offline evaluations are shared between test files (see
 *   `sharedWorker`): most test files evaluate the same projects with the same config.
 * - Evaluations skip ts-node's type check unless they ask for the CLI's default path: `planFor`
 *   without overrides does (so every repository project and stack is type-checked the way `pulumi
 *   preview` loads it, once per run), fixtures and config variations do not (same sources; `npm run
 *   typecheck` checks them). A cold type-checking ts-node costs ~12 s CPU and ~0.9 GB for the platform.
 */
export default function setup(): void {
  process.env[LOADER_ENV] ??= "transpile-only";
  if (process.env[PLAN_CACHE_ENV]) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dataplatform-plans-"));
  process.env[PLAN_CACHE_ENV] = dir;
  // Read by the teardown (same process): it removes only what this setup created.
  (globalThis as { dataplatformPlanCache?: string }).dataplatformPlanCache = dir;
}

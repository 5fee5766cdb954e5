/**
 * `npm run stateful:update`: rewrites `contracts/stateful-urns.json` from the dev and prod offline
 * plans. Run it only after giving every renamed stateful resource an alias (see contracts/stateful.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { statefulUrns, type StatefulUrns } from "../../contracts/stateful";
import { REPO_ROOT } from "../../harness/projects";
import { parseCommandLine, runCommand } from "../args";

const USAGE =
  "usage: npm run stateful:update   rewrites contracts/stateful-urns.json from the dev and prod offline plans (no options)";

export const STATEFUL_URNS_FILE = path.join(REPO_ROOT, "contracts", "stateful-urns.json");

if (require.main === module) {
  runCommand(async () => {
    // No options: anything given is a mistake, reported before the plan is evaluated.
    const { values } = parseCommandLine({ options: { help: { type: "boolean" } } }, USAGE);
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const { evaluateProjects } = await import("../../harness/evaluate");
    const out: StatefulUrns = {};
    for (const stack of ["dev", "prod"]) {
      for (const plan of await evaluateProjects({ stack })) {
        out[`${plan.project.name}/${stack}`] = statefulUrns(plan.document.steps);
      }
    }
    const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
    const prettier = await import("prettier");
    const options = (await prettier.resolveConfig(STATEFUL_URNS_FILE)) ?? {};
    fs.writeFileSync(
      STATEFUL_URNS_FILE,
      await prettier.format(JSON.stringify(sorted), { ...options, filepath: STATEFUL_URNS_FILE }),
    );
    const count = Object.values(sorted).reduce((n, l) => n + l.length, 0);
    console.log(`wrote ${path.relative(REPO_ROOT, STATEFUL_URNS_FILE)} (${count} URNs)`);
    return 0;
  });
}

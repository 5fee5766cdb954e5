/**
 * The README's policy table, generated from the pack (`npm run policies:table` prints it); a test
 * fails when README.md no longer contains it.
 */
import { POLICIES } from "../all";
import { packConfigFor, type PolicyEnvironment } from "../runner/config";

function levelIn(env: PolicyEnvironment, name: string): string {
  const entry = packConfigFor(env)[name];
  return typeof entry === "string" ? entry : (entry?.enforcementLevel ?? "default");
}

export function policyTable(): string {
  const rows = [...POLICIES]
    .sort((a, b) => a.meta.concern.localeCompare(b.meta.concern) || a.name.localeCompare(b.name))
    .map((p) =>
      [
        `\`${p.name}\``,
        p.meta.concern,
        p.description.replace(/\|/g, "\\|"),
        p.meta.fsbp.join(", ") || "—",
        levelIn("dev", p.name),
        levelIn("prod", p.name),
      ].join(" | "),
    );
  return [
    "| policy | concern | what it checks | FSBP control | dev | prod |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r} |`),
  ].join("\n");
}

if (require.main === module) console.log(policyTable());

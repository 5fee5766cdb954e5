/**
 * `npm run check -- [--env dev|prod] [--json] <preview.json>...`: evaluates the policy pack offline
 * over documents in the `pulumi preview --json` format (a real preview — with or without
 * `--show-sames` — or `npm run plan` output), with the environment's pack config
 * (`policies/<env>.json`, default prod). Prints every finding (or, with `--json`, an array of
 * `{policyName, enforcementLevel, urn, message}` plus `exception` / `cannotVerify` when set);
 * what the document does not hold is an advisory "cannot verify", and excepted findings are listed
 * with their reason. Exits 1 when any mandatory finding exists, 2 when a document is malformed,
 * 0 otherwise.
 */
import * as fs from "node:fs";
import { parseCommandLine, runCommand, UsageError } from "./args";
import type { Violation } from "../policies/runner/analyze";
import { POLICY_ENVIRONMENTS, type PolicyEnvironment } from "../policies/runner/config";
import { parsePreviewDocument } from "../policies/runner/document";

export const CHECK_USAGE = `usage: npm run check -- [--env <${POLICY_ENVIRONMENTS.join("|")}>] [--json] <preview.json>...`;

/** A document that cannot be checked: not readable, not JSON, or not a preview document. */
export class MalformedDocumentError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = "MalformedDocumentError";
  }
}

export interface DocumentViolation extends Violation {
  readonly file: string;
}

/** Reads and validates one preview document. */
export function readPreviewDocument(file: string) {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new MalformedDocumentError(
      file,
      `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MalformedDocumentError(file, `not JSON (${(e as Error).message})`);
  }
  const parsed = parsePreviewDocument(json);
  if ("error" in parsed) throw new MalformedDocumentError(file, parsed.error);
  return parsed.document;
}

/** Evaluates the pack over each file with the environment's config. */
export async function checkFiles(files: string[], env: PolicyEnvironment): Promise<DocumentViolation[]> {
  const docs = files.map((f) => [f, readPreviewDocument(f)] as const);
  // The pack loads in seconds: only once the arguments and documents hold.
  const { POLICIES } = await import("../policies/all");
  const { analyzeDocument } = await import("../policies/runner/analyze");
  const { packConfigFor } = await import("../policies/runner/config");
  const config = packConfigFor(env);
  const out: DocumentViolation[] = [];
  for (const [file, doc] of docs) {
    const { violations } = await analyzeDocument(doc, { policies: POLICIES, config });
    for (const v of violations) out.push({ ...v, file });
  }
  return out;
}

const ORDER = { mandatory: 0, advisory: 1, remediate: 2, disabled: 3 } as const;

/** The text report: one block per violation, then a summary line. */
export function formatViolations(violations: DocumentViolation[], files: string[]): string {
  const lines: string[] = [];
  const sorted = [...violations].sort(
    (a, b) =>
      ORDER[a.enforcementLevel] - ORDER[b.enforcementLevel] ||
      a.policyName.localeCompare(b.policyName) ||
      a.urn.localeCompare(b.urn),
  );
  for (const v of sorted) {
    lines.push(`${v.enforcementLevel.padEnd(9)}  ${v.policyName}  ${v.urn}`, `           ${v.message}`);
  }
  const excepted = violations.filter((v) => v.exception);
  if (excepted.length) {
    lines.push(`Exceptions (${excepted.length}):`);
    for (const v of excepted) {
      const e = v.exception!;
      const state = e.expired ? `EXPIRED ${e.expires}` : e.expires ? `until ${e.expires}` : "no expiry";
      lines.push(
        `  ${v.policyName}${v.rule ? `/${v.rule}` : ""}  ${v.urn}  ${state}  ${e.source}: ${e.reason}`,
      );
    }
  }
  const count = (l: string) => violations.filter((v) => v.enforcementLevel === l).length;
  const unverified = violations.filter((v) => v.cannotVerify).length;
  lines.push(
    `${count("mandatory")} mandatory, ${count("advisory")} advisory violation(s), ${count("remediate")} remediation(s) in ${files.length} document(s)`,
  );
  if (unverified || excepted.length) {
    const active = excepted.filter((v) => !v.exception!.expired).length;
    lines.push(`of the advisory: ${unverified} cannot verify, ${active} excepted`);
  }
  return lines.join("\n");
}

/** The `--json` report. */
export function violationsJson(violations: Violation[]) {
  return violations
    .filter((v) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "advisory")
    .map(({ policyName, enforcementLevel, urn, message, exception, cannotVerify }) => ({
      policyName,
      enforcementLevel,
      urn,
      message,
      ...(exception ? { exception } : {}),
      ...(cannotVerify ? { cannotVerify } : {}),
    }));
}

/** Runs the command; returns the exit code. */
export async function check(argv: string[], out = console.log, err = console.error): Promise<number> {
  let values: { env?: string; json?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseCommandLine(
      {
        args: argv,
        allowPositionals: true,
        options: { env: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } },
      },
      CHECK_USAGE,
    ));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(e.message);
    return 2;
  }
  if (values.help) {
    out(CHECK_USAGE);
    return 0;
  }
  const env = values.env ?? "prod";
  if (!(POLICY_ENVIRONMENTS as readonly string[]).includes(env)) {
    err(`--env must be one of ${POLICY_ENVIRONMENTS.join(", ")} (got ${env})\n${CHECK_USAGE}`);
    return 2;
  }
  if (!positionals.length) {
    err(`no preview document given\n${CHECK_USAGE}`);
    return 2;
  }
  let violations: DocumentViolation[];
  try {
    violations = await checkFiles(positionals, env as PolicyEnvironment);
  } catch (e) {
    if (e instanceof MalformedDocumentError) {
      err(e.message);
      return 2;
    }
    throw e;
  }
  out(
    values.json
      ? JSON.stringify(violationsJson(violations), null, 2)
      : formatViolations(violations, positionals),
  );
  return violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
}

if (require.main === module) runCommand(() => check(process.argv.slice(2)));

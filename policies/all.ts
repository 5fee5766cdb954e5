/**
 * Every policy of the pack, by concern. The pack entry point (`index.ts`) serves these; the
 * offline runner and the tests import this module, never the entry point (which starts a server).
 */
import * as encryptionAtRest from "./encryption-at-rest";
import * as encryptionInTransit from "./encryption-in-transit";
import * as tagging from "./tagging";
import * as networkExposure from "./network-exposure";
import * as iam from "./iam";
import * as loggingAudit from "./logging-audit";
import * as resilience from "./resilience";
import * as kms from "./kms";
import * as cost from "./cost";
import type { PlatformPolicy } from "./lib/policy";

export const POLICIES: readonly PlatformPolicy[] = [
  ...Object.values(encryptionAtRest),
  ...Object.values(encryptionInTransit),
  ...Object.values(tagging),
  ...Object.values(networkExposure),
  ...Object.values(iam),
  ...Object.values(loggingAudit),
  ...Object.values(resilience),
  ...Object.values(kms),
  ...Object.values(cost),
];

/** Policy by name (throws for an unknown name, listing the known ones). */
export function policyNamed(name: string): PlatformPolicy {
  const p = POLICIES.find((x) => x.name === name);
  if (!p) throw new Error(`no policy named ${name} (known: ${POLICIES.map((x) => x.name).join(", ")})`);
  return p;
}

/** The fixtures of every concern, for the table-driven policy tests and the meta-test. */
import { fixtures as encryptionAtRest } from "./encryption-at-rest/fixtures";
import { fixtures as encryptionInTransit } from "./encryption-in-transit/fixtures";
import { fixtures as tagging } from "./tagging/fixtures";
import { fixtures as networkExposure } from "./network-exposure/fixtures";
import { fixtures as iam } from "./iam/fixtures";
import { fixtures as loggingAudit } from "./logging-audit/fixtures";
import { fixtures as resilience } from "./resilience/fixtures";
import { fixtures as kms } from "./kms/fixtures";
import { fixtures as cost } from "./cost/fixtures";
import { fixtures as coverage } from "./coverage-fixtures";
import type { PolicyFixture } from "./lib/fixtures";

export const FIXTURES: readonly PolicyFixture[] = [
  ...encryptionAtRest,
  ...encryptionInTransit,
  ...tagging,
  ...networkExposure,
  ...iam,
  ...loggingAudit,
  ...resilience,
  ...kms,
  ...cost,
  ...coverage,
];

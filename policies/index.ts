/**
 * The CrossGuard policy pack of the data platform. Run it with
 * `pulumi preview --policy-pack policies --policy-pack-config policies/prod.json`, or publish it
 * with `pulumi policy publish policies` for Pulumi Cloud to enforce.
 *
 * `new PolicyPack` starts the analyzer's gRPC server immediately, so nothing else imports this
 * file: the policies live in `all.ts` and its concern folders, which the offline runner
 * (`npm run check`) and the tests import.
 *
 * Levels: each policy carries its `prod.json` level (lib/levels.ts), which the engine applies when
 * no `--policy-pack-config` is given; with `policies/<env>.json` the file's levels apply. So the
 * pack sets no pack-wide default level: it would never apply.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./all";

new PolicyPack("aws-data-platform", {
  description:
    "Security, tagging, resilience and cost guardrails for the AWS data platform, mapped to AWS Foundational Security Best Practices.",
  policies: [...POLICIES],
});

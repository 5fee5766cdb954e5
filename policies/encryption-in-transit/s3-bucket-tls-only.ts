import { stackPolicy } from "../lib/policy";
import { BUCKET_POLICY_TYPE, BUCKET_TYPES } from "../lib/types";
import {
  actionMatches,
  asList,
  companionsOf,
  type IamStatement,
  isWildcardPrincipal,
  statementsOf,
} from "../lib/values";

/** True for a statement that denies every principal any S3 action when the request is not over TLS. */
export function deniesInsecureTransport(s: IamStatement): boolean {
  if (s.Effect !== "Deny" || !isWildcardPrincipal(s.Principal)) return false;
  const actions = asList(s.Action).map(String);
  if (
    !actions.some((a) => a === "*" || (actionMatches(a, "s3:GetObject") && actionMatches(a, "s3:PutObject")))
  )
    return false;
  const bool = s.Condition?.Bool ?? s.Condition?.BoolIfExists;
  const secure = bool?.["aws:SecureTransport"];
  return asList(secure)
    .map((v) => String(v).toLowerCase())
    .includes("false");
}

export const s3BucketTlsOnly = stackPolicy({
  name: "s3-bucket-tls-only",
  description: "Every S3 bucket has a bucket policy that denies requests not made over TLS.",
  severity: "high",
  concern: "encryption-in-transit",
  fsbp: ["S3.5"],
  remediationSteps:
    "Add an aws.s3.BucketPolicy whose `bucket` is the bucket's output with a statement Deny, Principal *, Action s3:*, Resource bucket and bucket/*, Condition Bool aws:SecureTransport false.",
  resourceTypes: BUCKET_TYPES,
  relatedTypes: [BUCKET_POLICY_TYPE],
  rules: [
    {
      id: "missing",
      check: ({ resource, resources }) =>
        companionsOf(resource, resources, [BUCKET_POLICY_TYPE], "bucket").length
          ? undefined
          : "Add an aws.s3.BucketPolicy whose `bucket` input is this bucket's output.",
    },
    {
      id: "deny-insecure-transport",
      check: ({ resource, resources }) => {
        const policies = companionsOf(resource, resources, [BUCKET_POLICY_TYPE], "bucket");
        if (!policies.length) return undefined;
        // Reading `policy` throws while it is unknown: the rule then reports "cannot verify".
        return policies.some((p) => statementsOf(p.props.policy).some(deniesInsecureTransport))
          ? undefined
          : "Add a Deny statement for Principal * and Action s3:* with Condition Bool aws:SecureTransport = false.";
      },
    },
  ],
});

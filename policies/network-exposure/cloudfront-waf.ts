import { resourcePolicy } from "../lib/policy";
import { asList, present } from "../lib/values";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";

type Rule = { statement?: { rateBasedStatement?: unknown } };

export const cloudfrontWaf = resourcePolicy({
  name: "cloudfront-waf",
  description:
    "CloudFront distributions have an AWS WAF web ACL attached, and web ACLs hold rules including a rate-based one.",
  severity: "high",
  concern: "network-exposure",
  remediationSteps:
    "Set webAclId to the ARN of an aws.wafv2.WebAcl (scope CLOUDFRONT, us-east-1) whose rules include a rateBasedStatement and AWS managed rule groups.",
  resourceTypes: [DISTRIBUTION, WEB_ACL],
  rules: [
    {
      id: "waf-attached",
      check: ({ type, props }) =>
        type !== DISTRIBUTION || present(props, "webAclId")
          ? undefined
          : "Set webAclId to an AWS WAF web ACL (wafv2, scope CLOUDFRONT).",
    },
    {
      id: "rate-limit",
      check: ({ type, props }) => {
        if (type !== WEB_ACL) return undefined;
        const rules = asList(props.rules) as Rule[];
        if (!rules.length) return "Add rules to the web ACL (a rate-based rule and AWS managed rule groups).";
        return rules.some((r) => r.statement?.rateBasedStatement)
          ? undefined
          : "Add a rule with a rateBasedStatement (requests per client IP per 5 minutes).";
      },
    },
  ],
});

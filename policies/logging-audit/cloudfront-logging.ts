import { stackPolicy } from "../lib/policy";
import { companionsOf, present } from "../lib/values";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";
const DELIVERY_SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource";
const DELIVERY = "aws:cloudwatch/logDelivery:LogDelivery";
const WAF_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration";

export const cloudfrontLogging = stackPolicy({
  name: "cloudfront-logging",
  description:
    "CloudFront distributions deliver standard access logs (legacy S3 logging or CloudWatch log delivery) and WAF web ACLs have logging configured.",
  severity: "medium",
  concern: "logging-audit",
  remediationSteps:
    "Give the distribution a loggingConfig, or an aws.cloudwatch.LogDeliverySource (logType ACCESS_LOGS, resourceArn = the distribution's ARN) with an aws.cloudwatch.LogDelivery; give each web ACL an aws.wafv2.WebAclLoggingConfiguration whose resourceArn is its ARN.",
  resourceTypes: [DISTRIBUTION, WEB_ACL],
  relatedTypes: [DELIVERY_SOURCE, DELIVERY, WAF_LOGGING],
  rules: [
    {
      id: "access-logs",
      check: ({ resource, resources }) => {
        if (resource.type !== DISTRIBUTION) return undefined;
        if (present(resource.props, "loggingConfig", "bucket")) return undefined;
        const sources = companionsOf(resource, resources, [DELIVERY_SOURCE], "resourceArn").filter(
          (s) => s.props.logType === "ACCESS_LOGS",
        );
        const delivered = sources.some(
          (s) => companionsOf(s, resources, [DELIVERY], "deliverySourceName").length > 0,
        );
        return delivered
          ? undefined
          : "Add a LogDeliverySource (logType ACCESS_LOGS, resourceArn = this distribution's ARN) with a LogDelivery to a destination, or set loggingConfig.";
      },
    },
    {
      id: "waf-logging",
      check: ({ resource, resources }) =>
        resource.type !== WEB_ACL || companionsOf(resource, resources, [WAF_LOGGING], "resourceArn").length
          ? undefined
          : "Add an aws.wafv2.WebAclLoggingConfiguration whose resourceArn is this web ACL's ARN.",
    },
  ],
});

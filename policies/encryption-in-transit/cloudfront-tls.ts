import { resourcePolicy } from "../lib/policy";
import { asList } from "../lib/values";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";

/** Viewer security policies that accept nothing older than TLS 1.2 with the 2021 cipher set. */
export const MODERN_VIEWER_POLICIES: readonly string[] = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

type Behavior = { viewerProtocolPolicy?: string; pathPattern?: string };
type Origin = {
  originId?: string;
  customOriginConfig?: { originProtocolPolicy?: string; originSslProtocols?: string[] };
};

export const cloudfrontTls = resourcePolicy({
  name: "cloudfront-tls",
  description:
    "CloudFront distributions take viewers over HTTPS with TLS 1.2 (TLSv1.2_2021 or later) only and reach custom origins over HTTPS with TLS 1.2 only.",
  severity: "high",
  concern: "encryption-in-transit",
  remediationSteps:
    "Use an ACM certificate (us-east-1) with sslSupportMethod sni-only and minimumProtocolVersion TLSv1.2_2021; viewerProtocolPolicy https-only or redirect-to-https on every behaviour; originProtocolPolicy https-only with originSslProtocols [TLSv1.2] on custom origins.",
  resourceTypes: [DISTRIBUTION],
  rules: [
    {
      id: "viewer-tls-1-2",
      check: ({ props }) => {
        const cert = (props.viewerCertificate ?? {}) as {
          cloudfrontDefaultCertificate?: boolean;
          minimumProtocolVersion?: string;
        };
        // The *.cloudfront.net certificate always accepts TLSv1, whatever minimumProtocolVersion says.
        if (cert.cloudfrontDefaultCertificate === true)
          return "Replace the default CloudFront certificate (it accepts TLS 1.0) with an ACM certificate and minimumProtocolVersion TLSv1.2_2021.";
        const v = cert.minimumProtocolVersion;
        return v && MODERN_VIEWER_POLICIES.includes(v)
          ? undefined
          : `Set viewerCertificate.minimumProtocolVersion to TLSv1.2_2021 or later (is ${v ?? "unset"}).`;
      },
    },
    {
      id: "viewer-https",
      check: ({ props }) => {
        const behaviors = [
          { ...((props.defaultCacheBehavior ?? {}) as Behavior), pathPattern: "default" },
          ...(asList(props.orderedCacheBehaviors) as Behavior[]),
        ];
        const open = behaviors.filter(
          (b) => !["https-only", "redirect-to-https"].includes(String(b.viewerProtocolPolicy)),
        );
        return open.length
          ? `Set viewerProtocolPolicy to https-only or redirect-to-https on ${open.map((b) => b.pathPattern).join(", ")}.`
          : undefined;
      },
    },
    {
      id: "origin-https-only",
      check: ({ props }) => {
        const bad = (asList(props.origins) as Origin[]).filter((o) => {
          const c = o.customOriginConfig;
          if (!c) return false;
          const protocols = asList(c.originSslProtocols).map(String);
          return c.originProtocolPolicy !== "https-only" || protocols.some((p) => p !== "TLSv1.2");
        });
        return bad.length
          ? `Set originProtocolPolicy https-only and originSslProtocols [TLSv1.2] on origin ${bad.map((o) => o.originId).join(", ")}.`
          : undefined;
      },
    },
  ],
});

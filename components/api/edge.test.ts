import type { ProjectPlan } from "../../harness/evaluate";
import { planFor, planOf, projectsNamed, resourcesOf, theResource } from "../../harness/testing";
import { POLICIES } from "../../policies/all";
import { analyzeDocument } from "../../policies/runner/analyze";
import { packConfigFor } from "../../policies/runner/config";
import { configSchema } from "../../stacks/api/config";
import {
  apiEdgeProblems,
  ITEMS_PATH_PATTERN,
  MANAGED_CACHE_POLICY_CACHING_DISABLED,
  MANAGED_ORIGIN_REQUEST_ALL_VIEWER_EXCEPT_HOST,
  ORIGIN_VERIFY_HEADER,
  webAclRules,
} from "./edge";

// The api project as `pulumi preview` loads it, with the platform and domain stacks it reads
// (prod: api:edge.enabled; dev: off).
const PROJECTS = ["data-platform", "clickstream", "orders", "api"];
const plansOf = (stack: string) => planFor(stack, { projects: projectsNamed(PROJECTS) });

const one = theResource;
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
/* eslint-disable @typescript-eslint/no-explicit-any -- plan inputs are untyped JSON */

describe("edge arguments", () => {
  const base = {
    originDomainName: "origin.api.example.com",
    aliases: ["api.example.com"],
    certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/x",
  };
  it("names the field, the value and the allowed range of each bad argument", () => {
    expect(apiEdgeProblems(base)).toEqual([]);
    expect(apiEdgeProblems({ ...base, aliases: [], itemsTtlSeconds: 0, rateLimitPerFiveMinutes: 5 })).toEqual(
      [
        "aliases = []: at least one DNS name the certificate covers",
        "itemsTtlSeconds = 0: an integer from 1 to 300 (a short TTL)",
        "rateLimitPerFiveMinutes = 5: an integer from 10 to 2000000000",
      ],
    );
    expect(apiEdgeProblems({ ...base, itemsTtlSeconds: 30, itemsMaxTtlSeconds: 10 })).toEqual([
      "itemsMaxTtlSeconds = 10: an integer from itemsTtlSeconds (30) to 3600",
    ]);
  });

  it("refuses api:edge.enabled without the names and certificate CloudFront needs", () => {
    const required = {
      allowedCidrs: ["0.0.0.0/0"],
      certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/x",
      authIssuer: "https://issuer.example.com",
      authAudience: "api",
    };
    expect(configSchema.parse(required).edge.enabled).toBe(false);
    const r = configSchema.safeParse({ ...required, edge: { enabled: true } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "edge.aliases: at least one DNS name when edge.enabled is true",
      "edge.certificateArn: required when edge.enabled is true",
      "edge.originDomainName: required when edge.enabled is true",
    ]);
    const wrongRegion = configSchema.safeParse({
      ...required,
      edge: { certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/x" },
    });
    expect(wrongRegion.error?.issues[0].message).toMatch(/in us-east-1/);
  });

  it("rate-limits per IP before the managed rules, and lets event batches over 8 KB through the common rule set", () => {
    const rules = webAclRules("api", 2000);
    expect(rules[0]).toMatchObject({
      priority: 0,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
    });
    expect(rules.map((r) => r.name)).toEqual([
      "rate-limit-per-ip",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesAmazonIpReputationList",
    ]);
    expect((rules[1].statement as any).managedRuleGroupStatement.ruleActionOverrides).toEqual([
      { name: "SizeRestrictions_BODY", actionToUse: { count: {} } },
    ]);
  });
});

describe("edge in the prod plan of the api project", () => {
  let api: ProjectPlan;
  beforeAll(async () => {
    api = planOf(await plansOf("prod"), "api");
  });

  it("caches GET items for seconds per Authorization, path and sortKey; every other route passes uncached", () => {
    const d = one(api, DISTRIBUTION, "api-edge-distribution").inputs as any;
    const policy = one(api, "aws:cloudfront/cachePolicy:CachePolicy", "api-edge-items");
    expect(d.orderedCacheBehaviors).toHaveLength(1);
    const items = d.orderedCacheBehaviors[0];
    expect(items).toMatchObject({
      pathPattern: ITEMS_PATH_PATTERN,
      allowedMethods: ["GET", "HEAD"],
      viewerProtocolPolicy: "https-only",
    });
    // The behaviour's cache policy is the items policy (by dependency, not by a copied id).
    expect(
      one(api, DISTRIBUTION, "api-edge-distribution").propertyDependencies.orderedCacheBehaviors,
    ).toContain(policy.urn);
    const key = (policy.inputs as any).parametersInCacheKeyAndForwardedToOrigin;
    expect(key.headersConfig).toEqual({ headerBehavior: "whitelist", headers: { items: ["Authorization"] } });
    expect(key.queryStringsConfig).toEqual({
      queryStringBehavior: "whitelist",
      queryStrings: { items: ["sortKey"] },
    });
    expect(key.cookiesConfig).toEqual({ cookieBehavior: "none" });
    expect((policy.inputs as any).defaultTtl).toBe(5);
    expect(d.defaultCacheBehavior).toMatchObject({
      allowedMethods: expect.arrayContaining(["POST", "GET"]),
      cachePolicyId: MANAGED_CACHE_POLICY_CACHING_DISABLED,
      originRequestPolicyId: MANAGED_ORIGIN_REQUEST_ALL_VIEWER_EXCEPT_HOST,
      viewerProtocolPolicy: "https-only",
    });
  });

  it("reaches the load balancer over HTTPS with a secret header the HTTPS listener requires; without it the listener answers 403", () => {
    const d = one(api, DISTRIBUTION, "api-edge-distribution").inputs as any;
    expect(d.origins).toHaveLength(1);
    const origin = d.origins[0];
    expect(origin.domainName).toBe("origin.api.example.com");
    expect(origin.customOriginConfig).toMatchObject({
      originProtocolPolicy: "https-only",
      originSslProtocols: ["TLSv1.2"],
    });
    const [header] = origin.customHeaders;
    expect(header.name).toBe(ORIGIN_VERIFY_HEADER);
    expect(header.value).toMatch(/^[A-Za-z0-9]{48}$/);

    const alb = one(api, "awsx:lb:ApplicationLoadBalancer", "api-alb").inputs as any;
    const https = alb.listeners.find((l: any) => l.protocol === "HTTPS");
    expect(alb.listeners[0]).toBe(https);
    expect(https.defaultActions).toEqual([
      {
        type: "fixed-response",
        fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden" },
      },
    ]);
    const rule = one(api, "aws:lb/listenerRule:ListenerRule", "api-origin-verified").inputs as any;
    expect(rule.conditions).toEqual([
      { httpHeader: { httpHeaderName: ORIGIN_VERIFY_HEADER, values: [header.value] } },
    ]);
    expect(rule.actions).toEqual([
      { type: "forward", targetGroupArn: expect.stringContaining(":targetgroup/") },
    ]);
    expect(rule.listenerArn).toMatch(/:listener\/app\//);
    // Only CloudFront's origin-facing addresses reach the load balancer, on 443 only.
    const albIngress = resourcesOf(api, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
      (r) => /::api-alb-in-/.test(r.urn),
    );
    expect(
      albIngress.map((r) => [
        r.urn.split("::").pop(),
        (r.inputs as any).prefixListId,
        (r.inputs as any).fromPort,
      ]),
    ).toEqual([["api-alb-in-443-cloudfront", expect.stringMatching(/^pl-[0-9a-f]+$/), 443]]);
  });

  it("exports the URL clients use and the name to CNAME it to", () => {
    expect(api.outputs).toMatchObject({
      edgeUrl: "https://api.example.com",
      distributionDomainName: expect.stringMatching(/^d[0-9a-f]+\.cloudfront\.net$/),
      webAclArn: expect.stringMatching(/^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\//),
    });
  });

  it("puts the web ACL, the distribution and their logs in us-east-1 under the platform's account only", () => {
    const provider = one(api, "pulumi:providers:aws", "api-aws-us-east-1").inputs as any;
    expect(provider.region).toBe("us-east-1");
    const primary = one(api, "pulumi:providers:aws", "api-aws").inputs as any;
    expect(provider.allowedAccountIds).toEqual(primary.allowedAccountIds);
    expect(JSON.parse(provider.allowedAccountIds)).toEqual(["222222222222"]);
    const edgeProvider = (urn: string) => api.document.steps.find((s) => s.urn === urn)!.provider ?? "";
    for (const [type, name] of [
      [DISTRIBUTION, "api-edge-distribution"],
      ["aws:wafv2/webAcl:WebAcl", "api-edge-waf"],
      ["aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "api-edge-waf-logging"],
      ["aws:cloudwatch/logDeliverySource:LogDeliverySource", "api-edge-access-log-source"],
      ["aws:kms/key:Key", "api-edge-logs-key"],
    ])
      expect([name, edgeProvider(one(api, type, name).urn)]).toEqual([
        name,
        expect.stringContaining("::api-aws-us-east-1::"),
      ]);
    const waf = one(api, "aws:wafv2/webAcl:WebAcl", "api-edge-waf");
    expect((waf.inputs as any).scope).toBe("CLOUDFRONT");
    expect(one(api, DISTRIBUTION, "api-edge-distribution").propertyDependencies.webAclId).toEqual([waf.urn]);
    const wafLogs = one(api, "aws:cloudwatch/logGroup:LogGroup", "api-edge-waf-logs").inputs as any;
    expect(wafLogs.namePrefix).toMatch(/^aws-waf-logs-/);
    expect(wafLogs.kmsKeyId).toEqual(expect.any(String));
  });

  it("passes the prod policy pack, and fails it without the web ACL, the access logs or TLS 1.2 at the viewer", async () => {
    const check = async (mutate: (doc: any) => void) => {
      const doc = structuredClone(api.document) as any;
      mutate(doc);
      const { violations } = await analyzeDocument(doc, {
        policies: POLICIES,
        config: packConfigFor("prod"),
      });
      return violations
        .filter((v) => v.enforcementLevel === "mandatory")
        .map((v) => `${v.policyName}/${v.rule}`)
        .sort();
    };
    const step = (doc: any, suffix: string) => doc.steps.find((s: any) => s.urn.endsWith(`::${suffix}`));
    expect(await check(() => undefined)).toEqual([]);
    expect(
      await check((doc) => {
        delete step(doc, "api-edge-distribution").newState.inputs.webAclId;
      }),
    ).toEqual(["cloudfront-waf/waf-attached"]);
    expect(
      await check((doc) => {
        doc.steps = doc.steps.filter((s: any) => !s.urn.endsWith("::api-edge-access-log-delivery"));
      }),
    ).toEqual(["cloudfront-logging/access-logs"]);
    expect(
      await check((doc) => {
        step(doc, "api-edge-distribution").newState.inputs.viewerCertificate = {
          cloudfrontDefaultCertificate: true,
        };
      }),
    ).toEqual(["cloudfront-tls/viewer-tls-1-2"]);
  });
});

describe("edge off (dev)", () => {
  it("plans no distribution and leaves the HTTPS listener forwarding every request", async () => {
    const api = planOf(await plansOf("dev"), "api");
    expect(resourcesOf(api, DISTRIBUTION)).toEqual([]);
    expect(resourcesOf(api, "aws:lb/listenerRule:ListenerRule")).toEqual([]);
    const alb = one(api, "awsx:lb:ApplicationLoadBalancer", "api-alb").inputs as any;
    expect(alb.listeners[0].defaultActions).toBeUndefined();
    const albIngress = resourcesOf(api, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
      (r) => /::api-alb-in-/.test(r.urn),
    );
    expect(albIngress.map((r) => (r.inputs as any).cidrIpv4)).toEqual(["0.0.0.0/0", "0.0.0.0/0"]);
  });
});

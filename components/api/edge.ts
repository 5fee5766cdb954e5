import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { providerSettingsFromConfig } from "../core/providers";
import { DataKey } from "../security/dataKey";

/**
 * CloudFront's managed policies the default (uncached) behaviour uses, by id (the same in every
 * account): `Managed-CachingDisabled` and `Managed-AllViewerExceptHostHeader`. With caching
 * disabled, the origin request policy forwards every viewer header, `Authorization` included, and
 * the query string; the `Host` CloudFront sends is the origin's, which the load balancer's
 * certificate covers.
 */
export const MANAGED_CACHE_POLICY_CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
export const MANAGED_ORIGIN_REQUEST_ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

/** The API's read route CloudFront caches (`GET /v1/{domain}/items/{key}`), as a path pattern. */
export const ITEMS_PATH_PATTERN = "/v1/*/items/*";
/** Query parameters the items route reads (runtime/api/server.ts): the only ones in the cache key. */
export const ITEMS_QUERY_PARAMS = ["sortKey"] as const;
/** Header whose value proves a request came through the distribution. */
export const ORIGIN_VERIFY_HEADER = "X-Origin-Verify";

/**
 * AWS managed rule groups of the web ACL. The common rule set blocks bodies over 8 KB
 * (`SizeRestrictions_BODY`); the API takes event batches up to 1 MiB, so that one rule counts
 * instead of blocking (the API enforces its own 1 MiB limit).
 */
export const MANAGED_RULE_GROUPS = [
  { name: "AWSManagedRulesCommonRuleSet", countOnly: ["SizeRestrictions_BODY"] },
  { name: "AWSManagedRulesKnownBadInputsRuleSet", countOnly: [] },
  { name: "AWSManagedRulesAmazonIpReputationList", countOnly: [] },
] as const;

/** CloudFront price classes. */
export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;

export interface ApiEdgeArgs {
  /**
   * DNS name CloudFront connects to over HTTPS: a name the load balancer's certificate covers and
   * that resolves to the load balancer (CloudFront checks the origin certificate against it).
   * Required.
   */
  readonly originDomainName: pulumi.Input<string>;
  /** Viewer DNS names of the distribution (CNAMEs to it). Required, at least one. */
  readonly aliases: readonly string[];
  /** ACM certificate in us-east-1 covering `aliases` (CloudFront reads certificates there only). Required. */
  readonly certificateArn: pulumi.Input<string>;
  /** Seconds CloudFront keeps an item answer (default TTL; the API sends no Cache-Control). Default 5. */
  readonly itemsTtlSeconds?: number;
  /** Upper bound on the TTL an origin `Cache-Control` may ask for. Default 60. */
  readonly itemsMaxTtlSeconds?: number;
  /** Requests one client IP may make in any 5 minutes before WAF blocks it. Default 2000. */
  readonly rateLimitPerFiveMinutes?: number;
  /** CloudFront price class. Default `PriceClass_100` (North America, Europe). */
  readonly priceClass?: (typeof PRICE_CLASSES)[number];
  /** Retention of the access and WAF logs in days. Default 30. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** Alias of the edge logs key (us-east-1). Default `alias/<name>-logs`. */
  readonly logsKeyAlias?: string;
}

const DEFAULTS = {
  itemsTtlSeconds: 5,
  itemsMaxTtlSeconds: 60,
  rateLimitPerFiveMinutes: 2000,
  priceClass: "PriceClass_100",
  logRetentionDays: 30,
} as const;

/** Every problem with the edge's arguments, naming the field, the value and what is allowed. */
export function apiEdgeProblems(args: ApiEdgeArgs): string[] {
  const p = { ...DEFAULTS, ...args };
  const problems: string[] = [];
  if (!args.aliases?.length) problems.push("aliases = []: at least one DNS name the certificate covers");
  for (const a of args.aliases ?? []) {
    if (!/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(a))
      problems.push(`aliases: "${a}" is not a lower-case DNS name`);
  }
  if (!Number.isInteger(p.itemsTtlSeconds) || p.itemsTtlSeconds < 1 || p.itemsTtlSeconds > 300)
    problems.push(`itemsTtlSeconds = ${p.itemsTtlSeconds}: an integer from 1 to 300 (a short TTL)`);
  if (
    !Number.isInteger(p.itemsMaxTtlSeconds) ||
    p.itemsMaxTtlSeconds < p.itemsTtlSeconds ||
    p.itemsMaxTtlSeconds > 3600
  )
    problems.push(
      `itemsMaxTtlSeconds = ${p.itemsMaxTtlSeconds}: an integer from itemsTtlSeconds (${p.itemsTtlSeconds}) to 3600`,
    );
  // WAF rate-based rules: 10 to 2,000,000,000 requests per evaluation window.
  if (
    !Number.isInteger(p.rateLimitPerFiveMinutes) ||
    p.rateLimitPerFiveMinutes < 10 ||
    p.rateLimitPerFiveMinutes > 2_000_000_000
  )
    problems.push(`rateLimitPerFiveMinutes = ${p.rateLimitPerFiveMinutes}: an integer from 10 to 2000000000`);
  if (!(PRICE_CLASSES as readonly string[]).includes(p.priceClass))
    problems.push(`priceClass = "${p.priceClass}": one of ${PRICE_CLASSES.join(", ")}`);
  return problems;
}

/** The web ACL's rules: the per-IP rate limit first, then the managed rule groups. */
export function webAclRules(
  metricPrefix: string,
  rateLimitPerFiveMinutes: number,
): aws.types.input.wafv2.WebAclRule[] {
  const visibility = (metricName: string) => ({
    cloudwatchMetricsEnabled: true,
    metricName: `${metricPrefix}-${metricName}`,
    sampledRequestsEnabled: true,
  });
  return [
    {
      name: "rate-limit-per-ip",
      priority: 0,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: rateLimitPerFiveMinutes,
          aggregateKeyType: "IP",
          evaluationWindowSec: 300,
        },
      },
      visibilityConfig: visibility("rate-limit"),
    },
    ...MANAGED_RULE_GROUPS.map((g, i) => ({
      name: g.name,
      priority: i + 1,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: "AWS",
          name: g.name,
          ...(g.countOnly.length
            ? { ruleActionOverrides: g.countOnly.map((name) => ({ name, actionToUse: { count: {} } })) }
            : {}),
        },
      },
      visibilityConfig: visibility(g.name),
    })),
  ];
}

/**
 * `dataplatform:api:ApiEdge`: CloudFront in front of the API. `GET /v1/{domain}/items/{key}` is
 * cached for a few seconds under a key of path, `sortKey` and `Authorization` (one principal's
 * answer is never served to another); every other route (ingestion, predict, health) passes
 * uncached with all viewer headers. Viewers need TLS 1.2 (`TLSv1.2_2021`) on the aliases'
 * certificate; CloudFront reaches the load balancer over HTTPS only (TLS 1.2) and adds
 * `X-Origin-Verify` with a random secret, which the load balancer's listener requires
 * (`ApiServiceArgs.originVerify`). An AWS WAF web ACL (scope CLOUDFRONT) rate-limits each client IP
 * and applies AWS managed rule groups; WAF logs (Authorization redacted) and CloudFront access logs
 * (v2 log delivery) go to KMS-encrypted log groups.
 *
 * CloudFront's WAF, certificates and log delivery live in us-east-1: give the component a provider
 * for that region (`{ provider }` on the component reaches every child).
 */
export class ApiEdge extends pulumi.ComponentResource {
  readonly distribution: aws.cloudfront.Distribution;
  readonly webAcl: aws.wafv2.WebAcl;
  readonly itemsCachePolicy: aws.cloudfront.CachePolicy;
  readonly accessLogGroup: aws.cloudwatch.LogGroup;
  readonly wafLogGroup: aws.cloudwatch.LogGroup;
  /** The origin-verification header: its name and the secret value (a Pulumi secret). */
  readonly originVerify: { readonly headerName: string; readonly value: pulumi.Output<string> };
  /** `https://<first alias>`. */
  readonly url: string;
  readonly domainName: pulumi.Output<string>;

  constructor(name: string, args: ApiEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:api:ApiEdge", name, {}, opts);
    const problems = apiEdgeProblems(args);
    if (problems.length) throw new pulumi.ResourceError(`${name}: ${problems.join("; ")}`, this);
    const p = { ...DEFAULTS, ...args };
    const parent = { parent: this };

    // The secret CloudFront adds and the load balancer requires: random, kept only in state (secret).
    const secret = new random.RandomPassword(`${name}-origin-verify`, { length: 48, special: false }, parent);
    this.originVerify = { headerName: ORIGIN_VERIFY_HEADER, value: pulumi.secret(secret.result) };

    // Logs: KMS-encrypted log groups in us-east-1, with a key of that region.
    const key = new DataKey(
      `${name}-logs`,
      { dataClass: "logs", aliasName: p.logsKeyAlias ?? `alias/${name}-logs` },
      parent,
    );
    this.accessLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      { retentionInDays: p.logRetentionDays, kmsKeyId: key.arn },
      parent,
    );
    // WAF writes only to log groups named aws-waf-logs-*.
    this.wafLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-waf-logs`,
      { namePrefix: `aws-waf-logs-${name}-`, retentionInDays: p.logRetentionDays, kmsKeyId: key.arn },
      parent,
    );

    const metricPrefix = `${name}-${pulumi.getStack()}`;
    this.webAcl = new aws.wafv2.WebAcl(
      `${name}-waf`,
      {
        description: "API edge: per-IP rate limit and AWS managed rules",
        scope: "CLOUDFRONT",
        defaultAction: { allow: {} },
        rules: webAclRules(metricPrefix, p.rateLimitPerFiveMinutes),
        visibilityConfig: {
          cloudwatchMetricsEnabled: true,
          metricName: metricPrefix,
          sampledRequestsEnabled: true,
        },
      },
      parent,
    );
    new aws.wafv2.WebAclLoggingConfiguration(
      `${name}-waf-logging`,
      {
        resourceArn: this.webAcl.arn,
        logDestinationConfigs: [this.wafLogGroup.arn],
        redactedFields: [{ singleHeader: { name: "authorization" } }],
      },
      parent,
    );

    this.itemsCachePolicy = new aws.cloudfront.CachePolicy(
      `${name}-items`,
      {
        comment: "API items: short TTL, keyed on path, sortKey and Authorization",
        defaultTtl: p.itemsTtlSeconds,
        minTtl: 0,
        maxTtl: p.itemsMaxTtlSeconds,
        parametersInCacheKeyAndForwardedToOrigin: {
          enableAcceptEncodingGzip: true,
          enableAcceptEncodingBrotli: true,
          cookiesConfig: { cookieBehavior: "none" },
          // Authorization in the key: CloudFront forwards it to the origin and never answers one
          // principal from another's cache entry.
          headersConfig: { headerBehavior: "whitelist", headers: { items: ["Authorization"] } },
          queryStringsConfig: {
            queryStringBehavior: "whitelist",
            queryStrings: { items: [...ITEMS_QUERY_PARAMS] },
          },
        },
      },
      parent,
    );

    const originId = "api-load-balancer";
    this.distribution = new aws.cloudfront.Distribution(
      `${name}-distribution`,
      {
        comment: `API edge (${pulumi.getProject()}/${pulumi.getStack()})`,
        enabled: true,
        isIpv6Enabled: true,
        httpVersion: "http2and3",
        priceClass: p.priceClass,
        aliases: [...args.aliases],
        webAclId: this.webAcl.arn,
        origins: [
          {
            originId,
            domainName: args.originDomainName,
            customOriginConfig: {
              httpPort: 80,
              httpsPort: 443,
              originProtocolPolicy: "https-only",
              originSslProtocols: ["TLSv1.2"],
              originReadTimeout: 30,
              originKeepaliveTimeout: 5,
            },
            customHeaders: [{ name: ORIGIN_VERIFY_HEADER, value: this.originVerify.value }],
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: originId,
          viewerProtocolPolicy: "https-only",
          allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
          cachedMethods: ["GET", "HEAD"],
          cachePolicyId: MANAGED_CACHE_POLICY_CACHING_DISABLED,
          originRequestPolicyId: MANAGED_ORIGIN_REQUEST_ALL_VIEWER_EXCEPT_HOST,
          compress: true,
        },
        orderedCacheBehaviors: [
          {
            pathPattern: ITEMS_PATH_PATTERN,
            targetOriginId: originId,
            viewerProtocolPolicy: "https-only",
            allowedMethods: ["GET", "HEAD"],
            cachedMethods: ["GET", "HEAD"],
            cachePolicyId: this.itemsCachePolicy.id,
            compress: true,
          },
        ],
        // A missing item is cached as long as an item; errors of the origin are not cached.
        customErrorResponses: [
          { errorCode: 404, errorCachingMinTtl: p.itemsTtlSeconds },
          ...[400, 403, 500, 502, 503, 504].map((errorCode) => ({ errorCode, errorCachingMinTtl: 0 })),
        ],
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: {
          acmCertificateArn: args.certificateArn,
          sslSupportMethod: "sni-only",
          minimumProtocolVersion: "TLSv1.2_2021",
        },
      },
      parent,
    );

    // Standard access logs (v2): CloudWatch log delivery from the distribution to the log group.
    const source = new aws.cloudwatch.LogDeliverySource(
      `${name}-access-log-source`,
      { logType: "ACCESS_LOGS", resourceArn: this.distribution.arn },
      parent,
    );
    const destination = new aws.cloudwatch.LogDeliveryDestination(
      `${name}-access-log-destination`,
      {
        outputFormat: "json",
        deliveryDestinationConfiguration: { destinationResourceArn: this.accessLogGroup.arn },
      },
      parent,
    );
    new aws.cloudwatch.LogDelivery(
      `${name}-access-log-delivery`,
      { deliverySourceName: source.name, deliveryDestinationArn: destination.arn },
      parent,
    );

    this.domainName = this.distribution.domainName;
    this.url = `https://${args.aliases[0]}`;
    this.registerOutputs({
      distributionId: this.distribution.id,
      domainName: this.domainName,
      webAclArn: this.webAcl.arn,
      url: this.url,
    });
  }
}

/**
 * The us-east-1 provider of the edge (CloudFront's WAF, certificates and log delivery live there):
 * the stack's own `aws:` settings, restricted to the platform's account like every other provider
 * (`allowedAccountIds`), with the stack's default tags.
 */
export function edgeProvider(
  project: string,
  args: { readonly accountId?: string; readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> },
): aws.Provider {
  return new aws.Provider(`${project}-aws-us-east-1`, {
    ...(providerSettingsFromConfig() as aws.ProviderArgs),
    ...(args.accountId !== undefined ? { allowedAccountIds: [args.accountId] } : {}),
    region: "us-east-1",
    defaultTags: { tags: args.tags },
  });
}

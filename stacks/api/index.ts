/**
 * The API project: the platform's ingestion, serving and inference API (`ApiService`) routing to
 * the configured domains. Reads the platform stack (network, keys, alarm topic) and every domain
 * stack (stream, serving table, inference endpoint when the domain has one), so it is evaluated
 * and deployed after them.
 */
import * as pulumi from "@pulumi/pulumi";
import { ApiService } from "../../components/api";
import { ApiEdge, edgeProvider } from "../../components/api/edge";
import { loadDomain } from "../../components/core/domain";
import { Dashboard } from "../../components/observability";
import { readDomainStack } from "../../contracts/domain";
import { configSchema } from "./config";

export = async () => {
  const api = await loadDomain(configSchema);
  const cfg = api.config;
  const platform = api.platform;
  const opts = { provider: api.providers.primary };

  const domains = Object.fromEntries(
    cfg.domains.map((domain) => {
      const { outputs } = readDomainStack(domain, { override: cfg.domainStacks[domain] });
      return [
        domain,
        {
          streamName: outputs.streamName,
          streamArn: outputs.streamArn,
          tableName: outputs.servingTableName,
          endpointName: outputs.inferenceEndpointName,
        },
      ];
    }),
  );

  // The platform's Redis serving cache, when this stack uses it: a platform without one is a clear error.
  if (cfg.cache && !api.settings.cache) {
    throw new Error(
      `api:cache = true: stack "${api.platformStack}" exports no cache: set data-platform:cache.enabled or api:cache false`,
    );
  }
  const cache = cfg.cache ? platform.apply((p) => p.cache!) : undefined;

  // Edge (CloudFront + WAF, api:edge): created first, so the load balancer requires its secret header.
  const edge = cfg.edge.enabled
    ? new ApiEdge(
        "api-edge",
        {
          aliases: cfg.edge.aliases,
          certificateArn: cfg.edge.certificateArn!,
          originDomainName: cfg.edge.originDomainName!,
          itemsTtlSeconds: cfg.edge.itemsTtlSeconds,
          rateLimitPerFiveMinutes: cfg.edge.rateLimitPerFiveMinutes,
          priceClass: cfg.edge.priceClass,
          logRetentionDays: platform.logRetentionDays,
          logsKeyAlias: `alias/${api.name}-${pulumi.getStack()}-edge-logs`,
        },
        { provider: edgeProvider(api.name, { accountId: api.settings.accountId, tags: api.tags }) },
      )
    : undefined;

  const service = new ApiService(
    "api",
    {
      domains,
      network: {
        vpcId: platform.vpcId,
        publicSubnetIds: platform.subnetIds.public,
        privateSubnetIds: platform.subnetIds.private,
      },
      allowedCidrs: cfg.allowedCidrs,
      certificateArn: cfg.certificateArn,
      auth: {
        issuer: cfg.authIssuer,
        audience: cfg.authAudience,
        jwksUrl: cfg.authJwksUrl ?? `${cfg.authIssuer}/.well-known/jwks.json`,
      },
      keys: {
        streaming: platform.kmsKeyArns.streaming,
        logs: platform.kmsKeyArns.logs,
        secrets: platform.kmsKeyArns.secrets,
      },
      ...(cache
        ? {
            cache: {
              endpoint: cache.endpoint,
              port: cache.port,
              authTokenSecretArn: cache.authTokenSecretArn,
              securityGroupId: cache.securityGroupId,
            },
          }
        : {}),
      image: cfg.image,
      cpu: cfg.cpu,
      memoryMb: cfg.memoryMb,
      minTasks: cfg.minTasks,
      maxTasks: cfg.maxTasks,
      desiredCount: cfg.minTasks,
      logRetentionDays: platform.logRetentionDays,
      alarmTopicArn: platform.alarmTopicArn,
      deletionProtection: cfg.deletionProtection,
      ...(edge ? { originVerify: edge.originVerify } : {}),
    },
    opts,
  );

  // The API's dashboard: requests, 5xx, p99 latency and unhealthy tasks (its keyMetrics).
  new Dashboard("api", { sections: { "ingestion, serving and inference API": service.keyMetrics } }, opts);

  return {
    url: service.url,
    clusterName: service.cluster.name,
    serviceName: "api",
    logGroupName: service.logGroup.name,
    accessLogBucket: service.accessLogBucket.bucket,
    keyMetrics: service.keyMetrics,
    domainNames: cfg.domains,
    // The edge, when api:edge.enabled: clients use edgeUrl (CNAME the aliases to distributionDomainName).
    edgeUrl: edge?.url,
    distributionDomainName: edge?.domainName,
    webAclArn: edge?.webAcl.arn,
  };
};

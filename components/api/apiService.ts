import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { dataProductNames } from "../../runtime/schemas";
import type { MetricSpec } from "../lake/metrics";
import { AlarmSet } from "../observability/alarmSet";
import { apiImageTag, ignoreScaledDesiredCount } from "./safeUpdates";
import {
  accessLogBucketPolicy,
  apiExecutionPolicy,
  apiTaskPolicy,
  endpointArnNear,
  tableArnNear,
} from "./policies";

/** One domain the API serves: where its data lives (from the domain stack's outputs). */
export interface ApiDomain {
  /** Data product in the runtime's schema registry. Default: the domain's name. */
  readonly dataProduct?: string;
  readonly streamName: pulumi.Input<string>;
  readonly streamArn: pulumi.Input<string>;
  readonly tableName: pulumi.Input<string>;
  /** SageMaker endpoint for `predict`. Default none: the route answers 404 for the domain. */
  readonly endpointName?: pulumi.Input<string | undefined>;
}

/** The read-through cache of `GET items` (ElastiCache Redis from the platform). */
export interface ApiCache {
  readonly endpoint: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  /** Secrets Manager secret holding the Redis AUTH token; injected as a container secret, never as plain env. */
  readonly authTokenSecretArn: pulumi.Input<string>;
  /** The cache's security group: the tasks get egress to it on `port`. */
  readonly securityGroupId: pulumi.Input<string>;
}

export interface ApiServiceArgs {
  /** Domains by name (the `{domain}` of the routes). At least one. */
  readonly domains: Readonly<Record<string, ApiDomain>>;
  /** The platform network: load balancer in the public subnets, tasks in the private subnets. */
  readonly network: {
    readonly vpcId: pulumi.Input<string>;
    readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  };
  /** CIDRs allowed to reach the load balancer on 443 (and 80, which only redirects). Required, at least one. */
  readonly allowedCidrs: readonly string[];
  /** ACM certificate of the HTTPS listener. Required. */
  readonly certificateArn: pulumi.Input<string>;
  /** TLS policy of the HTTPS listener. Default `ELBSecurityPolicy-TLS13-1-2-2021-06` (TLS 1.2+). */
  readonly sslPolicy?: string;
  /** JWT validation: issuer, audience (or Cognito `client_id`) and JWKS URL. Required. */
  readonly auth: {
    readonly issuer: pulumi.Input<string>;
    readonly audience: pulumi.Input<string>;
    readonly jwksUrl: pulumi.Input<string>;
  };
  /** Keys: `streaming` (streams and tables), `logs` (the log group), `secrets` (injected secrets, with `cache`). */
  readonly keys: {
    readonly streaming: pulumi.Input<string>;
    readonly logs: pulumi.Input<string>;
    readonly secrets?: pulumi.Input<string>;
  };
  /**
   * Container image URI. Default: built from `runtime/api/Dockerfile` and pushed to a new
   * KMS-encrypted ECR repository (needs Docker where `pulumi up` runs).
   */
  readonly image?: pulumi.Input<string>;
  /** Task size: vCPU units (256-16384) and memory in MiB. Default 512 / 1024. */
  readonly cpu?: number;
  readonly memoryMb?: number;
  /** Tasks: initial count and autoscaling bounds. Default 2, 2-10. */
  readonly desiredCount?: number;
  readonly minTasks?: number;
  readonly maxTasks?: number;
  /** Target average CPU utilisation of the service (%). Default 60. */
  readonly cpuTargetPercent?: number;
  /** Target requests per task per minute (ALBRequestCountPerTarget). Default 3000. */
  readonly requestsPerTaskPerMinute?: number;
  /** Log retention in days (service logs and access logs). Default 30. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** SNS topic of the alarms. Default: alarms without actions. */
  readonly alarmTopicArn?: pulumi.Input<string>;
  /** Target 5xx responses per 5 minutes that raise the alarm. Default 10. */
  readonly max5xxPerFiveMinutes?: number;
  /** p99 latency (seconds) that raises the alarm. Default 1. */
  readonly maxP99Seconds?: number;
  /** Optional Redis read-through cache for `GET items`. Default none. */
  readonly cache?: ApiCache;
  /** Log level of the service. Default `info`. */
  readonly logLevel?: string;
  /** Deletion protection of the load balancer. Default true. */
  readonly deletionProtection?: boolean;
  /** Let `pulumi destroy` delete the access log bucket with its logs. Default false. */
  readonly allowDestroyData?: boolean;
  /**
   * Behind CloudFront: requests must carry this header with this value (CloudFront's
   * origin-verification header, `ApiEdge.originVerify`). The HTTPS listener answers 403 to any
   * request without it and forwards only those with it, and the load balancer admits 443 only from
   * CloudFront's origin-facing managed prefix list of its region (instead of `allowedCidrs`; port 80
   * closed). Default none: the listener forwards every request from `allowedCidrs`.
   */
  readonly originVerify?: { readonly headerName: string; readonly value: pulumi.Input<string> };
}

const DEFAULTS = {
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  cpu: 512,
  memoryMb: 1024,
  desiredCount: 2,
  minTasks: 2,
  maxTasks: 10,
  cpuTargetPercent: 60,
  requestsPerTaskPerMinute: 3000,
  logRetentionDays: 30,
  max5xxPerFiveMinutes: 10,
  maxP99Seconds: 1,
  logLevel: "info",
  deletionProtection: true,
  allowDestroyData: false,
} as const;

/** Port the container listens on (behind the load balancer). */
export const API_CONTAINER_PORT = 8080;
/** Name of the service inside its own cluster (the cluster is unique per component). */
export const API_SERVICE_NAME = "api";
/** Key prefix of the load balancer's access logs in the log bucket. */
export const ACCESS_LOG_PREFIX = "alb";
/** CloudFront's origin-facing managed prefix list (one per region, AWS-managed). */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing";

/** The HTTPS listener's default action behind CloudFront: requests without the origin header. */
export const ORIGIN_VERIFY_DENY = {
  type: "fixed-response",
  fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden" },
} as const;

/** The ARN of the first listener awsx created (the HTTPS one); an error when awsx reports none. */
export function httpsListenerArn(
  listeners: readonly { arn: pulumi.Input<string> }[] | undefined,
): pulumi.Output<string> {
  const first = listeners?.[0];
  if (!first) throw new Error("the load balancer reports no listeners: the HTTPS listener is missing");
  return pulumi.output(first.arn);
}

/** Valid Fargate CPU units and their memory ranges (MiB). */
export const FARGATE_SIZES: Readonly<Record<number, readonly [number, number]>> = {
  256: [512, 2048],
  512: [1024, 4096],
  1024: [2048, 8192],
  2048: [4096, 16384],
  4096: [8192, 30720],
  8192: [16384, 61440],
  16384: [32768, 122880],
};

/** The `API_DOMAINS` environment variable of the service (names only; no secrets). */
export function apiDomainsEnv(
  domains: Readonly<
    Record<string, { dataProduct: string; streamName: string; tableName: string; endpointName?: string }>
  >,
): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(domains).map(([k, d]) => [
        k,
        {
          dataProduct: d.dataProduct,
          streamName: d.streamName,
          tableName: d.tableName,
          ...(d.endpointName ? { endpointName: d.endpointName } : {}),
        },
      ]),
    ),
  );
}

/** Metrics of the API at the load balancer, for dashboards and alarms. */
export function apiMetrics(
  loadBalancer: pulumi.Input<string>,
  targetGroup: pulumi.Input<string>,
): Record<"target5xx" | "p99LatencySeconds" | "requests" | "unhealthyHosts", MetricSpec> {
  const dimensions = { LoadBalancer: loadBalancer, TargetGroup: targetGroup };
  const m = (metricName: string, statistic: MetricSpec["statistic"], period: number): MetricSpec => ({
    namespace: "AWS/ApplicationELB",
    metricName,
    dimensions,
    statistic,
    period,
  });
  return {
    target5xx: m("HTTPCode_Target_5XX_Count", "Sum", 300),
    p99LatencySeconds: m("TargetResponseTime", "p99", 300),
    requests: m("RequestCount", "Sum", 60),
    unhealthyHosts: m("UnHealthyHostCount", "Maximum", 60),
  };
}

/**
 * `dataplatform:api:ApiService`: the ingestion, serving and inference API of the platform, one per
 * environment, routing by domain. An internet-facing Application Load Balancer (awsx) in the public
 * subnets with an HTTPS listener (ACM certificate, TLS 1.2+ policy, HSTS), an HTTP listener that
 * only redirects, access logs to a TLS-only SSE-S3 bucket; a Fargate service (awsx) in the private
 * subnets without public IPs, reachable only from the load balancer's security group; a task role
 * scoped to exactly the domains' streams, tables and endpoints; a log group with retention and KMS;
 * CPU and request-count target tracking; alarms on 5xx, p99 latency and unhealthy tasks; optionally
 * the Redis read-through cache of `GET items` (auth token injected as an ECS secret).
 */
export class ApiService extends pulumi.ComponentResource {
  readonly cluster: aws.ecs.Cluster;
  readonly loadBalancer: awsx.lb.ApplicationLoadBalancer;
  readonly service: awsx.ecs.FargateService;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly taskRole: aws.iam.Role;
  readonly executionRole: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly accessLogBucket: aws.s3.Bucket;
  readonly albSecurityGroup: aws.ec2.SecurityGroup;
  readonly taskSecurityGroup: aws.ec2.SecurityGroup;
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
  /** The API's URL (`https://<load balancer DNS name>`; put a DNS record for the certificate's name in front). */
  readonly url: pulumi.Output<string>;
  readonly keyMetrics: Record<string, MetricSpec>;

  constructor(name: string, args: ApiServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:api:ApiService", name, {}, opts);
    const p = { ...DEFAULTS, ...args };
    const parent = { parent: this };
    this.validate(name, args, p);
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;

    // Network: the load balancer takes 443/80 from the allowed CIDRs; tasks take the container
    // port from the load balancer only, and reach AWS APIs over 443.
    this.albSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-alb-sg`,
      {
        vpcId: args.network.vpcId,
        description: "API load balancer: HTTPS (and HTTP redirect) from allowed CIDRs",
      },
      parent,
    );
    this.taskSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-task-sg`,
      { vpcId: args.network.vpcId, description: "API tasks: container port from the API load balancer only" },
      parent,
    );
    if (args.originVerify) {
      // Only CloudFront's origin-facing addresses (a managed prefix list per region) reach 443.
      const cloudFront = aws.ec2.getManagedPrefixListOutput(
        { name: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST },
        parent,
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-alb-in-443-cloudfront`,
        {
          securityGroupId: this.albSecurityGroup.id,
          prefixListId: cloudFront.id,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: "HTTPS from CloudFront (origin-facing)",
        },
        parent,
      );
    }
    for (const [i, cidr] of args.originVerify ? [] : args.allowedCidrs.entries()) {
      for (const port of [443, 80]) {
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-alb-in-${port}-${i}`,
          {
            securityGroupId: this.albSecurityGroup.id,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            description: port === 443 ? "HTTPS" : "HTTP (redirects to HTTPS)",
          },
          parent,
        );
      }
    }
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-out-tasks`,
      {
        securityGroupId: this.albSecurityGroup.id,
        referencedSecurityGroupId: this.taskSecurityGroup.id,
        ipProtocol: "tcp",
        fromPort: API_CONTAINER_PORT,
        toPort: API_CONTAINER_PORT,
        description: "to the API tasks",
      },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-task-in-alb`,
      {
        securityGroupId: this.taskSecurityGroup.id,
        referencedSecurityGroupId: this.albSecurityGroup.id,
        ipProtocol: "tcp",
        fromPort: API_CONTAINER_PORT,
        toPort: API_CONTAINER_PORT,
        description: "from the API load balancer",
      },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-task-out-https`,
      {
        securityGroupId: this.taskSecurityGroup.id,
        cidrIpv4: "0.0.0.0/0",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "AWS APIs (Kinesis, DynamoDB, SageMaker, ECR, logs) and the JWKS",
      },
      parent,
    );
    if (args.cache) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-task-out-cache`,
        {
          securityGroupId: this.taskSecurityGroup.id,
          referencedSecurityGroupId: args.cache.securityGroupId,
          ipProtocol: "tcp",
          fromPort: args.cache.port,
          toPort: args.cache.port,
          description: "the items cache (Redis)",
        },
        parent,
      );
      // The cache admits exactly its clients: this stack adds the tasks' group to the cache's ingress.
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-cache-in-tasks`,
        {
          securityGroupId: args.cache.securityGroupId,
          referencedSecurityGroupId: this.taskSecurityGroup.id,
          ipProtocol: "tcp",
          fromPort: args.cache.port,
          toPort: args.cache.port,
          description: "API tasks (read-through cache of GET items)",
        },
        parent,
      );
    }

    // Access logs: ALB delivers only to SSE-S3 buckets (no KMS); TLS-only, private, versioned, expiring.
    const accessLogs = this.createAccessLogBucket(name, p.allowDestroyData, account);
    this.accessLogBucket = accessLogs.bucket;

    // Logs and roles.
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { retentionInDays: p.logRetentionDays, kmsKeyId: args.keys.logs },
      parent,
    );
    // Only ECS tasks of this account may assume the roles (confused-deputy guard).
    const assumeRole = account.apply((a) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "ecs-tasks.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": a } },
          },
        ],
      }),
    );
    this.taskRole = new aws.iam.Role(
      `${name}-task-role`,
      {
        assumeRolePolicy: assumeRole,
        description: "API tasks: the configured domains' streams, tables, endpoints",
      },
      parent,
    );
    this.executionRole = new aws.iam.Role(
      `${name}-execution-role`,
      { assumeRolePolicy: assumeRole, description: "ECS agent for the API tasks: image pull, logs, secrets" },
      parent,
    );
    const domainEntries = Object.entries(args.domains);
    const resolved = pulumi
      .all(
        domainEntries.map(([domain, d]) =>
          pulumi.all([d.streamName, d.streamArn, d.tableName, d.endpointName]).apply(([s, sa, t, e]) => ({
            domain,
            dataProduct: d.dataProduct ?? domain,
            streamName: s,
            streamArn: sa,
            tableName: t,
            endpointName: e || undefined,
          })),
        ),
      )
      .apply((ds) => ds);
    new aws.iam.RolePolicy(
      `${name}-task-policy`,
      {
        role: this.taskRole.id,
        policy: pulumi.all([resolved, args.keys.streaming]).apply(([ds, key]) =>
          JSON.stringify(
            apiTaskPolicy(
              ds.map((d) => ({
                streamArn: d.streamArn,
                tableArn: tableArnNear(d.streamArn, d.tableName),
                ...(d.endpointName ? { endpointArn: endpointArnNear(d.streamArn, d.endpointName) } : {}),
              })),
              key,
            ),
          ),
        ),
      },
      parent,
    );

    // Image: from config, or built from runtime/api/Dockerfile into a KMS-encrypted, scanned repository.
    let image: pulumi.Input<string>;
    let repositoryArn: pulumi.Output<string> | undefined;
    if (args.image !== undefined) {
      image = args.image;
    } else {
      const repo = new aws.ecr.Repository(
        `${name}-repo`,
        {
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.keys.logs }],
          forceDelete: p.allowDestroyData,
        },
        parent,
      );
      repositoryArn = repo.arn;
      // Images are immutable and pinned by digest: keep the last 30, drop untagged layers after a week.
      new aws.ecr.LifecyclePolicy(
        `${name}-repo-lifecycle`,
        {
          repository: repo.name,
          policy: JSON.stringify({
            rules: [
              {
                rulePriority: 1,
                description: "Expire untagged images after 7 days",
                selection: {
                  tagStatus: "untagged",
                  countType: "sinceImagePushed",
                  countUnit: "days",
                  countNumber: 7,
                },
                action: { type: "expire" },
              },
              {
                rulePriority: 2,
                description: "Keep the last 30 images",
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 },
                action: { type: "expire" },
              },
            ],
          }),
        },
        parent,
      );
      const root = path.resolve(__dirname, "..", "..");
      image = new awsx.ecr.Image(
        `${name}-image`,
        {
          repositoryUrl: repo.repositoryUrl,
          context: root,
          dockerfile: path.join(root, "runtime", "api", "Dockerfile"),
          platform: "linux/amd64",
          // The repository is IMMUTABLE: a tag derived from the build inputs changes exactly when
          // the image does, so a second push never reuses a tag.
          imageTag: apiImageTag(root),
        },
        parent,
      ).imageUri;
    }
    new aws.iam.RolePolicy(
      `${name}-execution-policy`,
      {
        role: this.executionRole.id,
        policy: pulumi
          .all([this.logGroup.arn, repositoryArn, args.cache?.authTokenSecretArn, args.keys.secrets])
          .apply(([logGroupArn, repo, secret, secretsKey]) =>
            JSON.stringify(
              apiExecutionPolicy({
                logGroupArn,
                repositoryArn: repo,
                secretArns: secret ? [secret] : [],
                secretsKeyArn: secretsKey,
              }),
            ),
          ),
      },
      parent,
    );

    // Cluster and task definition.
    this.cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      { settings: [{ name: "containerInsights", value: "enhanced" }] },
      parent,
    );
    const environment = pulumi
      .all([resolved, args.auth.issuer, args.auth.audience, args.auth.jwksUrl, region])
      .apply(([ds, issuer, audience, jwksUrl, r]) => [
        {
          name: "API_DOMAINS",
          value: apiDomainsEnv(Object.fromEntries(ds.map((d) => [d.domain, d]))),
        },
        { name: "AUTH_ISSUER", value: issuer },
        { name: "AUTH_AUDIENCE", value: audience },
        { name: "AUTH_JWKS_URL", value: jwksUrl },
        { name: "PORT", value: String(API_CONTAINER_PORT) },
        { name: "LOG_LEVEL", value: p.logLevel },
        { name: "AWS_REGION", value: r },
      ]);
    const cacheEnv = args.cache
      ? pulumi.all([args.cache.endpoint, args.cache.port]).apply(([host, port]) => [
          { name: "CACHE_HOST", value: host },
          { name: "CACHE_PORT", value: String(port) },
        ])
      : pulumi.output([] as { name: string; value: string }[]);
    this.taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        family: pulumi.interpolate`${this.cluster.name}-${API_SERVICE_NAME}`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(p.cpu),
        memory: String(p.memoryMb),
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        taskRoleArn: this.taskRole.arn,
        executionRoleArn: this.executionRole.arn,
        containerDefinitions: pulumi
          .all([image, environment, cacheEnv, this.logGroup.name, region, args.cache?.authTokenSecretArn])
          .apply(([img, env, cenv, logGroup, r, secret]) =>
            JSON.stringify([
              {
                name: API_SERVICE_NAME,
                image: img,
                essential: true,
                user: "1000",
                readonlyRootFilesystem: true,
                privileged: false,
                linuxParameters: { initProcessEnabled: true },
                portMappings: [{ containerPort: API_CONTAINER_PORT, protocol: "tcp" }],
                environment: [...env, ...cenv],
                secrets: secret ? [{ name: "CACHE_AUTH_TOKEN", valueFrom: secret }] : [],
                logConfiguration: {
                  logDriver: "awslogs",
                  options: {
                    "awslogs-group": logGroup,
                    "awslogs-region": r,
                    "awslogs-stream-prefix": API_SERVICE_NAME,
                    mode: "non-blocking",
                    "max-buffer-size": "25m",
                  },
                },
              },
            ]),
          ),
      },
      parent,
    );

    // Load balancer (awsx): HTTPS with the certificate, HTTP only redirects, access logs on.
    this.loadBalancer = new awsx.lb.ApplicationLoadBalancer(
      `${name}-alb`,
      {
        internal: false,
        subnetIds: args.network.publicSubnetIds,
        securityGroups: [this.albSecurityGroup.id],
        defaultSecurityGroup: { skip: true },
        dropInvalidHeaderFields: true,
        enableDeletionProtection: p.deletionProtection,
        accessLogs: { bucket: this.accessLogBucket.bucket, prefix: ACCESS_LOG_PREFIX, enabled: true },
        defaultTargetGroup: {
          port: API_CONTAINER_PORT,
          protocol: "HTTP",
          targetType: "ip",
          deregistrationDelay: 15,
          healthCheck: {
            path: "/health/ready",
            matcher: "200",
            interval: 15,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
          },
        },
        listeners: [
          {
            port: 443,
            protocol: "HTTPS",
            certificateArn: args.certificateArn,
            sslPolicy: p.sslPolicy,
            routingHttpResponseStrictTransportSecurityHeaderValue: "max-age=31536000; includeSubDomains",
            // Behind CloudFront, only requests with the origin-verification header are forwarded
            // (the listener rule below); everything else gets 403.
            ...(args.originVerify ? { defaultActions: [ORIGIN_VERIFY_DENY] } : {}),
          },
          {
            port: 80,
            protocol: "HTTP",
            defaultActions: [
              { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } },
            ],
          },
        ],
      },
      // ELB checks that it may write the bucket when access logs are switched on.
      { parent: this, dependsOn: [accessLogs.policy] },
    );
    const lb = this.loadBalancer.loadBalancer;
    const tg = this.loadBalancer.defaultTargetGroup;
    if (args.originVerify) {
      new aws.lb.ListenerRule(
        `${name}-origin-verified`,
        {
          // awsx creates the listeners in the order given: the HTTPS listener is the first.
          listenerArn: this.loadBalancer.listeners.apply((ls) => httpsListenerArn(ls)),
          priority: 1,
          conditions: [
            {
              httpHeader: { httpHeaderName: args.originVerify.headerName, values: [args.originVerify.value] },
            },
          ],
          actions: [{ type: "forward", targetGroupArn: tg.arn }],
        },
        parent,
      );
    }

    // Service (awsx) in the private subnets, no public IP, behind the target group. Autoscaling owns
    // the task count after creation: the transform reaches the aws.ecs.Service awsx creates
    // (awsx does not pass ignoreChanges on, pulumi-awsx#504).
    this.service = new awsx.ecs.FargateService(
      `${name}-service`,
      {
        name: API_SERVICE_NAME,
        cluster: this.cluster.arn,
        taskDefinition: this.taskDefinition.arn,
        desiredCount: p.desiredCount,
        networkConfiguration: {
          subnets: args.network.privateSubnetIds,
          securityGroups: [this.taskSecurityGroup.id],
          assignPublicIp: false,
        },
        loadBalancers: [
          { targetGroupArn: tg.arn, containerName: API_SERVICE_NAME, containerPort: API_CONTAINER_PORT },
        ],
        healthCheckGracePeriodSeconds: 30,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        enableExecuteCommand: false,
      },
      { parent: this, dependsOn: [this.loadBalancer], transforms: [ignoreScaledDesiredCount] },
    );

    // Autoscaling: CPU and requests per task.
    const target = new aws.appautoscaling.Target(
      `${name}-scaling`,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${this.cluster.name}/${API_SERVICE_NAME}`,
        minCapacity: p.minTasks,
        maxCapacity: p.maxTasks,
      },
      { parent: this, dependsOn: [this.service] },
    );
    const tracking = (
      role: string,
      spec: aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfiguration,
    ) =>
      new aws.appautoscaling.Policy(
        `${name}-scale-${role}`,
        {
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: spec,
        },
        parent,
      );
    tracking("cpu", {
      targetValue: p.cpuTargetPercent,
      predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
      scaleInCooldown: 120,
      scaleOutCooldown: 60,
    });
    const lbSuffix = lb.apply((l) => l.arnSuffix);
    const tgSuffix = tg.apply((t) => t.arnSuffix);
    tracking("requests", {
      targetValue: p.requestsPerTaskPerMinute,
      predefinedMetricSpecification: {
        predefinedMetricType: "ALBRequestCountPerTarget",
        resourceLabel: pulumi.interpolate`${lbSuffix}/${tgSuffix}`,
      },
      scaleInCooldown: 120,
      scaleOutCooldown: 60,
    });

    // Metrics and alarms.
    this.keyMetrics = apiMetrics(lbSuffix, tgSuffix);
    const alarmSet = new AlarmSet(
      `${name}-alarms`,
      {
        rules: {
          "5xx": {
            metric: this.keyMetrics.target5xx,
            threshold: p.max5xxPerFiveMinutes,
            description: "API tasks answered 5xx",
          },
          p99: {
            metric: this.keyMetrics.p99LatencySeconds,
            threshold: p.maxP99Seconds,
            evaluationPeriods: 2,
            description: "API p99 latency above target",
          },
          unhealthy: {
            metric: this.keyMetrics.unhealthyHosts,
            threshold: 0,
            evaluationPeriods: 3,
            description: "API tasks failing health checks",
          },
        },
        ...(args.alarmTopicArn ? { topicArn: args.alarmTopicArn } : {}),
      },
      parent,
    );
    this.alarms.push(...Object.values(alarmSet.alarms));

    this.url = lb.apply((l) => `https://${l.dnsName}`);
    this.registerOutputs({ url: this.url, clusterName: this.cluster.name });
  }

  private createAccessLogBucket(
    name: string,
    allowDestroyData: boolean,
    account: pulumi.Output<string>,
  ): { bucket: aws.s3.Bucket; policy: aws.s3.BucketPolicy } {
    const parent = { parent: this };
    const bucket = new aws.s3.Bucket(`${name}-access-logs`, { forceDestroy: allowDestroyData }, parent);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-access-logs-public-access`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-access-logs-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-access-logs-encryption`,
      // Elastic Load Balancing writes access logs only to SSE-S3 buckets.
      { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      parent,
    );
    new aws.s3.BucketVersioning(
      `${name}-access-logs-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-access-logs-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "access-log-retention",
            status: "Enabled",
            filter: { prefix: "" },
            transitions: [{ days: 30, storageClass: "GLACIER_IR" }],
            expiration: { days: 365 },
            noncurrentVersionExpiration: { noncurrentDays: 30 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      parent,
    );
    const elb = aws.elb.getServiceAccountOutput({}, parent);
    const policy = new aws.s3.BucketPolicy(
      `${name}-access-logs-policy`,
      {
        bucket: bucket.id,
        policy: pulumi
          .all([bucket.arn, account, elb.arn])
          .apply(([bucketArn, accountId, elbAccountArn]) =>
            JSON.stringify(
              accessLogBucketPolicy({ bucketArn, prefix: ACCESS_LOG_PREFIX, accountId, elbAccountArn }),
            ),
          ),
      },
      { parent: this, dependsOn: [publicAccess] },
    );
    return { bucket, policy };
  }

  private validate(
    name: string,
    args: ApiServiceArgs,
    p: {
      cpu: number;
      memoryMb: number;
      minTasks: number;
      maxTasks: number;
      desiredCount: number;
      cpuTargetPercent: number;
    },
  ): void {
    const fail = (msg: string) => {
      throw new pulumi.ResourceError(`${name}: ${msg}`, this);
    };
    const domains = Object.entries(args.domains);
    if (domains.length === 0) fail("domains = {}: at least one domain");
    const known = dataProductNames() as string[];
    for (const [domain, d] of domains) {
      if (!/^[a-z][a-z0-9-]{0,62}$/.test(domain))
        fail(`domains.${domain}: lower-case letters, digits and dashes`);
      const product = d.dataProduct ?? domain;
      if (!known.includes(product))
        fail(`domains.${domain}.dataProduct = "${product}": one of ${known.join(", ")}`);
    }
    if (args.allowedCidrs.length === 0)
      fail("allowedCidrs = []: at least one CIDR (0.0.0.0/0 for a public API)");
    for (const c of args.allowedCidrs) {
      if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(c)) fail(`allowedCidrs: "${c}" is not an IPv4 CIDR`);
    }
    const memory = FARGATE_SIZES[p.cpu];
    if (!memory) fail(`cpu = ${p.cpu}: one of ${Object.keys(FARGATE_SIZES).join(", ")} (Fargate CPU units)`);
    else if (p.memoryMb < memory[0] || p.memoryMb > memory[1])
      fail(`memoryMb = ${p.memoryMb}: ${memory[0]}-${memory[1]} MiB for cpu ${p.cpu} (Fargate)`);
    if (!Number.isInteger(p.minTasks) || p.minTasks < 1)
      fail(`minTasks = ${p.minTasks}: an integer of at least 1`);
    if (!Number.isInteger(p.maxTasks) || p.maxTasks < p.minTasks)
      fail(`maxTasks = ${p.maxTasks}: an integer of at least minTasks (${p.minTasks})`);
    if (p.desiredCount < p.minTasks || p.desiredCount > p.maxTasks)
      fail(`desiredCount = ${p.desiredCount}: from minTasks (${p.minTasks}) to maxTasks (${p.maxTasks})`);
    if (p.cpuTargetPercent < 10 || p.cpuTargetPercent > 90)
      fail(`cpuTargetPercent = ${p.cpuTargetPercent}: 10-90`);
    if (args.cache && !args.keys.secrets) fail("cache needs keys.secrets (the key of the auth token secret)");
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type KeyMetrics, redisNodeMetrics } from "../observability/metrics";
import { AUTH_TOKEN_KEY_ACTIONS, AUTH_TOKEN_READ_ACTIONS } from "./perms";

/** The port clients connect to (TLS). */
export const REDIS_PORT = 6379;

export interface RedisCacheArgs {
  /** VPC of the cache's security group. Required. */
  readonly vpcId: pulumi.Input<string>;
  /** ElastiCache subnet group over the database tier. Required. */
  readonly subnetGroupName: pulumi.Input<string>;
  /** Security groups whose members may connect on 6379 (the only ingress). Default none. */
  readonly clientSecurityGroupIds?: readonly pulumi.Input<string>[];
  /** Key encrypting the data at rest and the snapshots. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Key encrypting the AUTH token secret. Required. */
  readonly secretsKmsKeyArn: pulumi.Input<string>;
  /** Key encrypting the slow log. Required. */
  readonly logKmsKeyArn: pulumi.Input<string>;
  /** Slow-log retention in days. Default 14. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** Node type. Default `cache.t4g.micro`. */
  readonly nodeType?: string;
  /** Nodes: a primary and `nodes - 1` replicas. Default 1; at least 2 with `multiAz`. */
  readonly nodes?: number;
  /** Automatic failover to a replica in another AZ, Multi-AZ. Default false. */
  readonly multiAz?: boolean;
  /** Days automatic snapshots are kept (0: none). Default 1. */
  readonly snapshotRetentionDays?: number;
  /** SNS topic for ElastiCache events (failovers, node replacements). Default none. */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /** Engine version. Default `7.1`. */
  readonly engineVersion?: string;
}

const DEFAULTS = {
  nodeType: "cache.t4g.micro",
  nodes: 1,
  multiAz: false,
  snapshotRetentionDays: 1,
  logRetentionDays: 14,
  engineVersion: "7.1",
} as const;

/** Problems with the cache's arguments: node count, failover, snapshots. */
export function redisCacheProblems(a: {
  nodes: number;
  multiAz: boolean;
  snapshotRetentionDays: number;
}): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(a.nodes) || a.nodes < 1 || a.nodes > 6)
    problems.push(`nodes = ${a.nodes}: an integer from 1 to 6 (a primary and up to 5 replicas)`);
  else if (a.multiAz && a.nodes < 2)
    problems.push(`nodes = ${a.nodes}: at least 2 with multiAz (automatic failover needs a replica)`);
  if (
    !Number.isInteger(a.snapshotRetentionDays) ||
    a.snapshotRetentionDays < 0 ||
    a.snapshotRetentionDays > 35
  )
    problems.push(`snapshotRetentionDays = ${a.snapshotRetentionDays}: an integer from 0 to 35`);
  return problems;
}

/**
 * The AUTH token: 64 letters and digits (Redis accepts 16-128 printable characters without `@`,
 * `"` or `/`). Generated once by `@pulumi/random` (kept in state as a secret, so it is stable across
 * deployments and rotates only when the resource is replaced) and stored in Secrets Manager as the
 * plain token, which ECS injects with `secrets: [{ valueFrom: authTokenSecretArn }]`.
 */
export const AUTH_TOKEN = { length: 64, special: false } as const;

/**
 * `dataplatform:cache:RedisCache`: ElastiCache Redis for the serving layer's read-through cache: a
 * replication group in the database subnets behind its own security group (6379 from the given
 * client groups only), TLS required, encrypted at rest with the platform's key, an AUTH token
 * generated into Secrets Manager, automatic failover and Multi-AZ when asked, daily snapshots and a
 * KMS-encrypted slow log.
 */
export class RedisCache extends pulumi.ComponentResource {
  /** Primary endpoint address (writes and reads). */
  readonly endpoint: pulumi.Output<string>;
  readonly port: number = REDIS_PORT;
  /** Secrets Manager secret holding the AUTH token. */
  readonly authTokenSecretArn: pulumi.Output<string>;
  /** The cache's security group: add ingress from a client group to admit it. */
  readonly securityGroupId: pulumi.Output<string>;
  readonly replicationGroupId: pulumi.Output<string>;
  /** Engine CPU, memory and hit rate of the primary's node, for dashboards and alarms. */
  readonly keyMetrics: KeyMetrics;
  private readonly secretsKmsKeyArn: pulumi.Input<string>;

  constructor(name: string, args: RedisCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:cache:RedisCache", name, {}, opts);
    const a = { ...DEFAULTS, ...args };
    const problems = redisCacheProblems(a);
    if (problems.length)
      throw new pulumi.ResourceError(
        `RedisCache ${name}: invalid arguments:\n  - ${problems.join("\n  - ")}`,
        this,
      );
    this.secretsKmsKeyArn = args.secretsKmsKeyArn;

    const group = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `Redis ${name}: TLS clients on ${REDIS_PORT} from the listed groups only`,
        tags: { Role: "servingCache" },
      },
      { parent: this },
    );
    (args.clientSecurityGroupIds ?? []).forEach((client, i) => {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-from-client-${i}`,
        {
          securityGroupId: group.id,
          referencedSecurityGroupId: client,
          ipProtocol: "tcp",
          fromPort: REDIS_PORT,
          toPort: REDIS_PORT,
          description: "Redis clients (TLS + AUTH)",
        },
        { parent: this },
      );
    });

    const token = new random.RandomPassword(`${name}-auth-token`, { ...AUTH_TOKEN }, { parent: this });
    const secret = new aws.secretsmanager.Secret(
      `${name}-auth-token`,
      { description: `AUTH token of Redis ${name}`, kmsKeyId: args.secretsKmsKeyArn },
      { parent: this },
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-auth-token`,
      { secretId: secret.id, secretString: token.result },
      { parent: this },
    );
    const slowLog = new aws.cloudwatch.LogGroup(
      `${name}-slow-log`,
      { retentionInDays: a.logRetentionDays, kmsKeyId: args.logKmsKeyArn },
      { parent: this },
    );
    const replicationGroup = new aws.elasticache.ReplicationGroup(
      `${name}-redis`,
      {
        description: `Serving cache ${name}`,
        engine: "redis",
        engineVersion: a.engineVersion,
        nodeType: a.nodeType,
        numCacheClusters: a.nodes,
        port: REDIS_PORT,
        automaticFailoverEnabled: a.multiAz,
        multiAzEnabled: a.multiAz,
        subnetGroupName: args.subnetGroupName,
        securityGroupIds: [group.id],
        atRestEncryptionEnabled: true,
        kmsKeyId: args.kmsKeyArn,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authToken: token.result,
        authTokenUpdateStrategy: "ROTATE",
        snapshotRetentionLimit: a.snapshotRetentionDays,
        ...(a.snapshotRetentionDays > 0 ? { snapshotWindow: "03:00-04:00" } : {}),
        maintenanceWindow: "sun:05:00-sun:06:00",
        autoMinorVersionUpgrade: true,
        finalSnapshotIdentifier: pulumi.interpolate`${name}-final`,
        ...(args.notificationTopicArn ? { notificationTopicArn: args.notificationTopicArn } : {}),
        logDeliveryConfigurations: [
          {
            destination: slowLog.name,
            destinationType: "cloudwatch-logs",
            logFormat: "json",
            logType: "slow-log",
          },
        ],
      },
      { parent: this },
    );
    this.endpoint = replicationGroup.primaryEndpointAddress;
    this.authTokenSecretArn = secret.arn;
    this.securityGroupId = group.id;
    this.replicationGroupId = replicationGroup.id;
    // Node ids are `<replication group id>-00N`; any of them can be the primary after a failover.
    this.keyMetrics = redisNodeMetrics(replicationGroup.id, a.nodes);
    this.registerOutputs({
      endpoint: this.endpoint,
      port: this.port,
      authTokenSecretArn: this.authTokenSecretArn,
      securityGroupId: this.securityGroupId,
    });
  }

  /** Lets `role` read the AUTH token (the secret and the secrets key, nothing else). */
  grantReadAuthToken(grantee: string, role: aws.iam.Role): aws.iam.RolePolicy {
    return new aws.iam.RolePolicy(
      `${grantee}-redis-auth-token`,
      {
        role: role.id,
        policy: pulumi.all([this.authTokenSecretArn, pulumi.output(this.secretsKmsKeyArn)]).apply(([s, k]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: [...AUTH_TOKEN_READ_ACTIONS], Resource: s },
              { Effect: "Allow", Action: [...AUTH_TOKEN_KEY_ACTIONS], Resource: k },
            ],
          }),
        ),
      },
      { parent: this },
    );
  }
}

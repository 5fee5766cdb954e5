import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BucketRef } from "./lakeBucket";
import { athenaWorkgroupMetrics } from "./metrics";
import { normalizeDatasetPrefix } from "./partitioning";
import { ATHENA_QUERY_ACTIONS, CATALOG_KEY_READ_ACTIONS, CATALOG_READ_ACTIONS } from "./perms";
import { catalogKeyStatement, doc, readPolicy, writePolicy } from "./policies";

/** Smallest per-query scan limit Athena accepts (10 MB). */
export const ATHENA_MIN_BYTES_SCANNED_CUTOFF = 10 * 1024 * 1024;

/** Athena engine every workgroup uses. */
export const ATHENA_ENGINE_VERSION = "Athena engine version 3";

export interface QueryWorkgroupArgs {
  /** Bucket for query results (the lake's query-result bucket, SSE-KMS). Required. */
  readonly resultBucket: BucketRef;
  /** Key prefix of this workgroup's results. Default `<name>/`. */
  readonly resultPrefix?: string;
  /** Most bytes one query may scan before Athena cancels it (at least 10 MB). Default 10 GiB. */
  readonly bytesScannedCutoffPerQuery?: number;
  /** Key the Data Catalog is encrypted with (`LakeCatalog.kmsKeyArn`); `grantQuery` adds Decrypt on it through Glue. Default none. */
  readonly catalogKmsKeyArn?: pulumi.Input<string>;
}

/** Problems with the workgroup's arguments, naming the field. */
export function queryWorkgroupProblems(
  args: Pick<QueryWorkgroupArgs, "bytesScannedCutoffPerQuery" | "resultBucket">,
): string[] {
  const problems: string[] = [];
  const cutoff = args.bytesScannedCutoffPerQuery;
  if (cutoff !== undefined && (!Number.isInteger(cutoff) || cutoff < ATHENA_MIN_BYTES_SCANNED_CUTOFF)) {
    problems.push(
      `bytesScannedCutoffPerQuery = ${cutoff}: an integer of at least ${ATHENA_MIN_BYTES_SCANNED_CUTOFF} (10 MB, Athena's minimum)`,
    );
  }
  if (args.resultBucket.kmsKeyArn === undefined) {
    problems.push("resultBucket.kmsKeyArn: required (query results are encrypted with SSE-KMS)");
  }
  return problems;
}

/**
 * An Athena workgroup whose settings clients cannot override: results in the query-result bucket
 * encrypted with SSE-KMS, a per-query scan cutoff, CloudWatch metrics, engine version 3.
 */
export class QueryWorkgroup extends pulumi.ComponentResource {
  public readonly workgroup: aws.athena.Workgroup;
  public readonly workgroupName: pulumi.Output<string>;
  public readonly workgroupArn: pulumi.Output<string>;
  /** `s3://` prefix of the results. */
  public readonly outputLocation: pulumi.Output<string>;
  private readonly componentName: string;
  private readonly resultPrefix: string;
  private readonly resultBucket: BucketRef;
  private readonly catalogKmsKeyArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: QueryWorkgroupArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:lake:QueryWorkgroup", name, {}, opts);
    this.componentName = name;
    this.resultBucket = args.resultBucket;
    this.catalogKmsKeyArn = pulumi.output(args.catalogKmsKeyArn);
    const problems = queryWorkgroupProblems(args);
    let prefix = `${name}/`;
    try {
      prefix = normalizeDatasetPrefix(args.resultPrefix ?? name);
    } catch (e) {
      problems.push(`resultPrefix: ${(e as Error).message}`);
    }
    if (problems.length) {
      throw new pulumi.ResourceError(
        `QueryWorkgroup ${name}: invalid arguments:\n  - ${problems.join("\n  - ")}`,
        this,
      );
    }
    this.resultPrefix = prefix;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    this.outputLocation = pulumi.interpolate`s3://${args.resultBucket.bucketName}/${prefix}`;
    this.workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        description: "Lake queries: enforced settings, SSE-KMS results, scan cutoff",
        state: "ENABLED",
        forceDestroy: false,
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          requesterPaysEnabled: false,
          bytesScannedCutoffPerQuery: args.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3,
          engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
          resultConfiguration: {
            outputLocation: this.outputLocation,
            expectedBucketOwner: account,
            encryptionConfiguration: {
              encryptionOption: "SSE_KMS",
              kmsKeyArn: args.resultBucket.kmsKeyArn as pulumi.Input<string>,
            },
          },
        },
      },
      { parent: this },
    );
    this.workgroupName = this.workgroup.name;
    this.workgroupArn = this.workgroup.arn;
    this.registerOutputs({ workgroupName: this.workgroupName, outputLocation: this.outputLocation });
  }

  /** A saved query in this workgroup. */
  addNamedQuery(
    key: string,
    q: {
      readonly database: pulumi.Input<string>;
      readonly query: pulumi.Input<string>;
      readonly description?: string;
    },
  ): aws.athena.NamedQuery {
    return new aws.athena.NamedQuery(
      `${this.componentName}-${key}`,
      {
        name: key,
        workgroup: this.workgroup.name,
        database: q.database,
        query: q.query,
        description: q.description,
      },
      { parent: this },
    );
  }

  /**
   * Lets `role` run queries in this workgroup over `databaseNames`: Athena actions on the workgroup,
   * catalog reads of those databases, and its own result prefix. Reading the data itself is a
   * separate `grantRead` on the zones.
   */
  grantQuery(role: aws.iam.Role, databaseNames: pulumi.Input<string>[], key?: string): aws.iam.RolePolicy {
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const prefix = this.resultPrefix;
    return new aws.iam.RolePolicy(
      `${this.componentName}-query-${key ?? pulumi.resourceName(role)}`,
      {
        role: role.name,
        policy: pulumi
          .all([
            region,
            account,
            partition,
            this.workgroupArn,
            this.resultBucket.bucketArn,
            this.resultBucket.kmsKeyArn,
            pulumi.all(databaseNames),
            this.catalogKmsKeyArn,
          ])
          .apply(([r, acct, part, wgArn, bucketArn, keyArn, dbs, catalogKey]) => {
            const scope = { bucketArn, prefix, region: r, ...(keyArn ? { keyArn } : {}) };
            const catalog = `arn:${part}:glue:${r}:${acct}`;
            return JSON.stringify(
              doc(
                { Sid: "RunQueries", Effect: "Allow", Action: [...ATHENA_QUERY_ACTIONS], Resource: wgArn },
                {
                  Sid: "ReadCatalog",
                  Effect: "Allow",
                  Action: [...CATALOG_READ_ACTIONS],
                  Resource: [
                    `${catalog}:catalog`,
                    ...dbs.flatMap((d) => [`${catalog}:database/${d}`, `${catalog}:table/${d}/*`]),
                  ],
                },
                ...readPolicy(scope).Statement.map((s) => ({ ...s, Sid: `Results${s.Sid}` })),
                ...writePolicy(scope).Statement.map((s) => ({ ...s, Sid: `WriteResults${s.Sid}` })),
                ...(catalogKey ? [catalogKeyStatement(catalogKey, r, CATALOG_KEY_READ_ACTIONS)] : []),
              ),
            );
          }),
      },
      { parent: this },
    );
  }

  /** Bytes scanned and execution time of the workgroup's queries, for dashboards and alarms. */
  metrics(): ReturnType<typeof athenaWorkgroupMetrics> {
    return athenaWorkgroupMetrics(this.workgroupName);
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BucketRef } from "./lakeBucket";
import { normalizeDatasetPrefix } from "./partitioning";
import {
  CATALOG_KEY_WRITE_ACTIONS,
  CATALOG_READ_ACTIONS,
  CATALOG_WRITE_ACTIONS,
  GLUE_LOG_ACTIONS,
  SECURITY_CONFIGURATION_KEY_ACTIONS,
} from "./perms";
import { catalogKeyStatement, doc, type PolicyStatement, readPolicy, serviceTrustPolicy } from "./policies";

export interface LakeCrawlerArgs {
  /** Database the crawler creates and updates tables in. Required. */
  readonly databaseName: pulumi.Input<string>;
  /** Datasets to crawl: bucket and prefix each. Required (at least one). */
  readonly targets: readonly { readonly bucket: BucketRef; readonly prefix: string }[];
  /** Glue security configuration (from `LakeCatalog`) and its key. Required. */
  readonly securityConfiguration: {
    readonly name: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
  };
  /** Cron schedule, e.g. `cron(15 * * * ? *)`. Default: none (run on demand or from a pipeline). */
  readonly schedule?: string;
  /** Prefix of the table names it creates. Default none. */
  readonly tablePrefix?: string;
  /** Key the Data Catalog is encrypted with (`LakeCatalog.kmsKeyArn`); the crawler writes metadata with it through Glue. Default none. */
  readonly catalogKmsKeyArn?: pulumi.Input<string>;
}

/** Crawler configuration: partitions inherit the table's schema; compatible schemas become one table. */
export const CRAWLER_CONFIGURATION = JSON.stringify({
  Version: 1.0,
  CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
  Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
});

/**
 * A Glue crawler for datasets without a declared `LakeTable` (tables with partition projection need
 * none): it crawls only new folders, logs schema changes instead of applying deletions, runs under
 * the lake's security configuration, and its role reads only its targets and writes only its database.
 */
export class LakeCrawler extends pulumi.ComponentResource {
  public readonly crawler: aws.glue.Crawler;
  public readonly role: aws.iam.Role;

  constructor(name: string, args: LakeCrawlerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:lake:LakeCrawler", name, {}, opts);
    let prefixes: string[] = [];
    const problems: string[] = [];
    if (!args.targets.length) problems.push("targets: at least one dataset");
    try {
      prefixes = args.targets.map((t) => normalizeDatasetPrefix(t.prefix));
    } catch (e) {
      problems.push(`targets: ${(e as Error).message}`);
    }
    if (args.schedule !== undefined && !/^cron\(.+\)$/.test(args.schedule)) {
      problems.push(
        `schedule = ${JSON.stringify(args.schedule)}: a Glue cron expression such as "cron(15 * * * ? *)"`,
      );
    }
    if (problems.length) {
      throw new pulumi.ResourceError(
        `LakeCrawler ${name}: invalid arguments:\n  - ${problems.join("\n  - ")}`,
        this,
      );
    }
    const child = { parent: this };
    const region = aws.getRegionOutput({}, child).region;
    const account = aws.getCallerIdentityOutput({}, child).accountId;
    const partition = aws.getPartitionOutput({}, child).partition;

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Glue crawler ${name}`,
        assumeRolePolicy: account.apply((a) => JSON.stringify(serviceTrustPolicy("glue.amazonaws.com", a))),
      },
      child,
    );
    const targets = args.targets.map((t, i) =>
      pulumi
        .all([t.bucket.bucketArn, t.bucket.kmsKeyArn])
        .apply(([arn, key]) => ({ arn, key, prefix: prefixes[i] })),
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: pulumi
          .all([
            region,
            account,
            partition,
            args.databaseName,
            args.securityConfiguration.kmsKeyArn,
            pulumi.all(targets),
            pulumi.output(args.catalogKmsKeyArn),
          ])
          .apply(([r, acct, part, db, secKey, ts, catalogKey]) => {
            const catalog = `arn:${part}:glue:${r}:${acct}`;
            const statements: PolicyStatement[] = [
              ...ts.flatMap((t, i) =>
                readPolicy({
                  bucketArn: t.arn,
                  prefix: t.prefix,
                  region: r,
                  ...(t.key ? { keyArn: t.key } : {}),
                }).Statement.map((s) => ({ ...s, Sid: `Target${i}${s.Sid ?? ""}` })),
              ),
              {
                Sid: "OwnDatabase",
                Effect: "Allow",
                Action: [...CATALOG_READ_ACTIONS, ...CATALOG_WRITE_ACTIONS],
                Resource: [`${catalog}:catalog`, `${catalog}:database/${db}`, `${catalog}:table/${db}/*`],
              },
              ...(catalogKey ? [catalogKeyStatement(catalogKey, r, CATALOG_KEY_WRITE_ACTIONS)] : []),
              {
                Sid: "SecurityConfigurationKey",
                Effect: "Allow",
                Action: [...SECURITY_CONFIGURATION_KEY_ACTIONS],
                Resource: secKey,
              },
              {
                Sid: "CrawlerLogs",
                Effect: "Allow",
                Action: [...GLUE_LOG_ACTIONS],
                Resource: `arn:${part}:logs:${r}:${acct}:log-group:/aws-glue/*`,
              },
            ];
            return JSON.stringify(doc(...statements));
          }),
      },
      child,
    );
    this.crawler = new aws.glue.Crawler(
      `${name}-crawler`,
      {
        databaseName: args.databaseName,
        role: this.role.arn,
        securityConfiguration: args.securityConfiguration.name,
        s3Targets: args.targets.map((t, i) => ({
          path: pulumi.interpolate`s3://${t.bucket.bucketName}/${prefixes[i]}`,
        })),
        configuration: CRAWLER_CONFIGURATION,
        recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
        schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
        ...(args.schedule ? { schedule: args.schedule } : {}),
        ...(args.tablePrefix ? { tablePrefix: args.tablePrefix } : {}),
      },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({ crawlerName: this.crawler.name, roleArn: this.role.arn });
  }
}

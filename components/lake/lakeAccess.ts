import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAKE_FORMATION_DATA_ACCESS_ACTIONS } from "./perms";
import { LfTagGrant, type LfTagGrantArgs } from "./lfTagGrant";
import { doc } from "./policies";
import type { QueryWorkgroup } from "./queryWorkgroup";

/** One reader or writer of lake tables: which tables (an LF-tag expression) and what it may do on them. */
export interface LakeAccessRule {
  /** Tables whose tags match: every key must take one of its values. */
  readonly expression: Readonly<Record<string, readonly string[]>>;
  /** Table permissions (`SELECT`, `DESCRIBE`, `INSERT`, `DELETE`, `ALTER`). */
  readonly permissions: readonly string[];
}

/**
 * Tag-based grants of one principal: `DESCRIBE` on the databases and `permissions` on the tables the
 * expression selects (including tables created later), plus `lakeformation:GetDataAccess` on the
 * role so Lake Formation vends it credentials for the registered locations.
 */
export function grantLakeAccess(
  name: string,
  args: {
    readonly role: aws.iam.Role;
    readonly rules: readonly LakeAccessRule[];
    readonly knownTags?: LfTagGrantArgs["knownTags"];
  },
  opts: pulumi.ComponentResourceOptions,
): LfTagGrant[] {
  new aws.iam.RolePolicy(
    `${name}-lf-data-access`,
    {
      role: args.role.name,
      policy: JSON.stringify(
        doc({
          Sid: "LakeFormationCredentials",
          Effect: "Allow",
          Action: [...LAKE_FORMATION_DATA_ACCESS_ACTIONS],
          Resource: "*",
        }),
      ),
    },
    { parent: opts.parent, provider: opts.provider },
  );
  return args.rules.flatMap((rule, i) => {
    const common = { principal: args.role.arn, expression: rule.expression, knownTags: args.knownTags };
    const suffix = args.rules.length > 1 ? `-${i + 1}` : "";
    return [
      new LfTagGrant(
        `${name}-databases${suffix}`,
        { ...common, resourceType: "DATABASE", permissions: ["DESCRIBE"] },
        opts,
      ),
      new LfTagGrant(
        `${name}-tables${suffix}`,
        { ...common, resourceType: "TABLE", permissions: rule.permissions },
        opts,
      ),
    ];
  });
}

export interface LakeAccessArgs {
  /** LF-tags that exist (key → values): the security baseline's `domain`/`classification` and the catalog's `zone`. Required. */
  readonly knownTags: Readonly<Record<string, readonly string[]>>;
  /** The resources creating those tags: grants wait for them. Required. */
  readonly tagResources: pulumi.Input<pulumi.Resource>[];
  /** The Athena workgroup analysts query in. Required. */
  readonly workgroup: QueryWorkgroup;
  /** Catalog databases analysts may browse through IAM (Lake Formation decides the tables). Required. */
  readonly analystDatabaseNames: pulumi.Input<string>[];
  /** Classifications analysts may read. Default public and internal. */
  readonly analystClassifications?: readonly string[];
  /** The Redshift role of COPY and Spectrum (`Warehouse.lakeRole`): reads the processed zone. Default none. */
  readonly spectrumRole?: aws.iam.Role;
  /** The Spark job role: reads the processed zone, writes the curated zone. Default none. */
  readonly sparkJobRole?: aws.iam.Role;
}

/**
 * Who reads and writes the platform's lake through Lake Formation, by LF-tag expression (so every
 * domain's tables, tagged `domain`/`classification`/`zone`, are covered as they appear): an analyst
 * role querying in the Athena workgroup (processed and curated zones, non-confidential data), the
 * Redshift Spectrum role (processed zone) and the Spark job role (processed → curated).
 */
export class LakeAccess extends pulumi.ComponentResource {
  /** Role analysts assume (any principal of the account allowed to by IAM) to query in the workgroup. */
  readonly analystRole: aws.iam.Role;
  readonly grants: LfTagGrant[];

  constructor(name: string, args: LakeAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:lake:LakeAccess", name, {}, opts);
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const child = { parent: this, dependsOn: args.tagResources };
    this.analystRole = new aws.iam.Role(
      `${name}-analyst`,
      {
        description: "Analysts: Athena queries over the lake, table access through Lake Formation",
        assumeRolePolicy: account.apply((a) =>
          JSON.stringify(
            doc({
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${a}:root` },
              Action: "sts:AssumeRole",
            }),
          ),
        ),
      },
      { parent: this },
    );
    args.workgroup.grantQuery(this.analystRole, args.analystDatabaseNames, `${name}-analyst`);
    const analytic = ["processed", "curated"];
    this.grants = [
      ...grantLakeAccess(
        `${name}-analyst`,
        {
          role: this.analystRole,
          knownTags: args.knownTags,
          rules: [
            {
              expression: {
                zone: analytic,
                classification: args.analystClassifications ?? ["public", "internal"],
              },
              permissions: ["SELECT", "DESCRIBE"],
            },
          ],
        },
        child,
      ),
      ...(args.spectrumRole
        ? grantLakeAccess(
            `${name}-spectrum`,
            {
              role: args.spectrumRole,
              knownTags: args.knownTags,
              rules: [{ expression: { zone: ["processed"] }, permissions: ["SELECT", "DESCRIBE"] }],
            },
            child,
          )
        : []),
      ...(args.sparkJobRole
        ? grantLakeAccess(
            `${name}-spark`,
            {
              role: args.sparkJobRole,
              knownTags: args.knownTags,
              rules: [
                { expression: { zone: ["processed"] }, permissions: ["SELECT", "DESCRIBE"] },
                {
                  expression: { zone: ["curated"] },
                  permissions: ["SELECT", "DESCRIBE", "INSERT", "DELETE", "ALTER"],
                },
              ],
            },
            child,
          )
        : []),
    ];
    this.registerOutputs({ analystRoleArn: this.analystRole.arn });
  }
}

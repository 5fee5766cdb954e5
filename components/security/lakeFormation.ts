import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DATA_CLASSIFICATIONS } from "../../config/domain";

/** LF-tag keys domains attach to their databases and tables. */
export const LF_TAG_KEYS = { domain: "domain", classification: "classification" } as const;

/** Administrators: the deploying principal (so this program can manage tags and grants) plus the configured ones, once each. */
export function lakeFormationAdmins(deployer: string | undefined, configured: readonly string[]): string[] {
  return [...new Set([...(deployer ? [deployer] : []), ...configured])];
}

export interface LakeFormationGovernanceArgs {
  /** IAM principal ARNs that administer the data lake, besides the deploying role. Default none. */
  readonly admins?: readonly string[];
  /** Add the role running the deployment as an administrator (needed to create LF-tags and grants). Default true. */
  readonly includeDeployingRole?: boolean;
  /** Values of the `domain` LF-tag. Required. */
  readonly domains: readonly string[];
  /** Values of the `classification` LF-tag. Default public, internal, confidential, restricted. */
  readonly classifications?: readonly string[];
  /**
   * Create the account's data lake settings and the LF-tags (one per account and region). False when
   * another stack of the same account owns them (`data-platform:singletons.lakeFormationSettings:
   * existing`): this stack then relies on that stack's settings and tags. Default true.
   */
  readonly manageAccountSettings?: boolean;
}

/**
 * Lake Formation governs the catalog: administrators from config, no `IAM_ALLOWED_PRINCIPALS`
 * default permissions on new databases and tables (empty create-database / create-table defaults,
 * so access comes from Lake Formation grants only), and the LF-tags `domain` and `classification`
 * that tag-based grants use.
 */
export class LakeFormationGovernance extends pulumi.ComponentResource {
  /** The account's settings; absent when another stack owns them (`manageAccountSettings: false`). */
  readonly settings?: aws.lakeformation.DataLakeSettings;
  /** The LF-tags; absent when another stack owns them. */
  readonly tags?: { domain: aws.lakeformation.LfTag; classification: aws.lakeformation.LfTag };
  readonly admins: pulumi.Output<string[]>;

  constructor(name: string, args: LakeFormationGovernanceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:security:LakeFormationGovernance", name, {}, opts);
    if (args.domains.length === 0) {
      throw new pulumi.ResourceError(`${name}: domains = []: at least one domain name (LF-tag value)`, this);
    }
    const parent = { parent: this };
    const deployer: pulumi.Output<string | undefined> =
      args.includeDeployingRole === false
        ? pulumi.output<string | undefined>(undefined)
        : aws.iam.getSessionContextOutput({ arn: aws.getCallerIdentityOutput({}, parent).arn }, parent)
            .issuerArn;
    this.admins = deployer.apply((d) => lakeFormationAdmins(d, args.admins ?? []));
    if (args.manageAccountSettings === false) {
      this.registerOutputs({ admins: this.admins });
      return;
    }

    const settings = (this.settings = new aws.lakeformation.DataLakeSettings(
      `${name}-settings`,
      { admins: this.admins, createDatabaseDefaultPermissions: [], createTableDefaultPermissions: [] },
      parent,
    ));
    const tag = (key: string, values: readonly string[]) =>
      new aws.lakeformation.LfTag(
        `${name}-${key}`,
        { key, values: [...values] },
        { ...parent, dependsOn: [settings] },
      );
    this.tags = {
      domain: tag(LF_TAG_KEYS.domain, args.domains),
      classification: tag(LF_TAG_KEYS.classification, args.classifications ?? DATA_CLASSIFICATIONS),
    };
    this.registerOutputs({ admins: this.admins });
  }
}

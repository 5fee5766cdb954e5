import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AuditTrail } from "./auditTrail";
import { ConfigRecorder, platformConfigRules } from "./configRecorder";
import { DataKeys } from "./dataKeys";
import { GuardDuty } from "./guardDuty";
import { LakeFormationGovernance } from "./lakeFormation";
import { SecurityHub } from "./securityHub";

export interface SecurityBaselineArgs {
  /** Aliases of the data keys are `alias/<keyAliasPrefix>/<data class>`. Default: the component name. */
  readonly keyAliasPrefix?: string;
  /** KMS deletion window in days (7-30). Default 30. */
  readonly kmsDeletionWindowDays?: number;
  /** Multi-region keys with replicas in the DR region. Default false. */
  readonly multiRegionKeys?: boolean;
  /** Provider of the DR region; required when `multiRegionKeys` is true. */
  readonly drProvider?: aws.Provider;
  /** The CloudTrail trail. Default true. */
  readonly cloudTrail?: boolean;
  /** Buckets whose S3 data events the trail records (the lake, once it exists). Default none. */
  readonly trailDataEventBucketArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** AWS Config recorder and rules. Default true. */
  readonly awsConfig?: boolean;
  /** GuardDuty detector and protection plans. Default true. */
  readonly guardDuty?: boolean;
  /** Security Hub with the FSBP standard. Default true. */
  readonly securityHub?: boolean;
  /** Retention of the platform's log groups (CloudTrail's copy), in days. Default 365. */
  readonly logRetentionDays?: number;
  /** Days CloudTrail and Config files stay in S3. Default 365. */
  readonly auditLogRetentionDays?: number;
  /** Lake Formation administrators besides the deploying role. Default none. */
  readonly lakeFormationAdmins?: readonly string[];
  /** Values of the `domain` LF-tag. Required. */
  readonly dataDomains: readonly string[];
  /**
   * Create the account's Lake Formation settings and LF-tags here. False when another stack of the
   * account owns them (singletons). Default true.
   */
  readonly lakeFormationSettings?: boolean;
}

const DEFAULTS = {
  kmsDeletionWindowDays: 30,
  multiRegionKeys: false,
  cloudTrail: true,
  awsConfig: true,
  guardDuty: true,
  securityHub: true,
  logRetentionDays: 365,
  auditLogRetentionDays: 365,
};

/**
 * The account's security baseline and governance: KMS keys per data class, CloudTrail, AWS Config,
 * GuardDuty, Security Hub and Lake Formation settings. Each detective control is switchable;
 * everything is on by default.
 */
export class SecurityBaseline extends pulumi.ComponentResource {
  readonly keys: DataKeys;
  readonly trail?: AuditTrail;
  readonly config?: ConfigRecorder;
  readonly guardDuty?: GuardDuty;
  readonly securityHub?: SecurityHub;
  readonly lakeFormation: LakeFormationGovernance;

  constructor(name: string, args: SecurityBaselineArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:security:SecurityBaseline", name, {}, opts);
    const d = { ...DEFAULTS, ...definedOnly(args) };
    const parent = { parent: this };

    this.keys = new DataKeys(
      `${name}-keys`,
      {
        aliasPrefix: args.keyAliasPrefix ?? name,
        deletionWindowInDays: d.kmsDeletionWindowDays,
        multiRegion: d.multiRegionKeys,
        drProvider: args.drProvider,
      },
      parent,
    );
    const logsKey = this.keys.arns.logs;

    if (d.cloudTrail) {
      this.trail = new AuditTrail(
        `${name}-trail`,
        {
          kmsKeyArn: logsKey,
          logRetentionDays: d.logRetentionDays,
          objectExpirationDays: d.auditLogRetentionDays,
          dataEventBucketArns: args.trailDataEventBucketArns,
        },
        parent,
      );
    }
    if (d.awsConfig) {
      this.config = new ConfigRecorder(
        `${name}-config`,
        {
          kmsKeyArn: logsKey,
          objectExpirationDays: d.auditLogRetentionDays,
          rules: platformConfigRules(d.logRetentionDays),
        },
        parent,
      );
    }
    if (d.guardDuty) this.guardDuty = new GuardDuty(`${name}-guardduty`, {}, parent);
    if (d.securityHub) this.securityHub = new SecurityHub(`${name}-securityhub`, {}, parent);
    this.lakeFormation = new LakeFormationGovernance(
      `${name}-lakeformation`,
      {
        admins: args.lakeFormationAdmins,
        domains: args.dataDomains,
        manageAccountSettings: args.lakeFormationSettings ?? true,
      },
      parent,
    );

    this.registerOutputs({
      kmsKeyArns: this.keys.arns,
      trailBucket: this.trail?.bucket.bucketName,
      configBucket: this.config?.bucket.bucketName,
    });
  }
}

/** The fields of `o` that are set, so `undefined` never overrides a default. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

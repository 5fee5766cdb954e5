import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_SERVICE_ROLE_POLICIES, PROTECTED_RECOVERY_POINT_ACTIONS } from "./perms";

/** How often recovery points are taken: `hourly` meets an RPO of one hour. */
export type BackupFrequency = "hourly" | "daily";

/** The schedule (UTC) of each frequency: hourly on the hour, daily at 05:00. */
export const BACKUP_SCHEDULES: Record<BackupFrequency, string> = {
  hourly: "cron(0 * ? * * *)",
  daily: "cron(0 5 ? * * *)",
};

/**
 * Start and completion windows in minutes: an hourly job must start within the hour and finish
 * before the next one is due; AWS Backup's minimum start window is 60 minutes.
 */
export const BACKUP_WINDOWS: Record<BackupFrequency, { startWindow: number; completionWindow: number }> = {
  hourly: { startWindow: 60, completionWindow: 120 },
  daily: { startWindow: 60, completionWindow: 360 },
};

export interface BackupPlanArgs {
  /** Key encrypting the vault's recovery points. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** `hourly` (prod, RPO 1 h) or `daily`. Default `daily`. */
  readonly frequency?: BackupFrequency;
  /** Days recovery points are kept. Default 7. */
  readonly retentionDays?: number;
  /**
   * Copy every recovery point to a vault in the DR region, encrypted with `kmsKeyArn` there (the
   * replica of the primary key). Default none.
   */
  readonly drCopy?: {
    readonly provider: pulumi.ProviderResource;
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Days the copies are kept. */
    readonly retentionDays: number;
  };
  /** ARNs of resources this stack backs up with the plan (e.g. the Redshift cluster). Default none. */
  readonly resources?: pulumi.Input<pulumi.Input<string>[]>;
}

const DEFAULTS = { frequency: "daily", retentionDays: 7 } as const;

/**
 * The vault access policy: recovery points leave only through their lifecycle, not by hand (a
 * compromised credential cannot erase the backups; changing this takes a reviewed change).
 */
export function vaultPolicy(vaultArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RecoveryPointsExpireOnlyByLifecycle",
        Effect: "Deny",
        Principal: "*",
        Action: [...PROTECTED_RECOVERY_POINT_ACTIONS],
        Resource: vaultArn,
      },
    ],
  });
}

/** A selection name AWS Backup accepts (letters, digits, `-_.`, at most 50). */
export function selectionName(...parts: string[]): string {
  return parts
    .join("-")
    .replace(/[^A-Za-z0-9_.-]/g, "-")
    .slice(0, 50);
}

/**
 * `dataplatform:backup:BackupPlan`: AWS Backup for the environment's serving data: a KMS-encrypted
 * vault whose recovery points cannot be deleted by hand, a plan (hourly or daily, retention) with a
 * copy of every recovery point to a KMS-encrypted vault in the DR region, the backup service role,
 * and a selection of this stack's resources. Domain stacks add their tables with
 * `backupSelection` using the plan id and role from the platform contract.
 */
export class BackupPlan extends pulumi.ComponentResource {
  readonly planId: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly vaultName: pulumi.Output<string>;
  readonly drVaultArn?: pulumi.Output<string>;

  constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:backup:BackupPlan", name, {}, opts);
    const frequency = args.frequency ?? DEFAULTS.frequency;
    const retentionDays = args.retentionDays ?? DEFAULTS.retentionDays;
    for (const [field, value] of [
      ["retentionDays", retentionDays],
      ["drCopy.retentionDays", args.drCopy?.retentionDays ?? 1],
    ] as const) {
      if (!Number.isInteger(value) || value < 1)
        throw new pulumi.ResourceError(`${field} = ${value}: a whole number of days, at least 1`, this);
    }
    const vault = new aws.backup.Vault(`${name}-vault`, { kmsKeyArn: args.kmsKeyArn }, { parent: this });
    new aws.backup.VaultPolicy(
      `${name}-vault`,
      {
        backupVaultName: vault.name,
        policy: vault.arn.apply(vaultPolicy),
      },
      { parent: this },
    );
    let drVault: aws.backup.Vault | undefined;
    if (args.drCopy) {
      drVault = new aws.backup.Vault(
        `${name}-dr-vault`,
        { kmsKeyArn: args.drCopy.kmsKeyArn },
        { parent: this, provider: args.drCopy.provider },
      );
      new aws.backup.VaultPolicy(
        `${name}-dr-vault`,
        {
          backupVaultName: drVault.name,
          policy: drVault.arn.apply(vaultPolicy),
        },
        { parent: this, provider: args.drCopy.provider },
      );
      this.drVaultArn = drVault.arn;
    }
    const plan = new aws.backup.Plan(
      `${name}-plan`,
      {
        name: `${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
        rules: [
          {
            ruleName: frequency,
            targetVaultName: vault.name,
            schedule: BACKUP_SCHEDULES[frequency],
            ...BACKUP_WINDOWS[frequency],
            lifecycle: { deleteAfter: retentionDays },
            ...(drVault && args.drCopy
              ? {
                  copyActions: [
                    {
                      destinationVaultArn: drVault.arn,
                      lifecycle: { deleteAfter: args.drCopy.retentionDays },
                    },
                  ],
                }
              : {}),
          },
        ],
      },
      { parent: this },
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: "AWS Backup: takes and restores the platform's recovery points",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      },
      { parent: this },
    );
    const attachments = BACKUP_SERVICE_ROLE_POLICIES.map(
      (policyArn) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-role-${policyArn.split("ForBackup").length > 1 ? "backup" : "restore"}`,
          { role: role.name, policyArn },
          { parent: this },
        ),
    );
    // The customer managed keys are not covered by the managed policies: grant their use here.
    new aws.iam.RolePolicy(
      `${name}-role-keys`,
      {
        role: role.id,
        policy: pulumi
          .all([
            pulumi.output(args.kmsKeyArn),
            args.drCopy ? pulumi.output(args.drCopy.kmsKeyArn) : undefined,
          ])
          .apply(([primary, dr]) =>
            JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "VaultKeys",
                  Effect: "Allow",
                  Action: [
                    "kms:Decrypt",
                    "kms:Encrypt",
                    "kms:GenerateDataKey*",
                    "kms:ReEncrypt*",
                    "kms:DescribeKey",
                  ],
                  Resource: dr ? [primary, dr] : [primary],
                },
                {
                  Sid: "GrantsForAwsServicesOnly",
                  Effect: "Allow",
                  Action: ["kms:CreateGrant"],
                  Resource: dr ? [primary, dr] : [primary],
                  Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
                },
              ],
            }),
          ),
      },
      { parent: this },
    );
    this.planId = plan.id;
    this.roleArn = role.arn;
    this.vaultName = vault.name;
    if (args.resources) {
      backupSelection(
        `${name}-platform`,
        { planId: plan.id, roleArn: role.arn, resources: args.resources },
        { parent: this, dependsOn: attachments },
      );
    }
    this.registerOutputs({
      planId: this.planId,
      roleArn: this.roleArn,
      vaultName: this.vaultName,
      drVaultArn: this.drVaultArn,
    });
  }
}

/** Adds `resources` (ARNs) to a backup plan, e.g. a domain's serving tables to the platform's plan. */
export function backupSelection(
  name: string,
  args: {
    planId: pulumi.Input<string>;
    roleArn: pulumi.Input<string>;
    resources: pulumi.Input<pulumi.Input<string>[]>;
  },
  opts?: pulumi.CustomResourceOptions,
): aws.backup.Selection {
  return new aws.backup.Selection(
    name,
    {
      name: selectionName(pulumi.getProject(), pulumi.getStack(), name),
      planId: args.planId,
      iamRoleArn: args.roleArn,
      resources: args.resources,
    },
    opts,
  );
}

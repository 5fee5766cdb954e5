import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MODEL_REGISTRY_APPROVE_ACTIONS, MODEL_REGISTRY_READ_ACTIONS } from "./perms";

export interface ModelRegistryArgs {
  /** What the model predicts, as the group's description. Required. */
  readonly description: string;
  /** Physical group name (≤ 63). Default `<name>-<stack>`. */
  readonly modelPackageGroupName?: string;
}

/** Who the group's resource policy admits (`ModelRegistry.allow`). */
export interface RegistryAccess {
  /** Roles that describe and list versions (the roles that train and deploy them). Required, at least one. */
  readonly readerArns: readonly pulumi.Input<string>[];
  /** Roles that may change a version's approval status. Default none. */
  readonly approverArns?: readonly pulumi.Input<string>[];
}

/** The resource policy of a model package group: readers describe/list, approvers approve. */
export function registryPolicy(a: {
  groupArn: string;
  packagesArn: string;
  readers: readonly string[];
  approvers: readonly string[];
}): string {
  const statements = [
    ...(a.readers.length
      ? [
          {
            Sid: "ReadVersions",
            Effect: "Allow",
            Principal: { AWS: [...a.readers] },
            Action: [...MODEL_REGISTRY_READ_ACTIONS],
            Resource: [a.groupArn, a.packagesArn],
          },
        ]
      : []),
    ...(a.approvers.length
      ? [
          {
            Sid: "ApproveVersions",
            Effect: "Allow",
            Principal: { AWS: [...a.approvers] },
            Action: [...MODEL_REGISTRY_APPROVE_ACTIONS, ...MODEL_REGISTRY_READ_ACTIONS],
            Resource: [a.groupArn, a.packagesArn],
          },
        ]
      : []),
  ];
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * `dataplatform:ml:ModelRegistry`: a model package group (one per model) and its resource policy
 * (`allow`, once the roles that train and deploy the model exist). The training pipeline registers
 * versions as `PendingManualApproval`; an approver approves one; endpoints deploy approved
 * versions only (`modelPackageArn(version)`).
 */
export class ModelRegistry extends pulumi.ComponentResource {
  readonly group: aws.sagemaker.ModelPackageGroup;
  readonly groupName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  policy?: aws.sagemaker.ModelPackageGroupPolicy;
  private readonly name: string;

  constructor(name: string, args: ModelRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:ml:ModelRegistry", name, {}, opts);
    this.name = name;
    const groupName = args.modelPackageGroupName ?? `${name}-${pulumi.getStack()}`;
    if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(groupName)) {
      throw new pulumi.ResourceError(
        `modelPackageGroupName = "${groupName}": letters, digits and hyphens, at most 63 characters`,
        this,
      );
    }
    this.group = new aws.sagemaker.ModelPackageGroup(
      `${name}-group`,
      { modelPackageGroupName: groupName, modelPackageGroupDescription: args.description },
      { parent: this },
    );
    this.groupName = this.group.modelPackageGroupName;
    this.arn = this.group.arn;
    this.registerOutputs({ groupName: this.groupName, arn: this.arn });
  }

  /** Creates the group's resource policy (once): readers describe and list versions, approvers approve them. */
  allow(access: RegistryAccess): aws.sagemaker.ModelPackageGroupPolicy {
    if (this.policy) throw new pulumi.ResourceError("allow: the resource policy is already defined", this);
    if (access.readerArns.length === 0) {
      throw new pulumi.ResourceError(
        "readerArns = []: at least one role that trains or deploys the model",
        this,
      );
    }
    const readers = pulumi.all([...access.readerArns]);
    const approvers = pulumi.all([...(access.approverArns ?? [])]);
    this.policy = new aws.sagemaker.ModelPackageGroupPolicy(
      `${this.name}-policy`,
      {
        modelPackageGroupName: this.groupName,
        resourcePolicy: pulumi
          .all([this.arn, readers, approvers])
          .apply(([groupArn, r, ap]) =>
            registryPolicy({ groupArn, packagesArn: packagesArnOf(groupArn), readers: r, approvers: ap }),
          ),
      },
      { parent: this },
    );
    return this.policy;
  }

  /** ARN of one version of this group's model packages. */
  modelPackageArn(version: number): pulumi.Output<string> {
    if (!Number.isInteger(version) || version < 1) {
      throw new pulumi.ResourceError(`model version = ${version}: a positive integer`, this);
    }
    return this.arn.apply((arn) => packagesArnOf(arn).replace(/\*$/, String(version)));
  }
}

/** `arn:…:model-package-group/<g>` → `arn:…:model-package/<g>/*` (the group's versions). */
export function packagesArnOf(groupArn: string): string {
  return groupArn.replace(":model-package-group/", ":model-package/") + "/*";
}

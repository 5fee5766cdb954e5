import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { packagesArnOf } from "./modelRegistry";
import { KEY_DATA_ACTIONS, STUDIO_APP_ACTIONS, STUDIO_LIST_ACTIONS, STUDIO_ML_READ_ACTIONS } from "./perms";
import { document, listUnder, objectsUnder, trustPolicy } from "./policies";

export interface StudioDomainArgs {
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets of the apps. Required. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups of the apps (outbound only). Required. */
  readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Key of the home file system and app volumes (the ML key). Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** What data scientists may read: the offline store prefix and its key. Required. */
  readonly offlineStore: {
    readonly bucketArn: pulumi.Input<string>;
    readonly prefix: string;
    readonly kmsKeyArn: pulumi.Input<string>;
  };
  /** The domain's ML resources they work with. Required. */
  readonly featureGroupArn: pulumi.Input<string>;
  readonly pipelineArn: pulumi.Input<string>;
  readonly modelPackageGroupArn: pulumi.Input<string>;
}

/**
 * `dataplatform:ml:StudioDomain`: a SageMaker Studio domain for the domain's data scientists,
 * VPC-only (no SageMaker-managed internet access: traffic goes through the private subnets, their
 * NAT and VPC endpoints), home file system encrypted with the ML key, IAM authentication, and an
 * execution role that reads the offline store, runs the training pipeline and inspects model
 * versions — no `AmazonSageMakerFullAccess`.
 */
export class StudioDomain extends pulumi.ComponentResource {
  readonly domain: aws.sagemaker.Domain;
  readonly role: aws.iam.Role;

  constructor(name: string, args: StudioDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:ml:StudioDomain", name, {}, opts);
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent).partition;
    this.role = new aws.iam.Role(
      `${name}-role`,
      { assumeRolePolicy: account.apply((id) => trustPolicy("sagemaker.amazonaws.com", id)) },
      parent,
    );
    const domainName = `${name}-${pulumi.getStack()}`;
    this.domain = new aws.sagemaker.Domain(
      `${name}-domain`,
      {
        domainName,
        authMode: "IAM",
        appNetworkAccessType: "VpcOnly",
        vpcId: args.vpcId,
        subnetIds: args.subnetIds,
        kmsKeyId: args.kmsKeyArn,
        defaultUserSettings: { executionRole: this.role.arn, securityGroups: args.securityGroupIds },
        retentionPolicy: { homeEfsFileSystem: "Retain" },
      },
      parent,
    );
    // Scoped to this domain's apps, profiles and spaces, so the policy follows the domain.
    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: pulumi
          .output({
            bucketArn: args.offlineStore.bucketArn,
            lakeKey: args.offlineStore.kmsKeyArn,
            mlKey: args.kmsKeyArn,
            featureGroupArn: args.featureGroupArn,
            pipelineArn: args.pipelineArn,
            groupArn: args.modelPackageGroupArn,
            domainId: this.domain.id,
            id: account,
            r: region,
            p: partition,
          })
          .apply((x) => {
            const sm = (kind: string) => `arn:${x.p}:sagemaker:${x.r}:${x.id}:${kind}`;
            return JSON.stringify(
              document(
                {
                  Sid: "OwnApps",
                  Effect: "Allow",
                  Action: [...STUDIO_APP_ACTIONS],
                  Resource: [
                    sm(`domain/${x.domainId}`),
                    sm(`user-profile/${x.domainId}/*`),
                    sm(`space/${x.domainId}/*`),
                    sm(`app/${x.domainId}/*`),
                  ],
                },
                { Sid: "List", Effect: "Allow", Action: [...STUDIO_LIST_ACTIONS], Resource: "*" },
                {
                  Sid: "DomainMl",
                  Effect: "Allow",
                  Action: [...STUDIO_ML_READ_ACTIONS],
                  Resource: [
                    x.featureGroupArn,
                    x.pipelineArn,
                    `${x.pipelineArn}/*`,
                    x.groupArn,
                    packagesArnOf(x.groupArn),
                  ],
                },
                {
                  Sid: "ReadOfflineStore",
                  Effect: "Allow",
                  Action: ["s3:GetObject"],
                  Resource: objectsUnder(x.bucketArn, args.offlineStore.prefix),
                },
                listUnder("ListOfflineStore", x.bucketArn, [args.offlineStore.prefix]),
                {
                  Sid: "UseKeys",
                  Effect: "Allow",
                  Action: [...KEY_DATA_ACTIONS],
                  Resource: [x.lakeKey, x.mlKey],
                },
              ),
            );
          }),
      },
      parent,
    );
    this.registerOutputs({ domainId: this.domain.id });
  }
}

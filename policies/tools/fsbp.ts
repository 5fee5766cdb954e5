/**
 * FSBP coverage of the pack: the published AWS Foundational Security Best Practices controls
 * (`fsbp-controls.json`, id, title and resource types copied from the Security Hub user guide),
 * which of them apply to the resource types the platform's offline plans deploy, and for each
 * applicable control the policies that enforce it or the reason none does.
 *
 * `npm run policies:coverage` evaluates the dev and prod plans and rewrites the coverage section of
 * `policies/README.md`; `policies/coverage.test.ts` fails when that section is stale or coverage
 * drops below 90 %.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { POLICIES } from "../all";
import type { PlatformPolicy } from "../lib/policy";
import type { ProjectPlan } from "../../harness/evaluate";
import { discoverProjects } from "../../harness/projects";
import { ML_DEFAULTS } from "../../components/ml/settings";
import { planFor, projectsWithFixture } from "../../harness/testing";
import { packConfigFor } from "../runner/config";

const ControlsFile = z.object({
  standard: z.string(),
  source: z.string(),
  scope: z.string(),
  controls: z.array(
    z.object({
      id: z.string().regex(/^[A-Za-z0-9]+\.\d+$/),
      title: z.string().min(10),
      resourceTypes: z.array(z.string().regex(/^AWS::/)).min(1),
    }),
  ),
});
export type FsbpControl = z.infer<typeof ControlsFile>["controls"][number];

export const CONTROLS_FILE = path.join(__dirname, "fsbp-controls.json");
export const FSBP_CONTROLS: readonly FsbpControl[] = ControlsFile.parse(
  JSON.parse(fs.readFileSync(CONTROLS_FILE, "utf8")),
).controls;

/** The `@pulumi/aws` / `@pulumi/awsx` resources that create each CloudFormation resource type. */
export const PULUMI_TYPES: Readonly<Record<string, readonly string[]>> = {
  "AWS::Athena::WorkGroup": ["aws:athena/workgroup:Workgroup"],
  // Recovery points live in a vault and take the vault's key.
  "AWS::Backup::RecoveryPoint": ["aws:backup/vault:Vault"],
  "AWS::CloudTrail::Trail": ["aws:cloudtrail/trail:Trail"],
  "AWS::KinesisFirehose::DeliveryStream": ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"],
  "AWS::DynamoDB::Table": ["aws:dynamodb/table:Table"],
  "AWS::DAX::Cluster": ["aws:dax/cluster:Cluster"],
  "AWS::EC2::SecurityGroup": [
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  ],
  "AWS::EC2::Volume": ["aws:ebs/volume:Volume"],
  "AWS::EC2::Instance": ["aws:ec2/instance:Instance"],
  "AWS::EC2::VPC": ["aws:ec2/vpc:Vpc", "awsx:ec2:Vpc"],
  "AWS::EC2::Subnet": ["aws:ec2/subnet:Subnet"],
  "AWS::EC2::NetworkAcl": ["aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"],
  "AWS::EC2::LaunchTemplate": ["aws:ec2/launchTemplate:LaunchTemplate"],
  "AWS::EC2::VPCBlockPublicAccessOptions": [
    "aws:ec2/vpcBlockPublicAccessOptions:VpcBlockPublicAccessOptions",
  ],
  "AWS::EC2::NetworkInterface": ["aws:ec2/networkInterface:NetworkInterface"],
  "AWS::ECR::Repository": ["aws:ecr/repository:Repository"],
  "AWS::ECS::TaskDefinition": ["aws:ecs/taskDefinition:TaskDefinition"],
  "AWS::ECS::Service": ["aws:ecs/service:Service", "awsx:ecs:FargateService", "awsx:ecs:EC2Service"],
  "AWS::ECS::Cluster": ["aws:ecs/cluster:Cluster"],
  "AWS::ECS::TaskSet": ["aws:ecs/taskSet:TaskSet"],
  "AWS::ElastiCache::CacheCluster": ["aws:elasticache/cluster:Cluster"],
  "AWS::ElastiCache::ReplicationGroup": ["aws:elasticache/replicationGroup:ReplicationGroup"],
  "AWS::ElasticLoadBalancing::LoadBalancer": ["aws:elb/loadBalancer:LoadBalancer"],
  "AWS::ElasticLoadBalancingV2::LoadBalancer": [
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:alb/loadBalancer:LoadBalancer",
    "awsx:lb:ApplicationLoadBalancer",
  ],
  // awsx declares an application load balancer's listeners inline.
  "AWS::ElasticLoadBalancingV2::Listener": [
    "aws:lb/listener:Listener",
    "aws:alb/listener:Listener",
    "awsx:lb:ApplicationLoadBalancer",
  ],
  "AWS::EMR::Cluster": ["aws:emr/cluster:Cluster"],
  "AWS::EMR::SecurityConfiguration": ["aws:emr/securityConfiguration:SecurityConfiguration"],
  "AWS::Glue::MLTransform": ["aws:glue/mLTransform:MLTransform"],
  "AWS::Glue::Job": ["aws:glue/job:Job"],
  "AWS::GuardDuty::Detector": ["aws:guardduty/detector:Detector"],
  // Inline policies count as IAM policies: in CloudFormation they are AWS::IAM::Policy too.
  "AWS::IAM::Policy": [
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
  ],
  "AWS::IAM::User": ["aws:iam/user:User"],
  "AWS::IAM::Role": ["aws:iam/role:Role"],
  "AWS::IAM::Group": ["aws:iam/group:Group"],
  "AWS::Kinesis::Stream": ["aws:kinesis/stream:Stream"],
  "AWS::KMS::Key": ["aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey"],
  "AWS::Lambda::Function": ["aws:lambda/function:Function"],
  "AWS::RDS::DBInstance": ["aws:rds/instance:Instance"],
  "AWS::RDS::DBCluster": ["aws:rds/cluster:Cluster"],
  "AWS::Redshift::Cluster": ["aws:redshift/cluster:Cluster"],
  "AWS::RedshiftServerless::Workgroup": ["aws:redshiftserverless/workgroup:Workgroup"],
  "AWS::S3::Bucket": ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  "AWS::S3::AccessPoint": ["aws:s3/accessPoint:AccessPoint"],
  "AWS::SageMaker::NotebookInstance": ["aws:sagemaker/notebookInstance:NotebookInstance"],
  "AWS::SageMaker::EndpointConfig": ["aws:sagemaker/endpointConfiguration:EndpointConfiguration"],
  "AWS::SageMaker::Model": ["aws:sagemaker/model:Model"],
  "AWS::SecretsManager::Secret": ["aws:secretsmanager/secret:Secret"],
  "AWS::SNS::Topic": ["aws:sns/topic:Topic"],
  "AWS::SQS::Queue": ["aws:sqs/queue:Queue"],
  "AWS::StepFunctions::StateMachine": ["aws:sfn/stateMachine:StateMachine"],
};

/** Account-level controls (`AWS::::Account`) apply when the plans manage the account setting they check. */
export const ACCOUNT_CONTROL_TYPES: Readonly<Record<string, readonly string[]>> = {
  "CloudTrail.1": ["aws:cloudtrail/trail:Trail"],
  "Config.1": ["aws:cfg/recorder:Recorder"],
  "GuardDuty.1": ["aws:guardduty/detector:Detector"],
  "EMR.2": ["aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration"],
  "S3.1": ["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"],
  "EC2.1": ["aws:ebs/snapshot:Snapshot"],
  "EC2.7": ["aws:ebs/encryptionByDefault:EncryptionByDefault"],
  "IAM.4": [],
  "IAM.6": [],
  "IAM.7": ["aws:iam/accountPasswordPolicy:AccountPasswordPolicy"],
};

/** Why an applicable control has no policy: run-time state a plan cannot show, or a decision. */
export const NOT_ENFORCED: Readonly<Record<string, string>> = {
  "KMS.3":
    "Cannot be checked from IaC: whether a key is pending deletion is account state, and a policy pack never sees deletes. `kms-deletion-window` keeps the recovery window long.",
  "SecretsManager.1":
    "Not enforced: the one secret (the Redis AUTH token) has no rotation Lambda yet; the warehouse admin password is Redshift-managed (`manageMasterPassword`) and rotated by Redshift.",
  "SecretsManager.2": "Cannot be checked from IaC: whether the last rotation succeeded is run-time state.",
  "SecretsManager.3":
    "Cannot be checked from IaC: whether a secret is used (last accessed date) is run-time state.",
  "SecretsManager.4": "Not enforced: depends on SecretsManager.1 (no rotation schedule to check yet).",
  "EC2.10":
    "Not required: no workload calls the EC2 API from the VPC. `vpc-interface-endpoints` checks it when `ec2` is added to its requiredServices.",
  "EC2.57":
    "Not required: no Systems Manager agents run in the VPC (Fargate, Lambda, EMR). `vpc-interface-endpoints` checks it when `ssm` is added to its requiredServices.",
  "EC2.58":
    "Not required: Incident Manager is not used from the VPC. `vpc-interface-endpoints` checks it when `ssm-contacts` is added to its requiredServices.",
  "EC2.60":
    "Not required: Incident Manager is not used from the VPC. `vpc-interface-endpoints` checks it when `ssm-incidents` is added to its requiredServices.",
};

export interface ControlCoverage {
  readonly control: FsbpControl;
  readonly applicable: boolean;
  /** The plan types that make it applicable. */
  readonly deployedAs: string[];
  readonly policies: PlatformPolicy[];
  readonly reason?: string;
}

/** Pulumi types a control's resource types map to. */
export function pulumiTypesOf(control: FsbpControl): string[] {
  return control.resourceTypes.flatMap((t) =>
    t === "AWS::::Account" ? [...(ACCOUNT_CONTROL_TYPES[control.id] ?? [])] : [...(PULUMI_TYPES[t] ?? [])],
  );
}

/** Coverage of every control, given the resource types present in the plans. */
export function coverageOf(planTypes: ReadonlySet<string>): ControlCoverage[] {
  return FSBP_CONTROLS.map((control) => {
    const deployedAs = [...new Set(pulumiTypesOf(control).filter((t) => planTypes.has(t)))];
    return {
      control,
      applicable: deployedAs.length > 0,
      deployedAs,
      // By name: the order of POLICIES depends on how the concern modules' re-exports are compiled.
      policies: POLICIES.filter((p) => p.meta.fsbp.includes(control.id)).sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
      reason: NOT_ENFORCED[control.id],
    };
  });
}

function levelIn(env: "dev" | "prod", name: string): string {
  const entry = packConfigFor(env)[name];
  return typeof entry === "string" ? entry : (entry?.enforcementLevel ?? "default");
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

/** The markdown coverage section: the summary line and one row per applicable control. */
export function coverageSection(planTypes: ReadonlySet<string>): string {
  const rows = coverageOf(planTypes).filter((c) => c.applicable);
  const enforced = rows.filter((c) => c.policies.length > 0);
  const pct = ((100 * enforced.length) / rows.length).toFixed(1);
  return [
    `${enforced.length} of ${rows.length} applicable FSBP controls enforced (${pct} %); ${FSBP_CONTROLS.length - rows.length} controls of the listed services do not apply (no resource of their type in the dev or prod plan).`,
    "",
    "| control | title | deployed as | enforced by (prod level) |",
    "| --- | --- | --- | --- |",
    ...rows.map(
      (c) =>
        `| ${c.control.id} | ${cell(c.control.title)} | ${c.deployedAs.map((t) => `\`${t}\``).join(", ")} | ${
          c.policies.length
            ? c.policies.map((p) => `\`${p.name}\` (${levelIn("prod", p.name)})`).join(", ")
            : cell(c.reason ?? "**missing**")
        } |`,
    ),
  ].join("\n");
}

export const README = path.join(__dirname, "..", "README.md");
export const BEGIN = "<!-- fsbp-coverage:begin (npm run policies:coverage) -->";
export const END = "<!-- fsbp-coverage:end -->";

/** The section between the markers of `policies/README.md`. */
export function committedSection(text = fs.readFileSync(README, "utf8")): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${README} has no ${BEGIN} ... ${END} section`);
  return text.slice(start + BEGIN.length, end).trim();
}

/** Resource types of the repository's own projects (not the harness's sample domain) in the given plans. */
export function typesOfPlans(plans: readonly ProjectPlan[]): Set<string> {
  const own = new Set(discoverProjects().map((p) => p.name));
  const types = new Set<string>();
  for (const plan of plans)
    if (own.has(plan.project.name)) for (const s of plan.document.steps) types.add(s.newState.type);
  return types;
}

/**
 * The plans of an environment in its steady state: every project, with the clickstream endpoint's
 * variants on approved model versions 1, 2, ... A fresh account has no endpoint until a version is
 * approved (docs/bootstrap.md), but coverage and mutations are about what runs once it is.
 */
export function steadyStatePlans(env: "dev" | "prod"): Promise<ProjectPlan[]> {
  return planFor(env, {
    projects: projectsWithFixture(),
    configOverrides: {
      clickstream: {
        "clickstream:ml": JSON.stringify({
          variants: ML_DEFAULTS[env].variants.map((v, i) => ({ ...v, modelVersion: i + 1 })),
        }),
      },
    },
  });
}

/** Resource types of the dev and prod offline plans (steady state) of every project of the repository. */
export async function planTypes(): Promise<Set<string>> {
  const plans = [];
  for (const env of ["dev", "prod"] as const) plans.push(...(await steadyStatePlans(env)));
  return typesOfPlans(plans);
}

if (require.main === module) {
  void planTypes().then((types) => {
    const text = fs.readFileSync(README, "utf8");
    committedSection(text); // throws without markers
    const start = text.indexOf(BEGIN) + BEGIN.length;
    fs.writeFileSync(
      README,
      `${text.slice(0, start)}\n\n${coverageSection(types)}\n\n${text.slice(text.indexOf(END))}`,
    );
    console.log(coverageSection(types).split("\n")[0]);
    process.exit(0);
  });
}

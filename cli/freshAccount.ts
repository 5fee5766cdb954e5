/**
 * The fresh-account check (`npm run plan -- --check`, and `cli/freshAccount.test.ts` in `npm test`):
 * what stops the first `pulumi up` in a new AWS account, read from the plans before anything is
 * deployed.
 *
 * - **placeholder**: a configuration value still holding an example (a repeated-digit or AWS
 *   documentation account id, `EXAMPLE`, `my-org`, an all-zero id, an `.invalid` host): the finding
 *   names the key and what to put there (`PREREQUISITES`, docs/bootstrap.md).
 * - **account**: an AWS provider (or a resource on one) without `allowedAccountIds` naming the
 *   environment's account (`data-platform:accountId`).
 * - **singleton**: two platform stacks of one account (and region) both create the same
 *   account-wide resource (`SINGLETONS`; ownership from `data-platform:singletons`).
 * - **untraced**: a literal ARN input that comes from no resource of the plan, no StackReference
 *   output and no declared configuration value.
 * - **artifact**: a file a planned resource ships that the repository does not hold (the Flink
 *   connector JARs of `runtime/flink/connectors.json`, fetched from Maven Central before `pulumi up`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { decodeRawConfig, resolvePlatformConfig } from "../config/load";
import { type PlatformConfig, SINGLETONS, type Singleton } from "../config/schema";
import { PLATFORM_PROJECT } from "../contracts/platform";
import type { PlanDocument } from "../harness/plan";
import { discoverProjects, type ProjectInfo, stackConfig } from "../harness/projects";

/** A prerequisite the platform cannot create itself: the config key, what goes there, the bootstrap step. */
export interface Prerequisite {
  readonly key: string;
  readonly what: string;
  readonly step: string;
}

/** Every value a user brings from outside the program, with the bootstrap step that produces it. */
export const PREREQUISITES: readonly Prerequisite[] = [
  {
    key: "data-platform:accountId",
    what: "the 12-digit id of the AWS account this environment deploys into (`aws sts get-caller-identity --query Account`)",
    step: "docs/bootstrap.md#1-accounts",
  },
  {
    key: "data-platform:batch.emrTlsCertificatesS3Uri",
    what: "the s3:// URI of a zip of privateKey.pem, certificateChain.pem and trustedCertificates.pem from your PKI, covering *.<region>.compute.internal",
    step: "docs/bootstrap.md#2-prerequisites",
  },
  {
    key: "data-platform:warehouse.restoreFromSnapshot.snapshotIdentifier",
    what: "the newest copy of prod's warehouse snapshots in the DR region (`npx tsx cli/dr/restore.ts` prints the `pulumi config set`)",
    step: "docs/runbook-dr.md#3-regional-failover-primary-region-unavailable",
  },
  {
    key: "api:certificateArn",
    what: "the ARN of an issued ACM certificate for the API's DNS name, in the API's region and account",
    step: "docs/bootstrap.md#2-prerequisites",
  },
  {
    key: "api:authIssuer",
    what: "the issuer URL of your Cognito user pool, https://cognito-idp.<region>.amazonaws.com/<user pool id>",
    step: "docs/bootstrap.md#2-prerequisites",
  },
  {
    key: "api:edge.aliases",
    what: "the DNS names viewers use for the API through CloudFront (CNAMEs to the distribution), covered by api:edge.certificateArn",
    step: "docs/bootstrap.md#2-prerequisites",
  },
  {
    key: "api:edge.certificateArn",
    what: "the ARN of an issued ACM certificate in us-east-1 for the api:edge.aliases (CloudFront reads certificates there only)",
    step: "docs/bootstrap.md#2-prerequisites",
  },
  {
    key: "api:edge.originDomainName",
    what: "the DNS name CloudFront connects to: a record pointing at the API load balancer, covered by api:certificateArn",
    step: "docs/bootstrap.md#2-prerequisites",
  },
  {
    key: "orders:quicksight.principalArn",
    what: "the ARN of a QuickSight group or user of the account's QuickSight subscription (arn:aws:quicksight:<region>:<account>:group/default/<group>)",
    step: "docs/bootstrap.md#quicksight",
  },
  {
    key: "delivery:githubRepository",
    what: "your GitHub repository as owner/name (the workflows' OIDC roles trust its pull requests and deploy environments)",
    step: "docs/bootstrap.md#2-prerequisites",
  },
  {
    key: "deployments:repository",
    what: "your GitHub repository as owner/name (the Pulumi GitHub app installed on it)",
    step: "docs/bootstrap.md#2-prerequisites",
  },
];

/** Patterns of example values, each with the reason it is one. */
const PLACEHOLDERS: readonly [RegExp, string][] = [
  [/(?<!\d)(\d)\1{11}(?!\d)/, "a repeated-digit account id"],
  [/(?<!\d)123456789012(?!\d)/, "the AWS documentation example account"],
  [/0{8}-0{4}-0{4}-0{4}-0{12}/, "an all-zero id"],
  [/EXAMPLE/, "an EXAMPLE id"],
  [/(^|[/:.\s])my-org([/:.\s-]|$)/, 'the example organisation "my-org"'],
  [/\.invalid(\/|$)|(^|[/.])example\.(com|org|net)(\/|$)/, "an example host"],
  [/REPLACE[_-]?ME|CHANGE[_-]?ME|placeholder/i, "a placeholder word"],
];

/** Why `value` is an example value, or undefined. */
export function placeholderReason(value: string): string | undefined {
  return PLACEHOLDERS.find(([re]) => re.test(value))?.[1];
}

export type FindingRule = "placeholder" | "account" | "singleton" | "untraced" | "artifact";

/** One thing that stops the first deployment, with what to do about it. */
export interface Finding {
  readonly rule: FindingRule;
  readonly project: string;
  readonly message: string;
}

/** One project's plan as the check reads it: the preview document, with the config it was planned with. */
export interface CheckedPlan {
  readonly project: string;
  readonly document: PlanDocument;
}

/** `{"a":{"b":1}}` under `ns:key` → `[["ns:key.a.b", "1"]]`; strings and numbers as text. */
function flatten(key: string, value: unknown): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => flatten(`${key}[${i}]`, v));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => flatten(`${key}.${k}`, v));
  return value === undefined || value === null ? [] : [[key, String(value)]];
}

function configEntries(config: Record<string, string>): [string, string][] {
  return Object.entries(config).flatMap(([k, text]) => {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === "object" && parsed !== null ? flatten(k, parsed) : [[k, text]];
    } catch {
      return [[k, text]];
    }
  });
}

/** Placeholder findings over one plan's configuration (the `aws:` keys included). */
export function placeholderFindings(plan: CheckedPlan): Finding[] {
  const out: Finding[] = [];
  for (const [key, value] of configEntries(plan.document.config ?? {})) {
    const reason = placeholderReason(value);
    if (!reason) continue;
    const known = PREREQUISITES.find((p) => key === p.key || key.startsWith(`${p.key}[`));
    const what = known
      ? `${known.what} (${known.step})`
      : "your own value (docs/bootstrap.md#2-prerequisites)";
    out.push({
      rule: "placeholder",
      project: plan.project,
      message: `${key} = ${JSON.stringify(value)} is ${reason}: put ${what} there`,
    });
  }
  return out;
}

function parseList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === "string") {
    try {
      const parsed: unknown = JSON.parse(v);
      return Array.isArray(parsed) ? parsed.map(String) : [v];
    } catch {
      return [v];
    }
  }
  return [];
}

/** Every AWS provider restricted to `accountId`, and every AWS resource on such a provider. */
export function accountFindings(plan: CheckedPlan, accountId: string): Finding[] {
  const out: Finding[] = [];
  const providers = new Map<string, string[]>();
  for (const { newState: s } of plan.document.steps) {
    if (s.type !== "pulumi:providers:aws") continue;
    const allowed = parseList(s.inputs.allowedAccountIds);
    providers.set(s.urn, allowed);
    if (allowed.length !== 1 || allowed[0] !== accountId) {
      out.push({
        rule: "account",
        project: plan.project,
        message: `provider ${s.urn.split("::").pop()} has allowedAccountIds ${JSON.stringify(allowed)}: it must be ["${accountId}"] (data-platform:accountId), so credentials of another account fail before anything changes`,
      });
    }
  }
  for (const { newState: s } of plan.document.steps) {
    if (!s.custom || !s.type.startsWith("aws:")) continue;
    const ref = s.provider ?? "";
    const urn = ref.slice(0, ref.lastIndexOf("::"));
    if (!providers.has(urn)) {
      out.push({
        rule: "account",
        project: plan.project,
        message: `${s.type} ${s.urn.split("::").pop()} uses no explicit AWS provider (${ref || "the default provider"}): create it with the project's providers (components/core/providers.ts)`,
      });
    }
  }
  return out;
}

/** Inputs computed at deploy time from the caller's identity or an AWS-managed lookup (an invoke, not a resource). */
const CALLER_IDENTITY_INPUTS = new Set([
  "aws:lakeformation/dataLakeSettings:DataLakeSettings.admins",
  // AWS-managed prefix lists (CloudFront's origin-facing list, components/api/apiService.ts) are
  // looked up by name in each region (an invoke); the platform creates no prefix list of its own.
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule.prefixListId",
]);

/**
 * ARNs AWS publishes rather than the account creates: managed policies (`arn:aws:iam::aws:...`) and
 * account-less ARNs such as Security Hub standards (S3 bucket ARNs are account-less too, but buckets
 * are the user's).
 */
export function awsPublished(arn: string): boolean {
  const [, , service, , account] = arn.split(":");
  return account === "aws" || (account === "" && service !== "s3");
}

/** EC2-style resource ids (`vpc-…`, `subnet-…`, `sg-…`, ...): a literal one names a resource of some other stack. */
const RESOURCE_ID = /^(vpc|subnet|sg|rtb|igw|nat|eni|vpce|acl|ami|i|eipalloc|pl|tgw)-[0-9a-f]{8,17}$/;

/** ARNs and EC2-style ids inside an input value. */
function referencesIn(v: unknown): string[] {
  if (typeof v === "string") return v.startsWith("arn:") || RESOURCE_ID.test(v) ? [v] : [];
  if (Array.isArray(v)) return v.flatMap(referencesIn);
  if (v !== null && typeof v === "object") return Object.values(v).flatMap(referencesIn);
  return [];
}

/**
 * Literal ARN and id inputs: an input holding an ARN or an EC2-style id must come from a resource of the plan or a
 * StackReference output (a property dependency), be published by AWS (`awsPublished`), or be a
 * configuration value (a declared prerequisite).
 */
export function untracedFindings(plan: CheckedPlan): Finding[] {
  const configured = configEntries(plan.document.config ?? {}).map(([, v]) => v);
  const out: Finding[] = [];
  for (const { newState: s } of plan.document.steps) {
    if (!s.custom || s.type.startsWith("pulumi:")) continue;
    for (const [key, value] of Object.entries(s.inputs)) {
      if ((s.propertyDependencies[key] ?? []).length > 0) continue;
      if (CALLER_IDENTITY_INPUTS.has(`${s.type}.${key}`)) continue;
      for (const arn of referencesIn(value)) {
        if (arn.startsWith("arn:") && awsPublished(arn)) continue;
        if (configured.some((c) => c === arn || (c.startsWith("arn:") && arn.includes(c)))) continue;
        out.push({
          rule: "untraced",
          project: plan.project,
          message: `${s.type} ${s.urn.split("::").pop()} input ${key} = ${arn} comes from no resource, StackReference output or configuration value: declare it as a prerequisite in config, or reference the resource`,
        });
      }
    }
  }
  return out;
}

/** Which singletons a platform stack creates, from its resolved configuration (mirrors index.ts). */
export function singletonsCreatedBy(cfg: PlatformConfig): Singleton[] {
  if (cfg.environment === "local") return [];
  const owns = (s: Singleton) => cfg.singletons[s] === "create";
  const created: Record<Singleton, boolean> = {
    guardDutyDetector: cfg.security.guardDuty && owns("guardDutyDetector"),
    configRecorder: cfg.security.awsConfig && owns("configRecorder"),
    pulumiOidcProvider: owns("pulumiOidcProvider"),
    githubOidcProvider: owns("githubOidcProvider"),
    lakeFormationSettings: owns("lakeFormationSettings"),
    emrBlockPublicAccess: cfg.features.batch && owns("emrBlockPublicAccess"),
  };
  return (Object.keys(created) as Singleton[]).filter((s) => created[s]);
}

/** The resource that shows a singleton in a plan: its type, and for OIDC providers its issuer URL. */
export const SINGLETON_TYPES: Record<Singleton, string> = {
  guardDutyDetector: "aws:guardduty/detector:Detector",
  configRecorder: "aws:cfg/recorder:Recorder",
  pulumiOidcProvider: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  githubOidcProvider: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  lakeFormationSettings: "aws:lakeformation/dataLakeSettings:DataLakeSettings",
  emrBlockPublicAccess: "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration",
};

/** The issuer URL that tells the two OIDC-provider singletons apart (they share a type). */
export const SINGLETON_URLS: Partial<Record<Singleton, string>> = {
  pulumiOidcProvider: "https://api.pulumi.com/oidc",
  githubOidcProvider: "https://token.actions.githubusercontent.com",
};

/** The resources of a plan document that are `singleton` (by type, and issuer URL for OIDC providers). */
export function singletonSteps(plan: PlanDocument, singleton: Singleton): PlanDocument["steps"] {
  const url = SINGLETON_URLS[singleton];
  return plan.steps.filter(
    (s) =>
      s.newState.type === SINGLETON_TYPES[singleton] && (url === undefined || s.newState.inputs.url === url),
  );
}

/** Stack names of a project: its `Pulumi.<stack>.yaml` files, sorted. */
export function stackNames(project: ProjectInfo): string[] {
  return fs
    .readdirSync(project.dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The platform stacks of the repository with their resolved configuration (stack files `Pulumi.<stack>.yaml`). */
export function platformStacks(root?: ProjectInfo): { stack: string; config: PlatformConfig }[] {
  const project = root ?? discoverProjects().find((p) => p.name === PLATFORM_PROJECT)!;
  return stackNames(project).map((stack) => ({
    stack,
    config: resolvePlatformConfig(decodeRawConfig(stackConfig(project, stack)), stack),
  }));
}

/**
 * Singletons created by more than one platform stack of the same account (and region, for the
 * regional ones). A stack without `accountId` (local) creates none.
 */
export function singletonFindings(stacks: { stack: string; config: PlatformConfig }[]): Finding[] {
  const creators = new Map<string, string[]>();
  for (const { stack, config } of stacks) {
    if (!config.accountId) continue;
    for (const s of singletonsCreatedBy(config)) {
      const where =
        SINGLETONS[s].scope === "account"
          ? `account ${config.accountId}`
          : `account ${config.accountId}, ${config.region}`;
      const key = `${s}|${where}`;
      creators.set(key, [...(creators.get(key) ?? []), stack]);
    }
  }
  const out: Finding[] = [];
  for (const [key, stacks2] of creators) {
    if (stacks2.length < 2) continue;
    const [s, where] = key.split("|") as [Singleton, string];
    out.push({
      rule: "singleton",
      project: PLATFORM_PROJECT,
      message: `${SINGLETONS[s].what} is created by stacks ${stacks2.join(" and ")} in ${where}: keep one stack on "create" and set data-platform:singletons.${s}: existing in ${stacks2
        .slice(1)
        .map((x) => `Pulumi.${x}.yaml`)
        .join(", ")} (docs/bootstrap.md#3-singletons)`,
    });
  }
  return out;
}

/** Where the Flink program, its connector list and (once fetched) its connector JARs live. */
export const FLINK_DIR = path.resolve(__dirname, "../runtime/flink");
const FLINK_APPLICATION = "aws:kinesisanalyticsv2/application:Application";

/**
 * The connector JARs a plan's Managed Flink applications need and the repository does not hold:
 * `pulumi up` refuses to ship their package without them (components/streaming/flinkSql.ts), so the
 * check says which to fetch before it gets there. `exists` is the file test (tests replace it).
 */
export function artifactFindings(
  plan: CheckedPlan,
  exists: (file: string) => boolean = fs.existsSync,
): Finding[] {
  if (!plan.document.steps.some((s) => s.newState.type === FLINK_APPLICATION)) return [];
  const { jars } = JSON.parse(fs.readFileSync(path.join(FLINK_DIR, "connectors.json"), "utf8")) as {
    jars: { maven: string; file: string }[];
  };
  return jars
    .filter((j) => !exists(path.join(FLINK_DIR, "lib", j.file)))
    .map((j) => ({
      rule: "artifact" as const,
      project: plan.project,
      message: `runtime/flink/lib/${j.file} is missing: a Managed Flink application ships it; fetch ${j.maven} from Maven Central into runtime/flink/lib/ (runtime/flink/README.md#connector-jars-a-deployment-prerequisite)`,
    }));
}

/**
 * The whole check for one environment's plans: placeholders, accounts and literal ARNs in every
 * plan, and singleton ownership across every platform stack of the repository. `local` (the
 * emulators) has no account: only the singleton rule applies there.
 */
export function freshAccountFindings(
  plans: readonly CheckedPlan[],
  stacks: { stack: string; config: PlatformConfig }[],
  stack: string,
  exists: (file: string) => boolean = fs.existsSync,
): Finding[] {
  const self = stacks.find((s) => s.stack === stack)?.config;
  const out: Finding[] = [];
  if (self && self.environment !== "local") {
    for (const plan of plans) {
      out.push(...placeholderFindings(plan));
      if (self.accountId) out.push(...accountFindings(plan, self.accountId));
      out.push(...untracedFindings(plan));
      out.push(...artifactFindings(plan, exists));
    }
  }
  out.push(...singletonFindings(stacks));
  return out;
}

/** The report `npm run plan -- --check` prints. */
export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return "Fresh-account check: nothing stops a first deployment.";
  return [
    `Fresh-account check: ${findings.length} problem(s) stop a first deployment:`,
    ...findings.map((f) => `  [${f.rule}] ${f.project}: ${f.message}`),
  ].join("\n");
}

import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/** Account id every offline plan uses. */
export const MOCK_ACCOUNT_ID = "123456789012";

/** Raised when a program reads a stack that has not been evaluated yet; the harness evaluates it first. */
export class MissingStackError extends Error {
  constructor(readonly stackName: string) {
    super(`stack reference "${stackName}" has not been evaluated`);
    this.name = "MissingStackError";
  }
}

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** Pulumi's auto-naming: the logical name plus seven hex characters (deterministic here). */
export function autoName(logicalName: string, seed: string): string {
  return `${logicalName}-${hex(seed, 7)}`;
}

/** A UUID-shaped id derived from a seed (Redshift Serverless, KMS). */
function uuidOf(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const EC2_ID_PREFIX: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
  "aws:ec2/flowLog:FlowLog": "fl",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
};

/** `aws:kinesis/stream:Stream` → `kinesis`. */
function serviceOf(type: string): string {
  return type.split(":")[1]?.split("/")[0] ?? "unknown";
}

/**
 * The ARN AWS would give the resource, from its type, physical name, region and the mock account.
 * Types not listed get a generic but well-formed `arn:aws:<service>:<region>:<account>:<kind>/<name>`.
 */
export function arnFor(type: string, name: string, region: string, id: string): string {
  const acct = MOCK_ACCOUNT_ID;
  switch (type) {
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return `arn:aws:s3:::${name}`;
    case "aws:iam/role:Role":
      return `arn:aws:iam::${acct}:role/${name}`;
    case "aws:iam/policy:Policy":
      return `arn:aws:iam::${acct}:policy/${name}`;
    case "aws:iam/user:User":
      return `arn:aws:iam::${acct}:user/${name}`;
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return `arn:aws:iam::${acct}:oidc-provider/${name}`;
    case "aws:kms/key:Key":
    case "aws:kms/replicaKey:ReplicaKey":
      return `arn:aws:kms:${region}:${acct}:key/${id}`;
    case "aws:kms/alias:Alias":
      return `arn:aws:kms:${region}:${acct}:${name}`;
    case "aws:cloudwatch/logGroup:LogGroup":
      return `arn:aws:logs:${region}:${acct}:log-group:${name}`;
    case "aws:lambda/function:Function":
      return `arn:aws:lambda:${region}:${acct}:function:${name}`;
    case "aws:kinesis/stream:Stream":
      return `arn:aws:kinesis:${region}:${acct}:stream/${name}`;
    case "aws:kinesis/streamConsumer:StreamConsumer":
      return `arn:aws:kinesis:${region}:${acct}:stream/consumer/${name}`;
    case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
      return `arn:aws:firehose:${region}:${acct}:deliverystream/${name}`;
    case "aws:dynamodb/table:Table":
      return `arn:aws:dynamodb:${region}:${acct}:table/${name}`;
    case "aws:sqs/queue:Queue":
      return `arn:aws:sqs:${region}:${acct}:${name}`;
    case "aws:sns/topic:Topic":
      return `arn:aws:sns:${region}:${acct}:${name}`;
    case "aws:cloudtrail/trail:Trail":
      return `arn:aws:cloudtrail:${region}:${acct}:trail/${name}`;
    case "aws:secretsmanager/secret:Secret":
      return `arn:aws:secretsmanager:${region}:${acct}:secret:${name}-${id.slice(-6)}`;
    case "aws:sfn/stateMachine:StateMachine":
      return `arn:aws:states:${region}:${acct}:stateMachine:${name}`;
    case "aws:glue/catalogDatabase:CatalogDatabase":
      return `arn:aws:glue:${region}:${acct}:database/${name}`;
    case "aws:glue/job:Job":
      return `arn:aws:glue:${region}:${acct}:job/${name}`;
    case "aws:glue/crawler:Crawler":
      return `arn:aws:glue:${region}:${acct}:crawler/${name}`;
    case "aws:athena/workgroup:Workgroup":
      return `arn:aws:athena:${region}:${acct}:workgroup/${name}`;
    case "aws:redshift/cluster:Cluster":
      return `arn:aws:redshift:${region}:${acct}:cluster:${name}`;
    case "aws:ecs/cluster:Cluster":
      return `arn:aws:ecs:${region}:${acct}:cluster/${name}`;
    case "aws:emr/cluster:Cluster":
      return `arn:aws:elasticmapreduce:${region}:${acct}:cluster/${id}`;
    case "aws:emrserverless/application:Application":
      return `arn:aws:emr-serverless:${region}:${acct}:/applications/${id}`;
    case "aws:redshiftserverless/namespace:Namespace":
      return `arn:aws:redshift-serverless:${region}:${acct}:namespace/${uuidOf(name)}`;
    case "aws:redshiftserverless/workgroup:Workgroup":
      return `arn:aws:redshift-serverless:${region}:${acct}:workgroup/${uuidOf(name)}`;
    case "aws:mwaa/environment:Environment":
      return `arn:aws:airflow:${region}:${acct}:environment/${name}`;
    // CloudFront is global: no region in its ARNs; CLOUDFRONT-scope web ACLs are "global" in us-east-1.
    case "aws:cloudfront/distribution:Distribution":
      return `arn:aws:cloudfront::${acct}:distribution/${id}`;
    case "aws:wafv2/webAcl:WebAcl":
      return `arn:aws:wafv2:us-east-1:${acct}:global/webacl/${name}/${id}`;
    case "aws:cloudwatch/eventRule:EventRule":
      return `arn:aws:events:${region}:${acct}:rule/${name}`;
    // SageMaker lower-cases names in ARNs.
    case "aws:sagemaker/featureGroup:FeatureGroup":
      return `arn:aws:sagemaker:${region}:${acct}:feature-group/${name.toLowerCase()}`;
    case "aws:sagemaker/modelPackageGroup:ModelPackageGroup":
      return `arn:aws:sagemaker:${region}:${acct}:model-package-group/${name.toLowerCase()}`;
    case "aws:sagemaker/pipeline:Pipeline":
      return `arn:aws:sagemaker:${region}:${acct}:pipeline/${name.toLowerCase()}`;
    case "aws:sagemaker/model:Model":
      return `arn:aws:sagemaker:${region}:${acct}:model/${name.toLowerCase()}`;
    case "aws:sagemaker/endpointConfiguration:EndpointConfiguration":
      return `arn:aws:sagemaker:${region}:${acct}:endpoint-config/${name.toLowerCase()}`;
    case "aws:sagemaker/endpoint:Endpoint":
      return `arn:aws:sagemaker:${region}:${acct}:endpoint/${name.toLowerCase()}`;
    case "aws:sagemaker/domain:Domain":
      return `arn:aws:sagemaker:${region}:${acct}:domain/${id}`;
    default: {
      const ec2 = EC2_ID_PREFIX[type];
      const kind = (type.split(":")[2] ?? "resource").toLowerCase();
      if (ec2) return `arn:aws:ec2:${region}:${acct}:${kind}/${id}`;
      return `arn:aws:${serviceOf(type)}:${region}:${acct}:${kind}/${name}`;
    }
  }
}

/** Properties that hold a resource's physical name, by type; `name` otherwise. */
const NAME_PROPERTY: Record<string, string> = {
  "aws:s3/bucket:Bucket": "bucket",
  "aws:s3/bucketV2:BucketV2": "bucket",
  "aws:redshift/cluster:Cluster": "clusterIdentifier",
  "aws:elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
  "aws:sagemaker/featureGroup:FeatureGroup": "featureGroupName",
  "aws:sagemaker/modelPackageGroup:ModelPackageGroup": "modelPackageGroupName",
  "aws:sagemaker/pipeline:Pipeline": "pipelineName",
  "aws:sagemaker/domain:Domain": "domainName",
  "aws:redshiftserverless/namespace:Namespace": "namespaceName",
  "aws:redshiftserverless/workgroup:Workgroup": "workgroupName",
};

/** What a region-scoped provider reference resolves to, for ARNs and `getRegion` calls. */
export interface ProviderRegions {
  regionOf(providerRef: string | undefined): string;
}

/**
 * Answers resource registrations the way AWS would where programs depend on it: physical names
 * (auto-named like Pulumi does), ids with the right prefixes, ARNs, and per-type attributes.
 */
export function mockResourceState(
  args: pulumi.runtime.MockResourceArgs,
  urn: string,
  regions: ProviderRegions,
): { id: string; state: Record<string, unknown> } {
  const inputs = (args.inputs ?? {}) as Record<string, unknown>;
  const type = args.type;
  if (type.startsWith("pulumi:providers:")) {
    return { id: hex(urn, 8) + "-" + hex(urn + "p", 4), state: { ...inputs } };
  }
  const region = regions.regionOf(args.provider);
  const nameKey = NAME_PROPERTY[type] ?? "name";
  const given = inputs[nameKey];
  const prefix = inputs.namePrefix;
  // `namePrefix` gets a unique suffix, as AWS does (26 characters for most services).
  let physical =
    typeof given === "string"
      ? given
      : typeof prefix === "string"
        ? `${prefix}${hex(urn, 26)}`
        : autoName(args.name, urn);
  if (type === "aws:s3/bucket:Bucket" || type === "aws:s3/bucketV2:BucketV2")
    physical = physical.toLowerCase();
  const ec2 = EC2_ID_PREFIX[type];
  let id = ec2 ? `${ec2}-${hex(urn, 17)}` : physical;
  if (type === "aws:emr/cluster:Cluster") id = `j-${hex(urn, 13).toUpperCase()}`;
  if (type === "aws:emrserverless/application:Application") id = `00${hex(urn, 14)}`;
  if (type === "aws:sagemaker/domain:Domain") id = `d-${hex(urn, 12)}`;
  if (type === "aws:cloudfront/distribution:Distribution") id = `E${hex(urn, 13).toUpperCase()}`;
  if (type === "aws:kms/key:Key" || type === "aws:kms/replicaKey:ReplicaKey") {
    const h = hex(urn, 32);
    id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }
  if (type === "aws:kms/alias:Alias" && typeof inputs.name !== "string") physical = `alias/${physical}`;
  const arn = arnFor(type, physical, region, id);
  const state: Record<string, unknown> = { ...inputs, [nameKey]: physical, arn };
  switch (type) {
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      Object.assign(state, {
        bucketDomainName: `${physical}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${physical}.s3.${region}.amazonaws.com`,
        region,
      });
      break;
    case "aws:kms/key:Key":
    case "aws:kms/replicaKey:ReplicaKey":
      state.keyId = id;
      break;
    case "aws:kms/alias:Alias":
      state.targetKeyArn = inputs.targetKeyId;
      break;
    case "aws:ec2/vpc:Vpc":
      Object.assign(state, {
        defaultSecurityGroupId: `sg-${hex(urn + "sg", 17)}`,
        defaultRouteTableId: `rtb-${hex(urn + "rt", 17)}`,
        mainRouteTableId: `rtb-${hex(urn + "rt", 17)}`,
        defaultNetworkAclId: `acl-${hex(urn + "acl", 17)}`,
      });
      break;
    case "aws:iam/role:Role":
      state.uniqueId = `AROA${hex(urn, 17).toUpperCase()}`;
      break;
    case "aws:ec2/eip:Eip":
      state.allocationId = id;
      break;
    case "aws:guardduty/detector:Detector":
      id = hex(urn, 32);
      Object.assign(state, {
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:guardduty:${region}:${MOCK_ACCOUNT_ID}:detector/${id}`,
      });
      break;
    case "aws:lambda/function:Function":
      Object.assign(state, {
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        qualifiedArn: `${arn}:$LATEST`,
        version: "$LATEST",
      });
      break;
    case "aws:dynamodb/table:Table":
      state.streamArn = `${arn}/stream/2026-01-01T00:00:00.000`;
      break;
    case "aws:sqs/queue:Queue":
      state.url = `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${physical}`;
      break;
    case "aws:cloudtrail/trail:Trail":
      state.homeRegion = region;
      break;
    case "aws:redshift/cluster:Cluster":
      Object.assign(state, {
        endpoint: `${physical}.${hex(urn, 12)}.${region}.redshift.amazonaws.com:5439`,
        ...(inputs.manageMasterPassword
          ? {
              masterPasswordSecretArn: `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:redshift!${physical}-admin-${hex(urn, 6)}`,
            }
          : {}),
      });
      break;
    case "aws:cloudfront/distribution:Distribution":
      state.domainName = `d${hex(urn, 13)}.cloudfront.net`;
      break;
    case "aws:ecr/repository:Repository":
      state.repositoryUrl = `${MOCK_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${physical}`;
      break;
    case "awsx:ecr:Image":
      state.imageUri = `${String(inputs.repositoryUrl)}@sha256:${hex(urn, 64)}`;
      break;
    case "awsx:lb:ApplicationLoadBalancer": {
      // awsx components are one resource under mocks: answer the outputs their consumers read.
      const lbId = hex(urn, 16);
      const tgName = `${physical.slice(0, 28)}-tg`;
      const tgId = hex(urn + "tg", 16);
      Object.assign(state, {
        loadBalancer: {
          arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT_ID}:loadbalancer/app/${physical}/${lbId}`,
          arnSuffix: `app/${physical}/${lbId}`,
          dnsName: `${physical}-${parseInt(lbId.slice(0, 8), 16)}.${region}.elb.amazonaws.com`,
          zoneId: "Z35SXDOTRQ7X7K",
        },
        defaultTargetGroup: {
          arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT_ID}:targetgroup/${tgName}/${tgId}`,
          arnSuffix: `targetgroup/${tgName}/${tgId}`,
        },
        // The listeners awsx creates, in the order of `listeners` (one HTTP listener on 80 without any).
        listeners: ((inputs.listeners as { port?: number }[] | undefined) ?? [{ port: 80 }]).map((l, i) => ({
          arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT_ID}:listener/app/${physical}/${lbId}/${hex(urn + "listener" + i, 16)}`,
          port: l.port ?? 80,
        })),
      });
      break;
    }
    case "aws:redshiftserverless/namespace:Namespace":
      if (inputs.manageAdminPassword)
        state.adminPasswordSecretArn = `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:redshift!${physical}-admin-${hex(urn, 6)}`;
      break;
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      Object.assign(state, {
        primaryEndpointAddress: `master.${physical}.${hex(urn, 6)}.use1.cache.amazonaws.com`,
        readerEndpointAddress: `replica.${physical}.${hex(urn, 6)}.use1.cache.amazonaws.com`,
      });
      break;
    case "random:index/randomPassword:RandomPassword":
      // A deterministic stand-in with the requested length (the real value is generated by the provider).
      state.result = hex(urn, Number(inputs.length ?? 32));
      break;
    case "aws:redshiftserverless/workgroup:Workgroup":
      state.endpoints = [
        {
          address: `${physical}.${MOCK_ACCOUNT_ID}.${region}.redshift-serverless.amazonaws.com`,
          port: 5439,
          vpcEndpoints: [],
        },
      ];
      break;
  }
  return { id, state };
}

type Statement = {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  notPrincipals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
};

const one = (xs: string[]): string | string[] => (xs.length === 1 ? xs[0] : xs);

/** Renders `aws.iam.getPolicyDocument` inputs to the JSON IAM would see (as the provider does). */
export function renderPolicyDocument(inputs: { version?: string; statements?: Statement[] }): string {
  const principalBlock = (ps: NonNullable<Statement["principals"]>) => {
    if (
      ps.length === 1 &&
      ps[0].type === "*" &&
      ps[0].identifiers.length === 1 &&
      ps[0].identifiers[0] === "*"
    ) {
      return "*";
    }
    const out: Record<string, string | string[]> = {};
    for (const p of ps) out[p.type] = one([...(out[p.type] ? [out[p.type]].flat() : []), ...p.identifiers]);
    return out;
  };
  const statements = (inputs.statements ?? []).map((s) => {
    const st: Record<string, unknown> = {};
    if (s.sid) st.Sid = s.sid;
    st.Effect = s.effect ?? "Allow";
    if (s.actions?.length) st.Action = one(s.actions);
    if (s.notActions?.length) st.NotAction = one(s.notActions);
    if (s.resources?.length) st.Resource = one(s.resources);
    if (s.notResources?.length) st.NotResource = one(s.notResources);
    if (s.principals?.length) st.Principal = principalBlock(s.principals);
    if (s.notPrincipals?.length) st.NotPrincipal = principalBlock(s.notPrincipals);
    if (s.conditions?.length) {
      const cond: Record<string, Record<string, string | string[]>> = {};
      for (const c of s.conditions) (cond[c.test] ??= {})[c.variable] = one(c.values);
      st.Condition = cond;
    }
    return st;
  });
  return JSON.stringify({ Version: inputs.version ?? "2012-10-17", Statement: statements }, null, 2);
}

/** Framework images (scikit-learn, XGBoost) are published from these accounts (per region). */
const FRAMEWORK_IMAGE_REGISTRIES: Readonly<Record<string, string>> = {
  "us-east-1": "683313688378",
  "us-east-2": "257758044811",
  "us-west-1": "746614075791",
  "us-west-2": "246618743249",
  "eu-west-1": "141502667606",
  "eu-west-2": "764974769150",
  "eu-central-1": "492215442770",
  "ap-northeast-1": "354813040037",
  "ap-southeast-1": "121021644041",
  "ap-southeast-2": "783357654285",
};

/** Registry accounts of the prebuilt SageMaker images the programs look up, by repository. */
export const SAGEMAKER_IMAGE_REGISTRIES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "sagemaker-xgboost": FRAMEWORK_IMAGE_REGISTRIES,
  "sagemaker-scikit-learn": FRAMEWORK_IMAGE_REGISTRIES,
};

/** Answers provider function calls; an unknown token is an error that names it. */
export function mockCall(
  args: pulumi.runtime.MockCallArgs,
  regions: ProviderRegions,
): Record<string, unknown> {
  const region = regions.regionOf(args.provider);
  const inputs = (args.inputs ?? {}) as Record<string, unknown>;
  switch (args.token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/offline-plan`,
        userId: "AROAOFFLINEPLAN",
        id: MOCK_ACCOUNT_ID,
      };
    case "aws:index/getRegion:getRegion":
      return {
        name: region,
        region,
        id: region,
        endpoint: `ec2.${region}.amazonaws.com`,
        description: region,
      };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      const letters = ["a", "b", "c", "d", "e", "f"];
      return {
        names: letters.map((l) => `${region}${l}`),
        zoneIds: letters.map((_, i) => `${region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`),
        id: region,
        state: inputs.state,
      };
    }
    case "aws:iam/getPolicyDocument:getPolicyDocument": {
      const json = renderPolicyDocument(inputs as never);
      return { json, minifiedJson: JSON.stringify(JSON.parse(json)), id: hex(json, 10) };
    }
    case "aws:iam/getSessionContext:getSessionContext": {
      // An assumed-role session ARN names its role; any other ARN is its own issuer.
      const arn = String(inputs.arn);
      const m = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
      return m
        ? {
            arn,
            issuerArn: `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`,
            issuerName: m[3],
            sessionName: m[4],
            id: arn,
          }
        : { arn, issuerArn: arn, issuerName: arn.split("/").pop(), id: arn };
    }
    case "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage": {
      // The provider's table of AWS registries that publish SageMaker's prebuilt images.
      const repository = String(inputs.repositoryName);
      const registries = SAGEMAKER_IMAGE_REGISTRIES[repository];
      const r = typeof inputs.region === "string" ? inputs.region : region;
      const registryId = registries?.[r];
      if (!registryId) {
        throw new Error(
          `getPrebuiltEcrImage: no registry for repository ${repository} in ${r} (harness/mocks.ts)`,
        );
      }
      const tag = typeof inputs.imageTag === "string" ? inputs.imageTag : "latest";
      const dnsSuffix = typeof inputs.dnsSuffix === "string" ? inputs.dnsSuffix : "amazonaws.com";
      return {
        id: registryId,
        registryId,
        region: r,
        repositoryName: repository,
        imageTag: tag,
        dnsSuffix,
        registryPath: `${registryId}.dkr.ecr.${r}.${dnsSuffix}/${repository}:${tag}`,
      };
    }
    case "aws:ec2/getManagedPrefixList:getManagedPrefixList": {
      // AWS-managed lists (e.g. com.amazonaws.global.cloudfront.origin-facing) have one id per region.
      const name = String(inputs.name);
      return {
        id: `pl-${hex(`${region}/${name}`, 8)}`,
        name,
        arn: `arn:aws:ec2:${region}:aws:prefix-list/pl-${hex(`${region}/${name}`, 8)}`,
        addressFamily: "IPv4",
        maxEntries: 55,
        ownerId: "AWS",
        entries: [],
      };
    }
    case "aws:elb/getServiceAccount:getServiceAccount":
      return { arn: "arn:aws:iam::127311923021:root", id: "127311923021" };
    default:
      throw new Error(
        `offline plan has no answer for the provider function ${args.token}: add it to harness/mocks.ts`,
      );
  }
}

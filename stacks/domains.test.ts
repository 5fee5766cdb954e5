import { planFor, planOf, resourcesOf } from "../harness/testing";
import { rawColumns } from "../components/streaming/lakeTables";

type Outputs = {
  kmsKeyArns: Record<string, string>;
  kmsReplicaKeyArns?: Record<string, string>;
  subnetIds: { private: string[] };
  securityGroupIds: { lambda: string };
  lake: { kmsKeyArn: string; buckets: { raw: { name: string; arn: string } } };
  drRegion: string;
  logRetentionDays: number;
};

/** Prod shards: clickstream 5,000 records/s (5 by records), orders 800 × 2 KB/s = 1.6 MB/s (2 by bytes). */
const DOMAINS = {
  clickstream: { prodShards: 5, hashKey: "pk", column: "eventid" },
  orders: { prodShards: 2, hashKey: "orderId", column: "orderid" },
} as const;

describe.each(["dev", "prod"])("domain stacks (%s)", (stack) => {
  describe.each(Object.keys(DOMAINS) as (keyof typeof DOMAINS)[])("%s", (domain) => {
    const load = async () => {
      const plans = await planFor(stack);
      return {
        plan: planOf(plans, domain),
        platform: planOf(plans, "data-platform").outputs as unknown as Outputs,
      };
    };

    it("reads the platform of the same environment", async () => {
      const { plan } = await load();
      expect(plan.references).toEqual([`data-platform/${stack}`]);
    });

    it("encrypts its stream, tables and logs with the platform's keys", async () => {
      const { plan, platform } = await load();
      const [stream] = resourcesOf(plan, "aws:kinesis/stream:Stream");
      expect(stream.inputs.kmsKeyId).toBe(platform.kmsKeyArns.streaming);
      for (const t of resourcesOf(plan, "aws:dynamodb/table:Table")) {
        expect(t.inputs.serverSideEncryption).toEqual({
          enabled: true,
          kmsKeyArn: platform.kmsKeyArns.streaming,
        });
      }
      const pipelineLogs = resourcesOf(plan, "aws:cloudwatch/logGroup:LogGroup").filter((g) =>
        g.urn.includes("dataplatform:streaming:Pipeline"),
      );
      // Processor and delivery, and the window aggregator's unless Flink SQL writes the windows.
      const aggregators = resourcesOf(plan, "aws:lambda/function:Function").filter((f) =>
        f.urn.endsWith("-aggregator"),
      );
      expect(pipelineLogs.length).toBeGreaterThanOrEqual(2 + aggregators.length);
      for (const g of pipelineLogs) {
        expect(g.inputs.kmsKeyId).toBe(platform.kmsKeyArns.logs);
        expect(g.inputs.retentionInDays).toBe(platform.logRetentionDays);
      }
    });

    it("runs its functions in the platform's private subnets with the Lambda security group", async () => {
      const { plan, platform } = await load();
      for (const fn of resourcesOf(plan, "aws:lambda/function:Function")) {
        expect(fn.inputs.vpcConfig).toEqual({
          subnetIds: platform.subnetIds.private,
          securityGroupIds: [platform.securityGroupIds.lambda],
        });
      }
    });

    it("delivers raw events into the platform's raw zone with the lake key", async () => {
      const { plan, platform } = await load();
      const [firehose] = resourcesOf(plan, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream");
      const s3 = firehose.inputs.extendedS3Configuration as {
        bucketArn: string;
        kmsKeyArn: string;
        prefix: string;
      };
      expect(s3.bucketArn).toBe(platform.lake.buckets.raw.arn);
      expect(s3.kmsKeyArn).toBe(platform.lake.kmsKeyArn);
      expect(s3.prefix.startsWith(`${domain}/year=`)).toBe(true);
      const processor = resourcesOf(plan, "aws:lambda/function:Function").find((f) =>
        f.urn.endsWith(`${domain}-processor`),
      )!;
      const vars = (processor.inputs.environment as { variables: Record<string, string> }).variables;
      expect(vars.DEAD_LETTER_BUCKET).toBe(platform.lake.buckets.raw.name);
      expect(vars.DATA_PRODUCT).toBe(domain);
    });

    it("sizes the stream from the declared peak in prod and uses on-demand in dev", async () => {
      const { plan } = await load();
      const [stream] = resourcesOf(plan, "aws:kinesis/stream:Stream");
      if (stack === "prod") {
        expect(stream.inputs.streamModeDetails).toEqual({ streamMode: "PROVISIONED" });
        expect(stream.inputs.shardCount).toBe(DOMAINS[domain].prodShards);
        expect(stream.inputs.retentionPeriod).toBe(168);
      } else {
        expect(stream.inputs.streamModeDetails).toEqual({ streamMode: "ON_DEMAND" });
        expect(stream.inputs.retentionPeriod).toBe(24);
      }
    });

    it("replicates the serving table to the DR region with the replica key in prod only", async () => {
      const { plan, platform } = await load();
      const table = resourcesOf(plan, "aws:dynamodb/table:Table").find((t) =>
        t.urn.endsWith(`${domain}-table`),
      )!;
      expect(table.inputs.hashKey).toBe(DOMAINS[domain].hashKey);
      if (stack === "prod") {
        expect(table.inputs.replicas).toEqual([
          expect.objectContaining({
            regionName: platform.drRegion,
            kmsKeyArn: platform.kmsReplicaKeyArns!.streaming,
          }),
        ]);
      } else {
        expect(table.inputs.replicas).toBeUndefined();
      }
    });

    it("catalogs the raw events with partition projection and the schema's columns", async () => {
      const { plan, platform } = await load();
      // The raw table (orders also catalogues its processed events: components/orchestration/dataProduct.ts).
      const table = resourcesOf(plan, "aws:glue/catalogTable:CatalogTable").find((t) =>
        t.urn.endsWith(`::${domain}-raw-events-table`),
      )!;
      const params = table.inputs.parameters as Record<string, string>;
      expect(params["projection.enabled"]).toBe("true");
      expect(params["storage.location.template"]).toBe(
        `s3://${platform.lake.buckets.raw.name}/${domain}/year=\${year}/month=\${month}/day=\${day}/hour=\${hour}/`,
      );
      const columns = (table.inputs.storageDescriptor as { columns: { name: string; type: string }[] })
        .columns;
      expect(columns.map((c) => c.name)).toEqual(rawColumns(domain).map((c) => c.name));
      expect(columns.map((c) => c.name)).toContain(DOMAINS[domain].column);
    });
  });
});

it("derives Glue types from the data product's schema", () => {
  const byName = Object.fromEntries(rawColumns("orders").map((c) => [c.name, c.type]));
  expect(byName.orderid).toBe("string");
  expect(byName.total).toBe("double");
  expect(byName.items).toBe("array<struct<sku:string,qty:bigint,price:double,name:string>>");
  expect(byName._meta).toMatch(/^struct<idempotencykey:string,/);
});

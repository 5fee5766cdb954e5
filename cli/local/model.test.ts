import type { ProjectPlan } from "../../harness/evaluate";
import type { PlanStep } from "../../harness/plan";
import { checkWiring, dataPlane, dataProducts, nameFromArn, ON_DEMAND_LOCAL_SHARDS, TYPES } from "./model";

const SIG = "4dabf18193072939515e22adb298388d";
const ARN = "arn:aws:%s:us-east-1:123456789012:";

function step(type: string, name: string, id: string, inputs: Record<string, unknown>): PlanStep {
  const urn = `urn:pulumi:local::shop::${type}::${name}`;
  return {
    op: "create",
    urn,
    newState: { urn, type, custom: true, id, inputs, dependencies: [], propertyDependencies: {} },
  };
}

const code = {
  [SIG]: "0def7320c3a5731c473e5ecbe6d01bc7",
  assets: {
    "__index.js": { [SIG]: "c44067f5952c0a294b673a41bacd8c17", text: "exports.handler = async () => ({})" },
    "../../node_modules/zod": { [SIG]: "0def7320c3a5731c473e5ecbe6d01bc7", path: "../../node_modules/zod" },
  },
};

function plan(env: Record<string, string>): ProjectPlan {
  const steps = [
    step(TYPES.stream, "orders-stream", "orders-stream-1", {
      streamModeDetails: { streamMode: "ON_DEMAND" },
    }),
    step(TYPES.table, "orders-table", "orders-table-1", {
      hashKey: "orderId",
      attributes: [{ name: "orderId", type: "S" }],
    }),
    step(TYPES.bucket, "raw", "raw-1", {}),
    step(TYPES.delivery, "orders-delivery", "orders-delivery-1", {
      extendedS3Configuration: {
        bucketArn: "arn:aws:s3:::raw-1",
        prefix: "orders/",
        bufferingInterval: 60,
        bufferingSize: 64,
        compressionFormat: "GZIP",
      },
    }),
    step(TYPES.function, "orders-processor", "orders-processor-1", {
      handler: "__index.handler",
      timeout: 60,
      code,
      environment: { variables: env },
    }),
    step(TYPES.mapping, "orders-source", "uuid-1", {
      eventSourceArn: `${ARN.replace("%s", "kinesis")}stream/orders-stream-1`,
      functionName: `${ARN.replace("%s", "lambda")}function:orders-processor-1`,
      startingPosition: "TRIM_HORIZON",
      batchSize: 100,
      functionResponseTypes: ["ReportBatchItemFailures"],
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 5,
      destinationConfig: { onFailure: { destinationArn: "arn:aws:s3:::raw-1" } },
    }),
  ];
  return {
    project: {
      name: "shop",
      dir: "/repo/stacks/shop",
      main: "/repo/stacks/shop/index.ts",
      file: "/repo/stacks/shop/Pulumi.yaml",
    },
    stack: "local",
    document: { steps, changeSummary: {} },
    outputs: {},
    references: [],
    durationMs: 0,
  };
}

const goodEnv = {
  DATA_PRODUCT: "orders",
  TABLE_NAME: "orders-table-1",
  DELIVERY_STREAM_NAME: "orders-delivery-1",
  DEAD_LETTER_BUCKET: "raw-1",
};

describe("the data plane read from a plan", () => {
  it("finds streams, tables, functions with their package, mappings and delivery streams by type", () => {
    const plane = dataPlane([plan(goodEnv)]);
    expect(plane.streams).toMatchObject([
      { name: "orders-stream-1", shards: ON_DEMAND_LOCAL_SHARDS, mode: "ON_DEMAND" },
    ]);
    expect(plane.functions[0].code).toEqual({
      "__index.js": { text: "exports.handler = async () => ({})" },
      "../../node_modules/zod": { path: "../../node_modules/zod" },
    });
    expect(plane.mappings[0]).toMatchObject({
      streamName: "orders-stream-1",
      functionName: "orders-processor-1",
      reportBatchItemFailures: true,
      bisectOnError: true,
      maximumRetryAttempts: 5,
      maximumRecordAgeSeconds: -1,
      onFailureArn: "arn:aws:s3:::raw-1",
    });
    const [product] = dataProducts(plane);
    expect(product).toMatchObject({
      domain: "shop",
      product: "orders",
      table: "orders-table-1",
      deadLetterBucket: "raw-1",
    });
    expect(product.deliveryStream?.name).toBe("orders-delivery-1");
    expect(checkWiring(plane)).toEqual([]);
  });

  it("lists a name a function is wired to that the plan does not create", () => {
    const problems = checkWiring(dataPlane([plan({ ...goodEnv, TABLE_NAME: "orders-tabel-1" })]));
    expect(problems).toEqual([
      expect.stringContaining('TABLE_NAME = "orders-tabel-1", a table no project creates'),
    ]);
  });

  it("reads the stream behind an enhanced fan-out consumer", () => {
    const p = plan(goodEnv);
    const steps = p.document.steps.map((st) =>
      st.newState.type === TYPES.mapping
        ? {
            ...st,
            newState: {
              ...st.newState,
              inputs: {
                ...st.newState.inputs,
                eventSourceArn: `${ARN.replace("%s", "kinesis")}stream/consumer/orders-consumer-1`,
              },
            },
          }
        : st,
    );
    steps.push(
      step(TYPES.consumer, "orders-consumer", "orders-consumer-1", {
        streamArn: `${ARN.replace("%s", "kinesis")}stream/orders-stream-1`,
      }),
    );
    const plane = dataPlane([{ ...p, document: { ...p.document, steps } }]);
    expect(plane.mappings[0].streamName).toBe("orders-stream-1");
    expect(dataProducts(plane)).toHaveLength(1);
  });

  it("reads names out of ARNs", () => {
    expect(nameFromArn("arn:aws:s3:::raw-1")).toBe("raw-1");
    expect(nameFromArn("arn:aws:lambda:us-east-1:1:function:f-1")).toBe("f-1");
    expect(nameFromArn("arn:aws:kinesis:us-east-1:1:stream/s-1")).toBe("s-1");
  });
});

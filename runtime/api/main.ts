import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import Redis from "ioredis";
import { jwtAuthorizer } from "./auth";
import { cachedItems } from "./cache";
import { readApiConfig, type ApiConfig } from "./config";
import { itemsPort, predictPort } from "./ports";
import { kinesisPort } from "./putRecords";
import { buildApiServer } from "./server";

/** Seconds between failing readiness and closing (the load balancer's deregistration delay). */
const DRAIN_SECONDS = Number(process.env.DRAIN_SECONDS ?? 15);

/**
 * Builds the service from a configuration with real SDK clients (credentials and region from the
 * standard chain: the ECS task role in AWS, the emulators' variables locally).
 *
 * @example
 * const app = createApi(readApiConfig(process.env));
 * await app.listen({ port: 8080, host: "0.0.0.0" });
 */
export function createApi(config: ApiConfig, options: { writeMetrics?: (line: string) => void } = {}) {
  // Kinesis over HTTP/1.1: the SDK's default handler fails against kinesalite (HTTP/2 errors).
  const handler = new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 64 } });
  const kinesis = new KinesisClient({ requestHandler: handler });
  const dynamodb = new DynamoDBClient({});
  const hasEndpoints = Object.values(config.domains).some((d) => d.endpointName);
  const c = config.cache;
  const redis = c
    ? new Redis({
        host: c.host,
        port: c.port,
        password: c.authToken,
        ...(c.tls ? { tls: {} } : {}),
        // A slow or absent cache must not hold requests: fail fast and read DynamoDB.
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout: 2_000,
      })
    : undefined;
  redis?.on("error", () => undefined); // counted per request by cachedItems
  const items = redis
    ? cachedItems(itemsPort(dynamodb), redis, { ttlSeconds: c!.ttlSeconds })
    : itemsPort(dynamodb);
  const app = buildApiServer({
    config,
    authorizer: jwtAuthorizer(config.auth),
    kinesis: kinesisPort(kinesis),
    items,
    predict: hasEndpoints ? predictPort(new SageMakerRuntimeClient({})) : undefined,
    writeMetrics: options.writeMetrics,
  });
  app.addHook("onClose", async () => {
    kinesis.destroy();
    dynamodb.destroy();
    redis?.disconnect();
  });
  return app;
}

async function main(): Promise<void> {
  const config = readApiConfig(process.env);
  const app = createApi(config);
  await app.listen({ port: config.port, host: config.host });
  const stop = () => {
    app.setDraining();
    app.log.info({ drainSeconds: DRAIN_SECONDS }, "draining");
    setTimeout(() => void app.close().then(() => process.exit(0)), DRAIN_SECONDS * 1000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${JSON.stringify({ level: "fatal", message: String(err?.message ?? err) })}\n`);
    process.exit(1);
  });
}

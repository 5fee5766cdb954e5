import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import Redis from "ioredis";
import { jwtAuthorizer } from "./auth";
import { cachedItems } from "./cache";
import { backendHttpHandler, redisOptions } from "./clients";
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
  // One handler per client: HTTP/1.1, keep-alive agents for HTTPS and HTTP, per-attempt timeouts.
  const kinesis = new KinesisClient({ requestHandler: backendHttpHandler() });
  const dynamodb = new DynamoDBClient({ requestHandler: backendHttpHandler() });
  const hasEndpoints = Object.values(config.domains).some((d) => d.endpointName);
  // Inference may legitimately take long: one attempt may use the whole predict budget.
  const sagemaker = hasEndpoints
    ? new SageMakerRuntimeClient({
        requestHandler: backendHttpHandler({ attemptTimeoutMs: config.predictBudgetMs }),
      })
    : undefined;
  const c = config.cache;
  const redis = c ? new Redis(redisOptions(c)) : undefined;
  redis?.on("error", () => undefined); // counted per request by cachedItems
  const items = redis
    ? cachedItems(itemsPort(dynamodb), redis, { ttlSeconds: c!.ttlSeconds })
    : itemsPort(dynamodb);
  const app = buildApiServer({
    config,
    authorizer: jwtAuthorizer(config.auth),
    kinesis: kinesisPort(kinesis),
    items,
    predict: sagemaker ? predictPort(sagemaker) : undefined,
    writeMetrics: options.writeMetrics,
  });
  app.addHook("onClose", async () => {
    kinesis.destroy();
    dynamodb.destroy();
    sagemaker?.destroy();
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

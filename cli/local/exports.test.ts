/**
 * The exports `npm start -- --keep` prints are what the AWS SDK for JavaScript v3 reads: a client
 * built with no endpoint in code reaches the endpoint from the environment (checked against a
 * loopback server standing in for the emulators).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { shellEnvironment } from "./emulators";

describe("the exports printed for a kept local platform", () => {
  const seen: string[] = [];
  let server: http.Server;
  let url: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.headers["x-amz-target"] ?? req.method} ${req.url}`);
      if (req.headers["x-amz-target"]) {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ TableNames: ["orders-table"] }));
      } else {
        res.writeHead(200, { "content-type": "application/xml" });
        res.end(
          '<?xml version="1.0"?><ListBucketResult><Name>lake</Name><KeyCount>0</KeyCount></ListBucketResult>',
        );
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise((r) => server.close(r));
  });

  it("hold no setting SDK v3 ignores, and the SDK reaches the endpoints they name", async () => {
    const env = shellEnvironment({ kinesis: url, dynamodb: url, s3: url, firehose: url });
    expect(env).not.toHaveProperty("S3_FORCE_PATH_STYLE");
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL_DYNAMODB: url,
      AWS_ENDPOINT_URL_S3: url,
      AWS_REGION: "us-east-1",
    });
    for (const k of Object.keys(process.env)) if (k.startsWith("AWS_")) delete process.env[k];
    Object.assign(process.env, env);

    const dynamodb = new DynamoDBClient({});
    expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual(["orders-table"]);
    // Path-style S3 has no environment variable in v3: `forcePathStyle: true` in code, as printed.
    const s3 = new S3Client({ forcePathStyle: true });
    await s3.send(new ListObjectsV2Command({ Bucket: "lake" }));
    dynamodb.destroy();
    s3.destroy();
    expect(seen).toEqual([
      "DynamoDB_20120810.ListTables /",
      expect.stringMatching(/^GET \/lake\/?\?list-type=2/),
    ]);
  });
});

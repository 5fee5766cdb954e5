import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { capacityPlan } from "./capacity";
import { splitLines } from "./produce";
import { validSamples } from "./sample";

/*
 * The local platform driven through its npm scripts, as a user runs it, on the repository's own
 * projects (the platform and the clickstream and orders domains), with emulators on free ports and
 * state in a temporary folder. Each run evaluates every project offline first.
 */

const ROOT = path.resolve(__dirname, "..", "..");

function npm(args: string[], stateDir: string) {
  return spawnSync("npm", ["run", "--silent", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PLATFORM_LOCAL_STATE_DIR: stateDir },
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe("npm run local / npm start on the repository's domains", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "platform-local-"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("accounts for every line of a file of sampled and malformed records: exact counts, nothing lost", () => {
    // Arrange: 40 valid orders and, between them, 2 not-JSON, 1 binary, 1 schema violation
    // (all ingested, then dead-lettered), 2 empty lines and 1 line over 1 MiB (refused, not sent).
    const sampled = npm(
      ["sample", "--", "--domain", "orders", "--product", "orders", "--count", "40", "--seed", "7"],
      path.join(tmp, "state-sample"),
    );
    expect(sampled.status).toBe(0);
    const valid = sampled.stdout.trim().split("\n");
    expect(valid).toEqual(
      validSamples("orders", 40, 7).map((v) => expect.stringContaining(JSON.parse(v).orderId)),
    );
    expect(new Set(valid).size).toBe(40);
    const lines: Buffer[] = valid.slice(0, 20).map((v) => Buffer.from(v));
    lines.push(
      Buffer.from("{not json"),
      Buffer.from(""),
      Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x0a].slice(0, 4)),
    );
    lines.push(Buffer.from(JSON.stringify({ ...JSON.parse(valid[0]), currency: "euro" })));
    lines.push(Buffer.alloc(1_048_577, "a"), Buffer.from(""), Buffer.from("[1,2"));
    lines.push(...valid.slice(20).map((v) => Buffer.from(v)));
    const file = path.join(tmp, "records.ndjson");
    fs.writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")])));
    expect(splitLines(fs.readFileSync(file))).toHaveLength(47);

    // Act
    const run = npm(
      [
        "local",
        "--",
        "--domain",
        "orders",
        "--product",
        "orders",
        "--file",
        file,
        "--json",
        "--port-base",
        "0",
      ],
      path.join(tmp, "state-local"),
    );

    // Assert
    const out = run.stdout.trim().split("\n");
    const result = JSON.parse(out[out.length - 1]);
    expect({ status: run.status, stderr: run.status === 0 ? "" : run.stderr.slice(-3000) }).toEqual({
      status: 0,
      stderr: "",
    });
    expect(result).toMatchObject({
      domain: "orders",
      product: "orders",
      lines: 47,
      ingested: 44,
      stored: 40,
      deliveredToLake: 40,
      deadLettered: 4,
      refused: 3,
      lost: 0,
      // The binary line is not UTF-8: dead-lettered as such, never stored with U+FFFD (#16, 4.1).
      deadLetterReasons: { "not-json": 2, "not-utf8": 1, "schema-violation": 1 },
    });
    expect(result.refusedLines.map((r: { line: number }) => r.line)).toEqual([22, 25, 26]);
    expect(run.stdout).toMatch(/line 25: not sent — 1,048,577 bytes: over the 1 MiB Kinesis record limit/);
    expect(run.stdout).toMatch(/line 21: dead-lettered — not-json/);
  });

  it("dead-letters an oversized record and one with invalid UTF-8, stores the valid one, and loses nothing", () => {
    // Arrange: one valid clickstream event, one with a 410 KB property, one with invalid UTF-8
    // bytes inside a string value (valid JSON once decoded with replacement characters).
    const [valid, big, bad] = validSamples("clickstream", 3, 11).map((v) => JSON.parse(v));
    const bigLine = JSON.stringify({ ...big, properties: { blob: "a".repeat(410 * 1024) } });
    const badText = JSON.stringify({ ...bad, page: "/caf@@" });
    const at = Buffer.from(badText).indexOf("@@");
    const badLine = Buffer.from(badText);
    badLine[at] = 0xff;
    badLine[at + 1] = 0xfe;
    const file = path.join(tmp, "content.ndjson");
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from(JSON.stringify(valid) + "\n" + bigLine + "\n"), badLine, Buffer.from("\n")]),
    );

    // Act
    const run = npm(
      ["local", "--", "--domain", "clickstream", "--file", file, "--json", "--port-base", "0"],
      path.join(tmp, "state-content"),
    );

    // Assert: the accounting: stored 1, dead-lettered 2 (item-too-large, not-utf8), lost 0,
    // nothing altered.
    const out = run.stdout.trim().split("\n");
    const result = JSON.parse(out[out.length - 1]);
    expect(result).toMatchObject({ ingested: 3, stored: 1, deadLettered: 2, altered: 0, lost: 0 });
    expect(result.deadLetterReasons).toEqual({ "item-too-large": 1, "not-utf8": 1 });
    expect(run.stdout).toMatch(/line 2: dead-lettered — item-too-large/);
    expect(run.stdout).toMatch(/line 3: dead-lettered — not-utf8/);
    expect(run.status).toBe(0);
  });

  it("npm start runs the whole platform end to end and loses nothing", () => {
    const run = npm(["start", "--", "--count", "300", "--port-base", "0"], path.join(tmp, "state-start"));
    expect({ status: run.status, stderr: run.status === 0 ? "" : run.stderr.slice(-3000) }).toEqual({
      status: 0,
      stderr: "",
    });
    expect(run.stdout).toMatch(/orders \/ orders/);
    expect(run.stdout).toMatch(/clickstream \/ clickstream/);
    // 300 valid + 3 malformed ingested per product (the oversized one is refused before Kinesis).
    expect(run.stdout.match(/ingested +303 records \(1 refused before Kinesis\)/g)).toHaveLength(2);
    expect(run.stdout.match(/stored +300 in the serving table/g)).toHaveLength(2);
    expect(run.stdout.match(/dead-lettered +3 /g)).toHaveLength(2);
    expect(run.stdout.match(/lost +0 /g)).toHaveLength(2);
    expect(run.stdout).toMatch(/nothing lost/);
    // The API on the same emulators: a batch with one invalid event in, every valid one read back.
    const output = run.stdout + run.stderr;
    expect(output).toMatch(/API orders: 5 accepted, 1 rejected \(HTTP 207\), 5 read back/);
    expect(output).toMatch(/API clickstream: 5 accepted, 1 rejected \(HTTP 207\), 5 read back/);
    // Without --keep the API has stopped with the run: no curl examples for it, but how to keep it.
    expect(run.stdout).toMatch(
      /^The API \(routes: .*orders.*\) and the emulators stopped with the run\. To keep them running, with the endpoints, exports and curl examples: npm start -- --keep$/m,
    );
    expect(run.stdout).not.toMatch(/^\s*curl -s/m);
  });
});

describe("npm run capacity", () => {
  it("sizes shards from the binding limit and flags what exceeds the reference limits", () => {
    const p = capacityPlan({ recordsPerSecond: 2_500, bytesPerRecord: 320 });
    expect([p.shards, p.binding, p.concurrency, p.writeUnits, p.problems]).toEqual([
      3,
      "records",
      3,
      2_500,
      [],
    ]);
    const big = capacityPlan({ recordsPerSecond: 50_000, bytesPerRecord: 2_000 });
    expect(big.shards).toBe(96); // 100 MB/s over 1 MiB/s per shard beats 50 by records
    expect(big.binding).toBe("bytes");
    expect(big.problems.join("\n")).toMatch(/100,000 WCU exceed the 40,000 per-table limit/);
  });

  it("npm start -- --keep keeps the API running and its printed exports and curl examples work until Ctrl-C", async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "platform-keep-"));
    const child = spawn(
      "npm",
      ["run", "--silent", "start", "--", "--count", "20", "--keep", "--port-base", "0"],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PLATFORM_LOCAL_STATE_DIR: state,
        },
        detached: true,
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    try {
      const deadline = Date.now() + 280_000;
      while (!/^ {2}curl -s .*\/items\//m.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no --keep output:\n${stderr.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const lines = stdout.split("\n").map((l) => l.trim());
      const exports = lines.filter((l) => l.startsWith("export "));
      expect(exports.join("\n")).toMatch(/export AWS_ENDPOINT_URL_DYNAMODB=http:\/\/127\.0\.0\.1:\d+/);
      expect(exports.join("\n")).not.toMatch(/S3_FORCE_PATH_STYLE/);
      expect(stdout).toMatch(/forcePathStyle: true/);
      const [post, get] = lines.filter((l) => l.startsWith("curl "));
      // The printed commands as a user pastes them into a shell: ingest, then read back (once processed).
      const script = `${exports.join("\n")}\n${post}\necho\nfor i in $(seq 1 60); do out=$(${get} -w ' %{http_code}'); case "$out" in *" 200") echo "$out"; exit 0;; esac; sleep 0.5; done; echo "$out"; exit 1`;
      const r = spawnSync("bash", ["-c", script], { encoding: "utf8", timeout: 60_000 });
      expect(r.stdout).toMatch(/"accepted":1/);
      // Read back through the API (an item, or a partition's items for a product keyed by session).
      expect(r.stdout).toMatch(/^\{"items?":[[{].*\} 200$/m);
      expect(r.status).toBe(0);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, "SIGINT");
    }
    await exited;
    // Ctrl-C stops everything: the session lock goes once the emulators have stopped.
    const lock = path.join(state, "session.json");
    for (let i = 0; i < 100 && fs.existsSync(lock); i++) await new Promise((r) => setTimeout(r, 200));
    expect(fs.existsSync(lock)).toBe(false);
  }, 320_000);
});

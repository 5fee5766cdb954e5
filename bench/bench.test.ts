import { spawnSync } from "node:child_process";
import * as path from "node:path";

/*
 * The benchmark is a command users run (`npm run bench`): it must still compile and run every
 * variant on the deployed package after changes elsewhere (after domain discovery it once found no
 * data products and crashed; nothing noticed). Tiny samples: this checks that it runs and reports
 * every variant, never how fast anything is.
 */
const ROOT = path.resolve(__dirname, "..");

describe("npm run bench", () => {
  it("compiles, runs each variant once per product and prints the --json document", () => {
    const r = spawnSync(
      "npm",
      [
        "run",
        "--silent",
        "bench",
        "--",
        "--json",
        "--seconds",
        "0.02",
        "--rounds",
        "1",
        "--warmup",
        "0",
        "--ratios",
        "0",
      ],
      { cwd: ROOT, encoding: "utf8", timeout: 300_000 },
    );
    expect(r.stderr).not.toMatch(/Error|at .*\.js:\d+/);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
      unit: string;
      packageZipBytes: number;
      nodeFlags: string;
      products: Record<string, { results: Record<string, Record<string, number>> }>;
    };
    expect(doc.unit).toBe("records per CPU-second");
    // Each variant runs with the flags Lambda's Node.js bootstrap gives a 512 MB function.
    expect(doc.nodeFlags).toBe("--expose-gc --max-semi-space-size=25 --max-old-space-size=461");
    expect(doc.packageZipBytes).toBeGreaterThan(0);
    expect(doc.packageZipBytes).toBeLessThanOrEqual(512 * 1024);
    expect(Object.keys(doc.products).sort()).toEqual(["clickstream", "orders"]);
    for (const [product, { results }] of Object.entries(doc.products)) {
      const names = Object.keys(results);
      for (const key of [
        /^platform/,
        /^Powertools BatchProcessor/,
        /^hand loop/,
        /^ceiling: base64 \+ JSON\.parse/,
      ])
        expect([product, names.some((n) => key.test(n))]).toEqual([product, true]);
      for (const [variant, cells] of Object.entries(results))
        expect([product, variant, cells["0% invalid"] > 0]).toEqual([product, variant, true]);
    }
  });
});

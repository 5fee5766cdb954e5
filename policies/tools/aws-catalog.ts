/**
 * Derives, from the installed `@pulumi/aws` package, every resource type token and the taggable
 * ones: a type is taggable when its `XxxArgs` interface has a `tags` map input, which is what the
 * provider merges its `defaultTags` into. `npm run policies:catalog` rewrites
 * `tagging/taggable-types.json`; a test fails when the file no longer matches the installed package.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface AwsCatalog {
  readonly awsVersion: string;
  /** Every resource type token, sorted. */
  readonly types: string[];
  /** Tokens whose args take a `tags` map, sorted. */
  readonly taggable: string[];
}

const TOKEN = /__pulumiType = '([^']+)'/;
const TAGS_MAP = /^ {4}tags\?: pulumi\.Input<\{\s*\n\s*\[key: string\]: pulumi\.Input<string>;/m;

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "types" && e.name !== "node_modules") walk(p, out);
    } else if (e.name.endsWith(".js")) out.push(p);
  }
  return out;
}

/** Reads the catalog of the `@pulumi/aws` installed next to this repository. */
export function readAwsCatalog(
  pkgDir = path.dirname(require.resolve("@pulumi/aws/package.json")),
): AwsCatalog {
  const version = (
    JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { version: string }
  ).version;
  const types: string[] = [];
  const taggable: string[] = [];
  for (const js of walk(pkgDir)) {
    const m = TOKEN.exec(fs.readFileSync(js, "utf8"));
    if (!m || m[1].startsWith("pulumi:providers:")) continue;
    types.push(m[1]);
    const dts = js.replace(/\.js$/, ".d.ts");
    if (!fs.existsSync(dts)) continue;
    const text = fs.readFileSync(dts, "utf8");
    const cls = m[1].split(":")[2];
    const start = text.indexOf(`export interface ${cls}Args {`);
    if (start < 0) continue;
    const body = text.slice(start, text.indexOf("\n}", start));
    if (TAGS_MAP.test(body)) taggable.push(m[1]);
  }
  return { awsVersion: version, types: [...new Set(types)].sort(), taggable: [...new Set(taggable)].sort() };
}

export const TAGGABLE_FILE = path.resolve(__dirname, "..", "tagging", "taggable-types.json");

if (require.main === module) {
  const catalog = readAwsCatalog();
  fs.writeFileSync(
    TAGGABLE_FILE,
    JSON.stringify({ awsVersion: catalog.awsVersion, taggable: catalog.taggable }, null, 2) + "\n",
  );
  console.log(
    `${catalog.taggable.length} taggable of ${catalog.types.length} types in @pulumi/aws ${catalog.awsVersion}`,
  );
}

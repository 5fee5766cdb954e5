import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Folders never part of a published pack's content. */
const SKIPPED = new Set(["node_modules", ".git", "bin", "out"]);

/** Every file under `dir` (relative, sorted), skipping `node_modules` and build output. */
export function contentFiles(dir: string, rel = ""): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .filter((e) => !SKIPPED.has(e.name))
    .flatMap((e) => {
      const child = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? contentFiles(dir, child) : e.isFile() ? [child] : [];
    })
    .sort();
}

/**
 * A SHA-256 (hex) over the named files and folders under `root` (paths relative to it, folders
 * walked as `contentFiles` does): every file's path and bytes, in sorted order. Missing paths are an
 * error naming them.
 */
export function contentHash(root: string, paths: readonly string[]): string {
  const hash = createHash("sha256");
  const files = paths
    .flatMap((p) => {
      const full = path.join(root, p);
      if (!fs.existsSync(full)) throw new Error(`contentHash: ${p} does not exist under ${root}`);
      return fs.statSync(full).isDirectory() ? contentFiles(full).map((f) => `${p}/${f}`) : [p];
    })
    .sort();
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(root, file)))
      .update("\0");
  return hash.digest("hex");
}

/**
 * A version tag that changes with the folder's content: `<version>-<first 12 hex of a SHA-256 over
 * every file's path and bytes>`, e.g. `0.1.0-3f2a9c1b7d40`. Pulumi Cloud policy pack versions are
 * immutable, so content published under an existing tag would be refused; a tag derived from the
 * content publishes a new version exactly when something in the pack changed.
 */
export function contentVersion(dir: string, version: string): string {
  const hash = createHash("sha256");
  for (const file of contentFiles(dir)) {
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(dir, file)))
      .update("\0");
  }
  return `${version}-${hash.digest("hex").slice(0, 12)}`;
}

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigFileError } from "../config/errors";
import { namespaceWarnings, PROGRAM_NAMESPACES, programNamespaceWarnings } from "../config/load";
import { discoverProjects, readYaml, REPO_ROOT, stackConfig } from "../harness/projects";
import { checkStackFiles, knownNamespaces, knownStacks, stackFileWarnings } from "./stackFiles";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stack-files-"));
const write = (name: string, text: string) => {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};

describe("stack files", () => {
  it("names the file, the line and the column of a YAML error, for the offline plan's reader too", () => {
    const dir = path.join(tmp, "proj");
    write("proj/Pulumi.yaml", "name: proj\nruntime: nodejs\n");
    const file = write("proj/Pulumi.dev.yaml", "config:\n  proj:owner: me\n   proj:team: x\n");
    expect(() => readYaml(file)).toThrow(ConfigFileError);
    expect(() => readYaml(file)).toThrow(`${file}:3:13: bad indentation of a mapping entry`);
    // stackConfig is what the evaluation harness feeds a program: same message.
    const [project] = discoverProjects(dir);
    expect(() => stackConfig(project, "dev")).toThrow(`${file}:3:13`);
  });

  it("names an empty stack file, which Pulumi reads as no configuration", () => {
    const file = write("empty/Pulumi.dev.yaml", "# nothing yet\n");
    expect(readYaml(file)).toBeUndefined();
    expect(stackFileWarnings(file, ["empty"])).toEqual([
      `${file} is empty: the stack gets no configuration from it (Pulumi accepts it; was that meant?)`,
    ]);
  });

  it("warns about a key under a misspelt namespace with the file, the line and the likely namespace", () => {
    const file = write(
      "typo/Pulumi.dev.yaml",
      'config:\n  aws:region: us-east-1\n  "data-platfrom:owner": me\n  ordres:owner: x\n  zzz:thing: 1\n',
    );
    expect(stackFileWarnings(file, ["data-platform", "orders", "aws"])).toEqual([
      `${file}:3: data-platfrom:owner: unknown namespace "data-platfrom" — did you mean "data-platform:owner"?`,
      `${file}:4: ordres:owner: unknown namespace "ordres" — did you mean "orders:owner"?`,
      `${file}:5: zzz:thing: unknown namespace "zzz" — no project or provider reads it (known: aws, data-platform, orders)`,
    ]);
  });

  it("suggests the closest namespace only when it is close", () => {
    expect(namespaceWarnings(["clikstream:owner", "aws:region", "plain"], ["clickstream", "aws"])).toEqual([
      'clikstream:owner: unknown namespace "clikstream" — did you mean "clickstream:owner"?',
    ]);
    expect(namespaceWarnings(["gcp:project"], ["clickstream", "aws"])[0]).toMatch(
      /no project or provider reads it/,
    );
  });

  it("finds nothing to warn about in the repository's own stack files", () => {
    expect(knownStacks()).toEqual(expect.arrayContaining(["dev", "local", "prod"]));
    for (const stack of knownStacks()) expect(checkStackFiles(stack)).toEqual([]);
  });

  it("knows every namespace a program of the repository reads with new pulumi.Config(...)", () => {
    const programs = [path.join(REPO_ROOT, "index.ts"), ...discoverProjects().map((p) => p.main)];
    const read = programs.flatMap((f) =>
      [...fs.readFileSync(f, "utf8").matchAll(/new pulumi\.Config\("([^"]+)"\)/g)].map((m) => m[1]),
    );
    expect(read).toEqual(expect.arrayContaining([...PROGRAM_NAMESPACES]));
    const known = knownNamespaces(discoverProjects());
    for (const ns of read) expect(known).toContain(ns);
  });
});

describe("the warning a program itself gives (pulumi preview / up)", () => {
  it("is silent for the configuration every repository project gets, and names a misspelt key", () => {
    for (const project of discoverProjects()) {
      for (const stack of knownStacks()) {
        expect(programNamespaceWarnings(stackConfig(project, stack), project.name)).toEqual([]);
      }
    }
    expect(
      programNamespaceWarnings(
        { "orders:owner": "a", "data-platfrom:owner": "b", "aws:region": "c" },
        "orders",
      ),
    ).toEqual([
      'stack configuration: data-platfrom:owner: unknown namespace "data-platfrom" — did you mean "data-platform:owner"?',
    ]);
  });
});

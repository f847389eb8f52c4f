// Compile TypeScript files with tsc in strict mode, in one program, and print the errors of each file.
//
// Usage: node tsc_check.mjs <tsconfig.json>
// Reply on stdout (JSON): {"version": "<tsc's>", "exitCode": <tsc's>,
//                          "errors": {"<file, relative to the tsconfig's folder>": [{"line", "code", "message"}]}}
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const tsc = fileURLToPath(new URL("./node_modules/typescript/bin/tsc", import.meta.url));
const config = path.resolve(process.argv[2]);
const options = { encoding: "utf8", cwd: path.dirname(config) };
const version = spawnSync(process.execPath, [tsc, "--version"], options).stdout.trim();
const run = spawnSync(process.execPath, [tsc, "-p", config, "--pretty", "false"], options);
const errors = {};
let last = null;
for (const line of (run.stdout + run.stderr).split("\n")) {
  const found = /^(.+)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
  if (found) {
    last = { line: Number(found[2]), code: found[3], message: found[4] };
    (errors[found[1]] ??= []).push(last);
  } else if (last && line.startsWith("  ")) {
    last.message += "\n" + line.trim();
  } else if (line.trim()) {
    (errors[""] ??= []).push({ line: 0, code: "", message: line });
  }
}
process.stdout.write(JSON.stringify({ version, exitCode: run.status, errors }));

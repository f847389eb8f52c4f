// Parse AsyncAPI documents with the official parser (@asyncapi/parser) and print their diagnostics.
//
// Usage: node asyncapi_check.mjs <path of a document>...
// Reply on stdout (JSON), one entry per document, in order:
//   [{"parsed": true|false, "diagnostics": [{"code", "severity", "message", "path"}],
//     "payloads": {"<message id>": "<the schema format the parser read the payload in>"}}]
// Severities: 0 error, 1 warning, 2 information, 3 hint.
import fs from "node:fs";
import path from "node:path";
import { Parser } from "@asyncapi/parser";

const parser = new Parser();
const replies = [];
for (const argument of process.argv.slice(2)) {
  const file = path.resolve(argument);
  const { document, diagnostics } = await parser.parse(fs.readFileSync(file, "utf8"), { source: file });
  const payloads = {};
  if (document) {
    for (const message of document.allMessages()) {
      payloads[message.id()] = message.schemaFormat();
    }
  }
  replies.push({
    parsed: Boolean(document),
    diagnostics: diagnostics.map((d) => ({
      code: String(d.code), severity: d.severity, message: d.message, path: d.path.join("/"),
    })),
    payloads,
  });
}
process.stdout.write(JSON.stringify(replies));

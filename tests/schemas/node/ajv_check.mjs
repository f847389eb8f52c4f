// Compile every published JSON Schema with Ajv (draft 2020-12) in strict mode, and validate documents.
//
// Request on stdin (JSON):
//   {"dir": "<the schemas/ directory>", "cases": [["envelope.json", "<a JSON document as text>"], ...]}
//   The message payloads of <dir>/asyncapi.json are compiled too, with the document's components in reach.
// Reply on stdout (JSON):
//   {"strict": {"<file>": null or "<error>"},            strict: true, allowUnionTypes: true, format decimal added
//    "noUnionTypes": {"<file>": null or "<error>"},      strict: true only
//    "noFormat": {"<file>": null or "<error>"},          strict: true, allowUnionTypes: true, format not added
//    "verdicts": [true, false, ...],                     each case, with the first configuration
//    "asyncapi": {"<message>": {"error": null or "<error>", "examples": [true, ...]}}
// Documents are read with JSON.parse, as a JavaScript program reads them: numbers become doubles.
import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

const SKIPPED_DIRS = new Set(["released", "typescript"]);

function schemaFiles(root, dir = root) {
  const found = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) {
      if (!SKIPPED_DIRS.has(name)) found.push(...schemaFiles(root, full));
    } else if (name.endsWith(".json") && name !== "asyncapi.json") {
      found.push(path.relative(root, full).split(path.sep).join("/"));
    }
  }
  return found;
}

function compileAll(root, files, options, addFormat) {
  const errors = {};
  const validators = {};
  for (const file of files) {
    const ajv = new Ajv2020({ strict: true, allErrors: true, ...options });
    // "decimal" is not a format Ajv knows: the pattern beside it already checks the text.
    if (addFormat) ajv.addFormat("decimal", true);
    try {
      validators[file] = ajv.compile(JSON.parse(fs.readFileSync(path.join(root, file), "utf8")));
      errors[file] = null;
    } catch (error) {
      errors[file] = String(error.message);
    }
  }
  return { errors, validators };
}

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const files = schemaFiles(request.dir);
const strict = compileAll(request.dir, files, { allowUnionTypes: true }, true);
const verdicts = request.cases.map(([file, text]) => {
  const validate = strict.validators[file];
  if (!validate) return `no compiled schema ${file}`;
  return validate(JSON.parse(text));
});
// Each AsyncAPI message payload, as a schema of its own beside the document's components.
const document = JSON.parse(fs.readFileSync(path.join(request.dir, "asyncapi.json"), "utf8"));
const asyncapi = {};
for (const [name, message] of Object.entries(document.components.messages)) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  ajv.addFormat("decimal", true);
  ajv.addKeyword("components"); // where the references point; not a keyword of the payload itself
  try {
    const validate = ajv.compile({ ...message.payload, components: document.components });
    asyncapi[name] = { error: null, examples: message.examples.map((example) => validate(example.payload)) };
  } catch (error) {
    asyncapi[name] = { error: String(error.message), examples: [] };
  }
}
process.stdout.write(JSON.stringify({
  asyncapi,
  strict: strict.errors,
  noUnionTypes: compileAll(request.dir, files, {}, true).errors,
  noFormat: compileAll(request.dir, files, { allowUnionTypes: true }, false).errors,
  verdicts,
}));

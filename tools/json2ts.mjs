// DO NOT run by hand: codegen.py runs it. Reads one JSON Schema on stdin (codegen's flattened
// form: every type under $defs, every $ref local) and writes TypeScript declarations to stdout
// with json-schema-to-typescript (version pinned in package.json). Fixed options: the output
// depends only on the input.
import { compile } from "json-schema-to-typescript";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const schema = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const ts = await compile(schema, schema.title, {
  bannerComment: "",
  additionalProperties: true, // an object without additionalProperties is open (JSON Schema's default)
  declareExternallyReferenced: true,
  unreachableDefinitions: true, // every $defs entry becomes a named type
  strictIndexSignatures: true,
  unknownAny: true,
  enableConstEnums: false,
  inferStringEnumKeysFromValues: false,
  format: true,
  style: { printWidth: 100, singleQuote: false, trailingComma: "all", semi: true },
  $refOptions: { resolve: { external: false, file: false, http: false } },
});
process.stdout.write(ts);

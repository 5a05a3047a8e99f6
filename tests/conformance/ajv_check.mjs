// The conformance vectors through Node's ajv (JSON Schema 2020-12 dialect, with ajv-formats)
// against the published bundle. Prints {id: {valid, errors}} as JSON; tests/test_conformance.py
// compares it with the expected verdicts and with Python's. Usage:
//   node tests/conformance/ajv_check.mjs [vectors.json] [bundle.schema.json]
// Options: strict mode stays on (unknown keywords, formats, ...) except strictTypes, which
// lints `required`/`properties` without a sibling `type: object` (valid JSON Schema, used by the
// per-event branches of message.schema.json); the bundle's `x-*` annotations
// (x-protocol-version, x-directions, ...) are declared as annotation keywords with addKeyword,
// and `unicodeRegExp` (the `u` flag, ECMA-262 semantics as JSON Schema specifies) is ajv's default.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [vectorsPath = "tests/conformance/vectors.json", bundlePath = "generated/neetbox_protocol/schemas/bundle.schema.json"] =
  process.argv.slice(2);
const vectors = JSON.parse(readFileSync(vectorsPath, "utf8")).vectors;
const bundle = JSON.parse(readFileSync(bundlePath, "utf8"));

const xKeywords = new Set();
(function collect(node) {
  if (Array.isArray(node)) return node.forEach(collect);
  if (node && typeof node === "object")
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith("x-")) xKeywords.add(k);
      else collect(v);
    }
})(bundle);

const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true, unicodeRegExp: true });
addFormats(ajv);
for (const k of [...xKeywords].sort()) ajv.addKeyword({ keyword: k, schemaType: ["string", "object", "array", "boolean", "number"] });
ajv.addSchema(bundle);

const base = bundle.$id.replace(/\/[^/]*$/, "");
const message = ajv.getSchema(bundle.$id);
const strict = ajv.getSchema(`${base}/message.schema.json#/$defs/KnownMessage`);
if (!message || !strict) throw new Error("bundle did not compile");

const verdicts = {};
for (const v of vectors) {
  const validate = v.strict ? strict : message;
  const valid = validate(v.message);
  verdicts[v.id] = { valid, errors: valid ? [] : validate.errors.slice(0, 3).map((e) => `${e.instancePath} ${e.message}`) };
}
process.stdout.write(JSON.stringify({ ajv: "2020-12", xKeywords: [...xKeywords].sort(), verdicts }) + "\n");

// The conformance vectors through Node's ajv (JSON Schema 2020-12 dialect, with ajv-formats)
// against the published bundle. Prints {id: {valid, errors}} as JSON; tests/test_conformance.py
// compares it with the expected verdicts and with Python's. Usage:
//   node tests/conformance/ajv_check.mjs [vectors.json] [bundle.schema.json] [strict schema URI]
// (the strict schema defaults to the bundle's KnownMessage; tests/test_published_schemas.py gives
// generators.schema.json and its #/$defs/KnownMessage)
// A stock Ajv2020 of the pinned ajv: no added keyword, vocabulary or format, ajv's own regex
// engine (ECMA-262 RegExp with the `u` flag, `unicodeRegExp`, as JSON Schema specifies), the
// stock formats of ajv-formats. Options: strict mode stays on except
//  - strictSchema, which rejects a keyword ajv does not know: the bundle keeps documentation
//    annotations (x-protocol-version, x-channels, x-directions, ...), which JSON Schema 2020-12
//    says a validator treats as annotations (tests/test_published_schemas.py checks that the published schemas
//    use no other keyword than 2020-12's and those annotations);
//  - strictTypes, which lints `required`/`properties` without a sibling `type: object` (valid
//    JSON Schema, used by the per-event branches of message.schema.json).
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [vectorsPath = "tests/conformance/vectors.json", bundlePath = "generated/neetbox_protocol/schemas/bundle.schema.json", strictUri] =
  process.argv.slice(2);
const vectors = JSON.parse(readFileSync(vectorsPath, "utf8")).vectors;
const bundle = JSON.parse(readFileSync(bundlePath, "utf8"));

const ajv = new Ajv2020({ strict: true, strictSchema: false, strictTypes: false, allErrors: true, unicodeRegExp: true });
addFormats(ajv);
ajv.addSchema(bundle);

const base = bundle.$id.replace(/\/[^/]*$/, "");
const message = ajv.getSchema(bundle.$id);
const strict = ajv.getSchema(strictUri ?? `${base}/message.schema.json#/$defs/KnownMessage`);
if (!message || !strict) throw new Error("bundle did not compile");

const verdicts = {};
for (const v of vectors) {
  const validate = v.strict ? strict : message;
  const valid = validate(v.message);
  verdicts[v.id] = { valid, errors: valid ? [] : validate.errors.slice(0, 3).map((e) => `${e.instancePath} ${e.message}`) };
}
process.stdout.write(JSON.stringify({ ajv: "2020-12", verdicts }) + "\n");

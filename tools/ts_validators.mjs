// DO NOT run by hand: codegen.py runs it (emitters_ts.validators_module). Reads
// {"schemas": [...], "exports": {name: schema uri}} on stdin, compiles every export with ajv
// (version pinned in package.json; JSON Schema 2020-12, strict mode except strictTypes, ECMA-262
// regexes with the `u` flag) and writes ajv's standalone ESM code to stdout: the npm package's
// validators.js, so a browser never compiles a schema. ajv's standalone code `require`s its small
// runtime helpers; they are inlined here (the package has no dependencies), and any other
// `require` fails the generation.
import Ajv2020 from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { schemas, exports } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const ajv = new Ajv2020({
  strict: true, strictTypes: false, allErrors: false, unicodeRegExp: true,
  code: { source: true, esm: true, lines: false, optimize: true },
});
for (const schema of schemas) ajv.addSchema(schema);
let code = standaloneCode(ajv, exports);

const helpers = {
  "ajv/dist/runtime/ucs2length": `function(str) {
  // the length in Unicode code points, as JSON Schema counts minLength/maxLength
  const len = str.length; let length = 0; let pos = 0; let value;
  while (pos < len) { length++; value = str.charCodeAt(pos++); if (value >= 0xd800 && value <= 0xdbff && pos < len) { value = str.charCodeAt(pos); if ((value & 0xfc00) === 0xdc00) pos++; } }
  return length;
}`,
  "ajv/dist/runtime/equal": `function equal(a, b) {
  // JSON-value equality (const/enum of objects and arrays)
  if (a === b) return true;
  if (a && b && typeof a == "object" && typeof b == "object") {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a); const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  }
  return a !== a && b !== b;
}`,
};
code = code.replace(/require\("([^"]+)"\)\.default/g, (whole, mod) => {
  if (!(mod in helpers)) throw new Error(`ajv standalone code requires ${mod}, which ts_validators.mjs does not inline`);
  return `(${helpers[mod]})`;
});
if (/\brequire\(/.test(code)) throw new Error("ajv standalone code still has a require()");
process.stdout.write(code.replace(/^"use strict";/, "") + "\n");

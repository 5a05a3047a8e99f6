// Run by tests/test_typescript.py from the temporary project the packed package is installed
// into: every conformance vector through checkMessage (and parseMessage), every wire vector
// through parseMessage. Prints one JSON document.
// Also every recorded HTTP body through decodeResponse (bodies.json: [{name, body}]).
//   node run_vectors.mjs vectors.json wire.jsonl bodies.json
import { readFileSync } from "node:fs";
import * as P from "neetbox-protocol";

const [vectorsPath, wirePath, bodiesPath] = process.argv.slice(2);
const vectors = JSON.parse(readFileSync(vectorsPath, "utf8")).vectors;
const out = { version: P.PROTOCOL_VERSION, vectors: {}, wire: [], http: [] };
for (const v of vectors) {
  const issues = P.checkMessage(v.message, { strict: !!v.strict });
  let parsed;
  try {
    P.decodeMessage(v.message, { strict: !!v.strict });
    parsed = { ok: true };
  } catch (err) {
    parsed = { ok: false, name: err.name, errors: err.errors };
  }
  out.vectors[v.id] = { valid: issues.length === 0, paths: issues.map((i) => i.path), parsed };
}
for (const line of readFileSync(wirePath, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const row = JSON.parse(line);
  const channel = /\/ws\/server\//.test(row.note) ? "server" : "project";
  try {
    const msg = P.parseMessage(row.frame, { channel });
    const nonFinite = [];
    (function walk(v, path) {
      if (typeof v === "number" && !Number.isFinite(v)) nonFinite.push([path, String(v)]);
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    })(msg.payload, "payload");
    out.wire.push({ seq: row.seq, ok: true, keys: Object.keys(msg), nonFinite, roundTrip: P.checkMessage(JSON.parse(P.stringifyMessage(msg))).length === 0 });
  } catch (err) {
    out.wire.push({ seq: row.seq, ok: false, error: String(err.message) });
  }
}
for (const { name, body } of JSON.parse(readFileSync(bodiesPath, "utf8"))) {
  try {
    const value = P.decodeResponse(name, JSON.parse(body));
    out.http.push({ name, ok: true, rows: Array.isArray(value) ? value.length : 1 });
  } catch (err) {
    out.http.push({ name, ok: false, error: String(err.message) });
  }
}
try {
  P.decodeResponse("ServerVersion", { version: 6 });
  out.httpCanFail = false;
} catch (err) {
  out.httpCanFail = err.name === "ProtocolError";
}
process.stdout.write(JSON.stringify(out) + "\n");

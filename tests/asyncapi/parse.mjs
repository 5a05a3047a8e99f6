// Validates generated/asyncapi.json with @asyncapi/parser (pinned in package.json), resolving
// the payloads' $refs to the published schemas from the file system. Prints one JSON object:
// {errors: [...], warnings: n, channels, operations, messages}; exits 1 on any error-severity
// diagnostic or unresolved payload. Run by tests/test_asyncapi.py.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Parser, fromFile } from "@asyncapi/parser";

const file = resolve(process.argv[2] ?? "generated/asyncapi.json");
const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, file).parse({
  source: pathToFileURL(file).href,
  validateOptions: { allowedSeverity: { error: false, warning: true, info: true, hint: true } },
});
const errors = diagnostics
  .filter((d) => d.severity === 0)
  .map((d) => `${d.code} at ${d.path.join("/")}: ${d.message}`);
const report = { errors, warnings: diagnostics.filter((d) => d.severity === 1).map((d) => `${d.code}: ${d.message}`) };
if (document) {
  report.channels = document.channels().all().map((c) => c.address());
  report.operations = document.operations().all().map((o) => ({
    id: o.id(), action: o.action(), channel: o.channels().all().map((c) => c.address()),
    messages: o.messages().all().map((m) => m.name()), reply: o.reply() ? true : false,
  }));
  report.messages = document.components().messages().all().map((m) => ({
    id: m.id(), name: m.name(), payloadResolved: JSON.stringify(m.payload()?.json() ?? null).includes("\"eventType\""),
  }));
  if (report.messages.some((m) => !m.payloadResolved)) report.errors.push("a message payload did not resolve to the schemas");
} else if (!errors.length) {
  report.errors.push("no document");
}
process.stdout.write(JSON.stringify(report, null, 1) + "\n");
process.exit(report.errors.length ? 1 : 0);

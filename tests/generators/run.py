#!/usr/bin/env python3
"""`make generators`: the published files through the generators other-language clients use.

For each generator (GENERATORS below): generate from the published files with no edit, compile
(tsc --strict, go build, import), decode every wire vector (tests/data/neetbox-0.6.0-wire.jsonl)
and every valid conformance vector into the generated type of its kind, encode it back and compare
as JSON. The only differences allowed are the ones a target cannot avoid, listed per tool in
ALLOWED (and in docs/other-languages.md); where a target validates (pydantic), every invalid
conformance vector must be rejected. Exit 1 on any other difference.

    python tests/generators/run.py [--out build/generators] [--only NAME ...] [--keep-going]

Needs `npm ci` (the pinned generators of package.json), the dev extra (datamodel-code-generator,
pydantic) and Go (`make generators` installs Debian's golang-go when `go` is missing). The Go
code must build with the standard library alone (no module download).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import jsonschema  # noqa: E402

import emitters_generators  # noqa: E402

HERE = Path(__file__).resolve().parent
SCHEMAS = ROOT / "generated" / "neetbox_protocol" / "schemas"
GENERATORS_SCHEMA = SCHEMAS / emitters_generators.FILE
ASYNCAPI = ROOT / "generated" / "asyncapi.json"
OPENAPI = ROOT / "generated" / "openapi.json"
BIN = ROOT / "node_modules" / ".bin"
TWO_53 = 2**53

# The differences a target cannot avoid, per tool: {tool: {name: description}}; compare() names
# each difference it finds, and a name not listed here for the tool fails the run.
FLOAT64 = {"float64": "an integer past 2^53 comes back rounded to a float64 (a JavaScript number, Go's float64)"}
NULL_DEFAULT = {"null-default": "an envelope key whose default is null: absent comes back as null, or null as absent"}
UNKNOWN_KEY = {"unknown-key": "a key the schema does not name (the schemas keep objects open) is dropped: the type is a struct/class of the named keys"}
INTEGRAL_FLOAT = {"integral-float": "an integer written with a fraction (3.0), valid where the schema says integer, is refused by the decoder"}
ALLOWED = {
    "quicktype-ts": FLOAT64,
    "quicktype-go": {**FLOAT64, **NULL_DEFAULT, **UNKNOWN_KEY, **INTEGRAL_FLOAT},
    "quicktype-python": {**NULL_DEFAULT, **UNKNOWN_KEY, **INTEGRAL_FLOAT},
    "datamodel-code-generator": INTEGRAL_FLOAT,
    "json-schema-to-typescript": FLOAT64,
    "openapi-typescript": FLOAT64,
    "modelina": {**FLOAT64, **NULL_DEFAULT},
}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def run(cmd: list[str], cwd: Path, env: dict | None = None, timeout: float = 600) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc.stdout


# --- the cases -----------------------------------------------------------------------------------


def cases() -> tuple[list[dict], list[dict], list[str]]:
    """(valid cases, invalid conformance vectors, kind names). A valid case is {id, kind, text}:
    the JSON text (bare tokens quoted) and the one kind of the generator form that takes it."""
    from support import wire_vectors
    from test_conformance import VECTORS

    doc = json.loads(GENERATORS_SCHEMA.read_text(encoding="utf-8"))
    kinds = emitters_generators.kind_names(doc)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    validators = {k: jsonschema.Draft202012Validator({**doc, "oneOf": [{"$ref": f"#/$defs/{k}"}]}, format_checker=checker) for k in kinds}

    def kind_of(value: object, where: str) -> str:
        hits = [k for k, v in validators.items() if v.is_valid(value)]
        if len(hits) != 1:
            raise SystemExit(f"{where}: taken by {hits or 'no kind'} of {GENERATORS_SCHEMA.name}, not by exactly one")
        return hits[0]

    valid, invalid = [], []
    for w in wire_vectors():
        text = emitters_generators.quote_bare_tokens(w["frame"])
        valid.append({"id": f"wire/{w['seq']}", "kind": kind_of(json.loads(text), f"wire/{w['seq']}"), "text": text})
    for v in VECTORS:
        text = json.dumps(v["message"], ensure_ascii=False)
        if v["valid"]:
            valid.append({"id": v["id"], "kind": kind_of(v["message"], v["id"]), "text": text})
        else:
            invalid.append({"id": v["id"], "strict": bool(v.get("strict")), "text": text})
    return valid, invalid, kinds


# --- comparing -----------------------------------------------------------------------------------


DOC = json.loads(GENERATORS_SCHEMA.read_text(encoding="utf-8"))


def _branches(node: dict) -> list[dict]:
    """A subschema and, through $ref and anyOf/oneOf/allOf, every schema it is made of."""
    if "$ref" in node:
        return _branches(DOC["$defs"][node["$ref"].rsplit("/", 1)[-1]])
    out = [node]
    for key in ("anyOf", "oneOf", "allOf"):
        for b in node.get(key, []):
            out += _branches(b)
    return out


def _object_at(kind: str, path: str) -> list[dict]:
    """The schemas that describe the value at path (``payload.gpus[0]``) of a message of kind."""
    nodes = _branches(DOC["$defs"][kind])
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            nodes = [s for n in nodes if isinstance(n.get("items"), dict) for s in _branches(n["items"])]
        else:
            nodes = [s for n in nodes for sub in [n.get("properties", {}).get(part)] if sub is not None for s in _branches(sub)] or [
                s for n in nodes if isinstance(n.get("additionalProperties"), dict) for s in _branches(n["additionalProperties"])]  # fmt: skip
    return nodes


def _dropped(kind: str, path: str, key: str, value: object) -> str | None:
    """The name of dropping key (with value) from the object at path, where it has one: an unknown
    key, or an empty optional array/object ("omitempty": quicktype's Go tags an optional non-union
    field `omitempty`; listed in ALLOWED for no tool, so a run that drops one fails, naming it)."""
    nodes = _object_at(kind, path)
    declared = {k for n in nodes for k in n.get("properties", {})}
    if key not in declared:
        return "unknown-key"
    required = {k for n in nodes for k in n.get("required", [])}
    if key not in required and value in ([], {}):
        return "omitempty"
    return None


def differences(original: object, back: object, path: str = "", null_defaults: frozenset = frozenset(), kind: str = "") -> list[tuple[str, str]]:
    """(path, name) of each difference between the original JSON value and the re-encoded one;
    name is an ALLOWED key where the difference is one of those, else a description.
    null_defaults: the top-level keys whose schema default is null; kind: the message's kind."""
    if isinstance(original, bool) or isinstance(back, bool):
        return [] if original is back or original == back and type(original) is type(back) else [(path, f"{original!r} -> {back!r}")]
    if isinstance(original, (int, float)) and isinstance(back, (int, float)):
        if original == back:
            return []
        if isinstance(original, int) and abs(original) > TWO_53 and float(original) == back:
            return [(path, "float64")]
        if isinstance(original, float) and isinstance(back, float) and math.isclose(original, back, rel_tol=0, abs_tol=0):
            return []
        return [(path, f"{original!r} -> {back!r}")]
    if isinstance(original, dict) and isinstance(back, dict):
        out = []
        for key in original.keys() | back.keys():
            sub = f"{path}.{key}" if path else key
            if key not in back:
                null = not path and key in null_defaults and original[key] is None
                named = "null-default" if null else kind and _dropped(kind, path, key, original[key])
                out.append((sub, named or f"dropped {json.dumps(original[key])[:60]}"))
            elif key not in original:
                null = not path and key in null_defaults and back[key] is None
                out.append((sub, "null-default" if null else f"added {json.dumps(back[key])[:60]}"))
            else:
                out += differences(original[key], back[key], sub, kind=kind)
        return out
    if isinstance(original, list) and isinstance(back, list):
        if len(original) != len(back):
            return [(path, f"length {len(original)} -> {len(back)}")]
        return [d for i, (a, b) in enumerate(zip(original, back)) for d in differences(a, b, f"{path}[{i}]", kind=kind)]
    if original == back and type(original) is type(back):
        return []
    return [(path, f"{json.dumps(original)[:60]} -> {json.dumps(back)[:60]}")]


def _integral_float(value: object) -> bool:
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, dict):
        return any(_integral_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_integral_float(v) for v in value)
    return False


# the envelope's keys whose default is null (envelope.schema.json, as published)
ENVELOPE = json.loads((SCHEMAS / "envelope.schema.json").read_text(encoding="utf-8"))
NULL_DEFAULTS = frozenset(k for k, p in ENVELOPE["properties"].items() if "default" in p and p["default"] is None)


# the kinds a tool's input carries, where that is not all of them (modelina: the AsyncAPI messages)
COVERED = {"modelina": emitters_generators.kind_names({**DOC, "oneOf": [{"$ref": "#/$defs/TypedEvent"}]})}


def compare(tool: str, valid: list[dict], results: dict[str, dict]) -> dict:
    """Every case's result of a tool: {"decoded", "same", "allowed": {name: n}, "failures": [...]}."""
    allowed = ALLOWED.get(tool, {})
    report = {"decoded": 0, "same": 0, "allowed": {}, "failures": []}
    covered = COVERED.get(tool)
    for case in valid:
        if covered is not None and case["kind"] not in covered:
            report["not covered"] = report.get("not covered", 0) + 1
            continue
        got = results.get(case["id"])
        if got is not None and "error" in got and "integral-float" in allowed and _integral_float(json.loads(case["text"])):
            report["allowed"]["integral-float"] = report["allowed"].get("integral-float", 0) + 1
            continue
        if got is None or "error" in got:
            report["failures"].append(f"{case['id']} ({case['kind']}): not decoded: {(got or {}).get('error', 'no result')[:300]}")
            continue
        report["decoded"] += 1
        diffs = differences(json.loads(case["text"]), json.loads(got["json"]), null_defaults=NULL_DEFAULTS, kind=case["kind"])
        bad = [f"{p}: {d}" for p, d in diffs if d not in allowed]
        for _, d in diffs:
            if d in allowed:
                report["allowed"][d] = report["allowed"].get(d, 0) + 1
        if bad:
            report["failures"].append(f"{case['id']} ({case['kind']}): " + "; ".join(sorted(bad)[:6]))
        elif not diffs:
            report["same"] += 1
    return report


# --- the generators ------------------------------------------------------------------------------


def kind_sources(kinds: list[str], schema: Path) -> list[str]:
    return [arg for k in kinds for arg in ("--src", f"{schema}#/$defs/{k}")]


def write_cases(work: Path, valid: list[dict]) -> Path:
    path = work / "cases.json"
    path.write_text(json.dumps([{"id": c["id"], "kind": c["kind"], "text": c["text"]} for c in valid]), encoding="utf-8")
    return path


def tsc(work: Path, *files: str, module: str = "nodenext") -> None:
    """tsc --strict over files, into work/js (ES2022; ES modules, or CommonJS with module="commonjs")."""
    resolution = "node10" if module == "commonjs" else module
    run([str(BIN / "tsc"), "--strict", "--noEmitOnError", "--target", "es2022", "--module", module, "--moduleResolution", resolution,
         "--skipLibCheck", "--types", "node", "--outDir", "js", *files], work)  # fmt: skip


TS_DRIVER = """// runs the decoder of each kind over the cases: {id: {json} | {error}}
import { readFileSync } from "node:fs";
%(imports)s
type Codec = [(text: string) => unknown, (value: any) => string];
const codecs: Record<string, Codec> = {
%(codecs)s
};
const results: Record<string, { json?: string; error?: string }> = {};
for (const c of JSON.parse(readFileSync(process.argv[2], "utf8")) as { id: string; kind: string; text: string }[]) {
  try {
    const [decode, encode] = codecs[c.kind];
    if (!(c.kind in codecs)) continue;  // a kind this generator's input does not carry
    results[c.id] = { json: encode(decode(c.text)) };
  } catch (e) {
    results[c.id] = { error: String(e) };
  }
}
process.stdout.write(JSON.stringify(results));
"""


def quicktype_ts(work: Path, kinds: list[str], cases_file: Path) -> dict:
    run([str(BIN / "quicktype"), "-s", "schema", "-l", "ts", "-o", "model.ts", *kind_sources(kinds, GENERATORS_SCHEMA)], work)
    codecs = "\n".join(f'  {k}: [(t) => Convert.to{k}(t), (v) => Convert.{camel(k)}ToJson(v)],' for k in kinds)
    (work / "package.json").write_text('{"type": "module"}\n')
    (work / "main.ts").write_text(TS_DRIVER % {"imports": 'import { Convert } from "./model.js";', "codecs": codecs})
    tsc(work, "model.ts", "main.ts")
    return json.loads(run(["node", "js/main.js", str(cases_file)], work))


GO_DRIVER = """package main

import (
	"encoding/json"
	"fmt"
	"os"
)

type codec func([]byte) ([]byte, error)

var codecs = map[string]codec{
%(codecs)s
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var cases []struct{ Id, Kind, Text string }
	if err := json.Unmarshal(data, &cases); err != nil {
		panic(err)
	}
	results := map[string]map[string]string{}
	for _, c := range cases {
		out, err := codecs[c.Kind]([]byte(c.Text))
		if err != nil {
			results[c.Id] = map[string]string{"error": fmt.Sprint(err)}
		} else {
			results[c.Id] = map[string]string{"json": string(out)}
		}
	}
	out, _ := json.Marshal(results)
	os.Stdout.Write(out)
}
"""


def quicktype_go(work: Path, kinds: list[str], cases_file: Path) -> dict:
    run([str(BIN / "quicktype"), "-s", "schema", "-l", "go", "--package", "main", "-o", "model.go", *kind_sources(kinds, GENERATORS_SCHEMA)], work)
    codecs = "\n".join(f'\t"{k}": func(b []byte) ([]byte, error) {{ v, err := Unmarshal{k}(b); if err != nil {{ return nil, err }}; return v.Marshal() }},' for k in kinds)
    (work / "main.go").write_text(GO_DRIVER % {"codecs": codecs})
    (work / "go.mod").write_text("module neetboxcheck\n\ngo 1.19\n")
    env = {"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local", "GOCACHE": str(work / ".gocache"), "GOPATH": str(work / ".gopath")}
    run(["go", "build", "-o", "check", "."], work, env)
    return json.loads(run([str(work / "check"), str(cases_file)], work))


PY_DRIVER = """import json, sys
import model

codecs = {
%(codecs)s
}
results = {}
for c in json.load(open(sys.argv[1], encoding="utf-8")):
    try:
        decode, encode = codecs[c["kind"]]
        results[c["id"]] = {"json": json.dumps(encode(decode(json.loads(c["text"]))))}
    except Exception as e:  # a case the generated code cannot decode
        results[c["id"]] = {"error": f"{type(e).__name__}: {e}"}
print(json.dumps(results))
"""


def quicktype_python(work: Path, kinds: list[str], cases_file: Path) -> dict:
    run([str(BIN / "quicktype"), "-s", "schema", "-l", "python", "--python-version", "3.7", "-o", "model.py", *kind_sources(kinds, GENERATORS_SCHEMA)], work)
    codecs = "\n".join(f'    "{k}": (model.{snake(k)}_from_dict, model.{snake(k)}_to_dict),' for k in kinds)
    (work / "main.py").write_text(PY_DRIVER % {"codecs": codecs})
    return json.loads(run([sys.executable, "main.py", str(cases_file)], work))


PYDANTIC_DRIVER = """import json, sys
import model

cases = json.load(open(sys.argv[1], encoding="utf-8"))
invalid = json.load(open(sys.argv[2], encoding="utf-8"))
results = {}
for c in cases:
    try:
        value = getattr(model, c["kind"]).model_validate_json(c["text"])
        results[c["id"]] = {"json": value.model_dump_json(by_alias=True, exclude_unset=True)}
    except Exception as e:
        results[c["id"]] = {"error": f"{type(e).__name__}: {e}"}
accepted = []
for c in invalid:
    root = model.KnownMessage if c["strict"] else model.Message
    try:
        root.model_validate_json(c["text"])
        accepted.append(c["id"])
    except Exception:
        pass
print(json.dumps({"results": results, "accepted": accepted}))
"""


def datamodel_code_generator(work: Path, kinds: list[str], cases_file: Path, invalid: list[dict]) -> dict:
    run([sys.executable, "-m", "datamodel_code_generator", "--input", str(GENERATORS_SCHEMA), "--input-file-type", "jsonschema",
         "--output", "model.py", "--output-model-type", "pydantic_v2.BaseModel", "--disable-timestamp", "--strict-types", "str", "int", "float", "bool"], work)  # fmt: skip
    (work / "invalid.json").write_text(json.dumps(invalid), encoding="utf-8")
    (work / "main.py").write_text(PYDANTIC_DRIVER)
    out = json.loads(run([sys.executable, "main.py", str(cases_file), "invalid.json"], work))
    return {**out["results"], "__accepted__": out["accepted"]}


def typed_literals(work: Path, valid: list[dict], type_of, header: str) -> dict:
    """The type-only generators: every case as an object literal of its kind's generated type,
    compiled with tsc --strict (excess keys, missing keys, wrong types all fail it); the
    literal's JSON.stringify is the re-encoding."""
    lines = [header, "export const cases: [string, unknown][] = ["]
    for c in valid:
        lines.append(f"  [{json.dumps(c['id'])}, ((v: {type_of(c['kind'])}) => v)({c['text']})],")
    lines.append("];")
    # planted mistakes the generated types must reject (tsc fails on an unused @ts-expect-error)
    lines += ["// @ts-expect-error a log line's message is a string",
              f'(((v: {type_of("LogEvent")}) => v)({{"eventType": "log", "payload": {{"whom": "a", "message": 1}}}}));',
              "// @ts-expect-error the event type is the kind's const",
              f'(((v: {type_of("LogEvent")}) => v)({{"eventType": "scalar", "payload": {{"whom": "a", "message": "b"}}}}));',
              "// @ts-expect-error an action request's args are strings",
              f'(((v: {type_of("ActionRequestEvent")}) => v)({{"eventType": "action", "payload": {{"name": "a", "args": {{"n": 1}}}}}}));']  # fmt: skip
    (work / "cases.ts").write_text("\n".join(lines) + "\n")
    (work / "main.ts").write_text('import { cases } from "./cases.js";\n'
                                  "process.stdout.write(JSON.stringify(Object.fromEntries(cases.map(([id, v]) => [id, { json: JSON.stringify(v) }]))));\n")  # fmt: skip
    (work / "package.json").write_text('{"type": "module"}\n')
    try:
        tsc(work, "cases.ts", "main.ts")
    except RuntimeError as exc:  # name the cases tsc rejects
        bad = {}
        for m in re.finditer(r"cases\.ts\((\d+),\d+\): (error .*)", str(exc)):
            case = valid[int(m[1]) - 3] if 0 <= int(m[1]) - 3 < len(valid) else None
            if case:
                bad.setdefault(case["id"], {"error": m[2]})
        if not bad:
            raise
        return bad
    return json.loads(run(["node", "js/main.js"], work))


def json_schema_to_typescript(work: Path, kinds: list[str], valid: list[dict]) -> dict:
    run([str(BIN / "json2ts"), "--input", str(GENERATORS_SCHEMA), "--output", "model.d.ts", "--unreachableDefinitions"], work)
    (work / "model.d.ts").rename(work / "model.ts")
    return typed_literals(work, valid, lambda k: k, f"import type {{ {', '.join(kinds)} }} from './model.js';")


def openapi_typescript(work: Path, kinds: list[str], valid: list[dict]) -> dict:
    # beside the document, so its relative $refs (./neetbox_protocol/schemas/...) resolve
    run([str(BIN / "openapi-typescript"), str(OPENAPI), "--default-non-nullable", "false", "--empty-objects-unknown", "--output", str(work / "model.ts")], ROOT)
    return typed_literals(work, valid, lambda k: f'components["schemas"]["{k}"]', "import type { components } from './model.js';")


MODELINA = """// Modelina (TypeScript classes with marshalling) from the AsyncAPI document, parsed with its
// relative $refs resolved; writes the models into ./models/
import { writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { TypeScriptFileGenerator, TS_COMMON_PRESET } from "@asyncapi/modelina";
import { Parser, fromFile } from "@asyncapi/parser";

const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, process.argv[2]).parse();
if (!document) throw new Error(JSON.stringify(diagnostics.filter((d) => d.severity === 0)));
const generator = new TypeScriptFileGenerator({ modelType: "class", moduleSystem: "ESM", presets: [{ preset: TS_COMMON_PRESET, options: { marshalling: true } }] });
const models = await generator.generateToFiles(document, "models", { exportType: "named" }, true);
process.stdout.write(JSON.stringify(models.map((m) => m.modelName)));
"""


def modelina(work: Path, kinds: list[str], cases_file: Path) -> dict:
    (work / "generate.mjs").write_text(MODELINA)
    env = {"NODE_PATH": str(ROOT / "node_modules")}
    names = json.loads(run(["node", "generate.mjs", str(ASYNCAPI)], work, env))
    # the AsyncAPI messages are the typed events (the server sends no generic reply on the wire,
    # and an unknown event type has no message): every kind of TypedEvent must have its model
    typed = emitters_generators.kind_names({**DOC, "oneOf": [{"$ref": "#/$defs/TypedEvent"}]})
    missing = [k for k in typed if k not in names]
    if missing:
        raise RuntimeError(f"modelina made no model for {missing} (made {names})")
    present = typed
    # Modelina writes ES imports without file extensions: compiled to CommonJS, which resolves them
    imports = "\n".join(f'import {{ {k} }} from "./models/{k}";' for k in present)
    codecs = "\n".join(f"  {k}: [(t) => {k}.unmarshal(t), (v) => v.marshal()]," for k in present)
    (work / "package.json").write_text('{"type": "commonjs"}\n')
    (work / "main.ts").write_text(TS_DRIVER % {"imports": imports, "codecs": codecs})
    tsc(work, "main.ts", module="commonjs")
    return json.loads(run(["node", "js/main.js", str(cases_file)], work, env))


GENERATORS = {
    "quicktype-ts": quicktype_ts,
    "quicktype-go": quicktype_go,
    "quicktype-python": quicktype_python,
    "datamodel-code-generator": datamodel_code_generator,
    "json-schema-to-typescript": json_schema_to_typescript,
    "openapi-typescript": openapi_typescript,
    "modelina": modelina,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "generators")
    parser.add_argument("--only", nargs="*", choices=list(GENERATORS))
    parser.add_argument("--show", type=int, default=8, help="failures shown per tool")
    args = parser.parse_args(argv)
    valid, invalid, kinds = cases()
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    cases_file = write_cases(args.out, valid)
    print(f"generators: {len(valid)} valid cases ({sum(c['id'].startswith('wire/') for c in valid)} wire frames), "
          f"{len(invalid)} invalid vectors, {len(kinds)} kinds")  # fmt: skip
    failed = 0
    summary = {}
    for name, fn in GENERATORS.items():
        if args.only and name not in args.only:
            continue
        work = args.out / name
        work.mkdir()
        start = time.monotonic()
        try:
            if fn in (json_schema_to_typescript, openapi_typescript):
                results = fn(work, kinds, valid)
            elif fn is datamodel_code_generator:
                results = fn(work, kinds, cases_file, invalid)
            else:
                results = fn(work, kinds, cases_file)
        except RuntimeError as exc:
            print(f"FAIL {name}: {exc}")
            failed += 1
            continue
        accepted = results.pop("__accepted__", None)
        report = compare(name, valid, results)
        if accepted:
            report["failures"] += [f"{i}: an invalid vector the generated models accept" for i in accepted]
        ok = not report["failures"]
        failed += not ok
        summary[name] = {k: v for k, v in report.items() if k != "failures"} | {"failures": len(report["failures"]), "seconds": round(time.monotonic() - start, 1)}
        if accepted is not None:
            summary[name]["invalid rejected"] = f"{len(invalid) - len(accepted)}/{len(invalid)}"
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {json.dumps(summary[name])}")
        for line in report["failures"][: args.show]:
            print(f"     {line}")
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"generators: {len(args.only or GENERATORS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

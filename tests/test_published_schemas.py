"""The schemas as a product: PROTOCOL_VERSION, the schema() accessor over the installed package's
files, and the bundle (every schema in one document) validating exactly like the separate files."""

import json

import jsonschema
import pytest
from referencing import Registry, Resource
from support import schemas, wire_vectors

import neetbox_protocol
import schema_model
from neetbox_protocol import BUNDLE, PROTOCOL_VERSION, schema, schema_names


def test_protocol_version_comes_from_the_schema_and_is_semver():
    assert PROTOCOL_VERSION == schema_model.protocol_version(schemas())
    assert [int(p) for p in PROTOCOL_VERSION.split(".")] and PROTOCOL_VERSION.count(".") == 2
    assert schema("protocol")["x-protocol-version"] == PROTOCOL_VERSION
    assert schema(BUNDLE)["x-protocol-version"] == PROTOCOL_VERSION


def test_every_source_schema_is_published_unchanged():
    sources = {rel.removesuffix(".schema.json"): source for rel, source in schemas().items()}
    assert set(schema_names()) == {*sources, BUNDLE}
    for name, source in sources.items():
        assert schema(name) == source, name
        assert schema(name + ".schema.json") == schema(name)


def test_schema_returns_a_new_dict_each_time():
    first = schema("message")
    first["title"] = "changed"
    assert schema("message")["title"] == "Message"


def test_unknown_schema_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="payloads/scalar"):
        schema("scalars")


def test_bundle_embeds_every_schema_with_its_id():
    bundle = schema(BUNDLE)
    jsonschema.Draft202012Validator.check_schema(bundle)
    ids = {d["$id"] for d in bundle["$defs"].values()}
    assert ids == {schema(n)["$id"] for n in schema_names() if n != BUNDLE}
    assert all("$schema" not in d for d in bundle["$defs"].values())


@pytest.mark.parametrize(
    "doc,valid",
    [
        ({"eventType": "scalar", "payload": {"x": 1, "y": 2}}, True),
        ({"eventType": "scalar", "payload": {"x": "abc", "y": 2}}, False),
        ({"eventType": "log", "projectId": "../etc"}, False),
        ({"eventType": "future", "payload": [1]}, True),
        ({"projectId": "p"}, False),
    ],
)
def test_bundle_validates_like_the_separate_files(doc, valid):
    alone = jsonschema.Draft202012Validator(schema(BUNDLE))
    files = Registry().with_resources(
        (schema(n)["$id"], Resource.from_contents(schema(n))) for n in schema_names() if n != BUNDLE
    )
    separate = jsonschema.Draft202012Validator(schema("protocol"), registry=files)
    assert alone.is_valid(doc) == separate.is_valid(doc) == valid


def test_bundle_accepts_every_wire_vector():
    validator = jsonschema.Draft202012Validator(schema(BUNDLE))
    for vector in wire_vectors():
        frame = json.loads(vector["frame"])
        assert validator.is_valid(frame), (vector.get("id"), list(validator.iter_errors(frame))[:1])


def test_schema_files_ship_inside_the_package():
    from importlib import resources

    root = resources.files(neetbox_protocol) / "schemas"
    assert (root / "bundle.schema.json").is_file()
    assert (root / "payloads" / "scalar.schema.json").is_file()

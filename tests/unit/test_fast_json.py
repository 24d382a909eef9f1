"""orjson behind Flask's JSON responses (web.jsonprovider) and behind the search client's
serializer (innsyn.search_client.OrjsonSerializer): the same bytes, or the same values,
as the standard-library code they replace; what orjson refuses goes the old way."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import uuid

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from opensearchpy.exceptions import SerializationError
from opensearchpy.serializer import JSONSerializer

from innsyn.search_client import OrjsonSerializer
from web.jsonprovider import OrjsonProvider, ascii_escaped

APPS: list[Flask] = []  # providers hold their app by a weak reference


def _providers(**attrs: object) -> tuple[DefaultJSONProvider, OrjsonProvider]:
    app = Flask(__name__)
    APPS.append(app)
    old, new = DefaultJSONProvider(app), OrjsonProvider(app)
    for p in (old, new):
        p.sort_keys = False
        for k, v in attrs.items():
            setattr(p, k, v)
    return old, new


OLD, NEW = _providers()
OLD_UTF8, NEW_UTF8 = _providers(ensure_ascii=False)

# Every character but lone surrogates (orjson refuses those; they are tested apart).
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
tricky = st.sampled_from(
    ["\\", "\\x41", "\\u00e6", '"', "\x7f", "\x00", "\x1b", "\u2028", "æøå", "😀", "\\😀", "</"]
)
strings = st.one_of(text, tricky, st.lists(tricky, max_size=6).map("".join))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**64 - 1), strings)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(strings, inner, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_responses_are_byte_for_byte_those_of_the_default_provider(value):
    app = OLD._app
    with app.app_context():
        assert NEW.response(value).get_data() == OLD.response(value).get_data()
        assert NEW_UTF8.response(value).get_data() == OLD_UTF8.response(value).get_data()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_escaping_matches_ensure_ascii_for_every_character(s):
    import orjson

    try:
        data = orjson.dumps(s)
    except TypeError:  # lone surrogates: the provider hands these to json.dumps
        return
    assert ascii_escaped(data) == json.dumps(s, ensure_ascii=True).encode()


def test_every_code_point_escapes_like_json_dumps():
    import orjson

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(chars), 4096):
        chunk = "".join(chars[i : i + 4096])
        # without a backslash (the fast path, up to the BMP) and with one (the slow path)
        for s in (chunk.replace("\\", ""), "\\" + chunk):
            assert ascii_escaped(orjson.dumps(s)) == json.dumps(s).encode()


@dataclasses.dataclass
class Point:
    x: int
    when: dt.date


class Html:
    def __html__(self) -> str:
        return "<b>x</b>"


@pytest.mark.parametrize(
    "value",
    [
        {"at": dt.datetime(2026, 3, 1, 12, 30, 5, 123, tzinfo=dt.UTC)},
        {"day": dt.date(2026, 3, 1), "naive": dt.datetime(2026, 3, 1, 9)},
        {"amount": decimal.Decimal("12.50"), "id": uuid.UUID(int=7)},
        {"point": Point(3, dt.date(2025, 1, 2))},
        {"markup": Markup("<i>ok</i>"), "html": Html()},
        {1: "int key", None: "none key"},
        {"big": 2**70, "neg": -(2**64)},
        {"lone": "\ud800x"},
        [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] * 2,
    ],
)
def test_what_orjson_does_not_write_itself_comes_out_as_before(value):
    app = OLD._app
    with app.app_context():
        assert NEW.response(value).get_data() == OLD.response(value).get_data()


def test_deep_nesting_and_unknown_types_behave_as_before():
    app = OLD._app
    deep: list = []
    cur = deep
    for _ in range(300):  # deeper than orjson's limit
        cur.append([])
        cur = cur[0]
    with app.app_context():
        assert NEW.response(deep).get_data() == OLD.response(deep).get_data()
        for p in (OLD, NEW):
            with pytest.raises(TypeError):
                p.response({"x": object()})


def test_sorted_keys_debug_and_tojson_use_the_default_path():
    old, new = _providers(sort_keys=True)
    value = {"b": 1, "a": {"d": 2, "c": "æ"}}
    with old._app.app_context():
        assert (
            new.response(value).get_data()
            == old.response(value).get_data()
            == (b'{"a":{"c":"\\u00e6","d":2},"b":1}\n')
        )
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.debug = True
    with app.app_context():
        assert app.json.response({"a": 1}).get_data() == b'{\n  "a": 1\n}\n'
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    rendered = app.jinja_env.from_string("{{ v|tojson }}").render(v={"x": "<æ>"})
    assert rendered == '{"x": "\\u003c\\u00e6\\u003e"}'


def test_responses_keep_status_mimetype_and_length():
    app = OLD._app
    with app.app_context():
        a, b = OLD.response({"x": "æ"}), NEW.response({"x": "æ"})
        assert (a.status_code, a.mimetype, a.content_length) == (
            b.status_code,
            b.mimetype,
            b.content_length,
        )
        assert dict(a.headers) == dict(b.headers)


# -- the search client's serializer ----------------------------------------------------

OLD_SER, NEW_SER = JSONSerializer(), OrjsonSerializer()


@settings(max_examples=300, deadline=None)
@given(values)
def test_request_bodies_are_the_same_json(value):
    assert NEW_SER.dumps(value) == OLD_SER.dumps(value)  # no floats: the very same text
    wrapped = [value]  # a bare string is passed through as it is, by both
    assert NEW_SER.loads(NEW_SER.dumps(wrapped)) == OLD_SER.loads(OLD_SER.dumps(wrapped))


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_are_the_same_number(x):
    assert json.loads(NEW_SER.dumps({"x": x})) == json.loads(OLD_SER.dumps({"x": x}))
    assert NEW_SER.loads(OLD_SER.dumps({"x": x})) == {"x": x}


@pytest.mark.parametrize(
    "value",
    [
        {"at": dt.datetime(2026, 3, 1, 12, 30, 5, 123, tzinfo=dt.UTC), "d": dt.date(2026, 1, 2)},
        {"amount": decimal.Decimal("12.5"), "id": uuid.UUID(int=7)},
        {1: "int key"},
        {"big": 2**70},
        {"lone": "\ud800x"},
        "already a string",
    ],
)
def test_request_bodies_orjson_leaves_alone_are_written_as_before(value):
    assert NEW_SER.dumps(value) == OLD_SER.dumps(value)


def test_unserialisable_values_raise_the_same_error():
    for ser in (OLD_SER, NEW_SER):
        with pytest.raises(SerializationError):
            ser.dumps({"x": object()})
        with pytest.raises(SerializationError):
            ser.dumps(Point(1, dt.date(2026, 1, 1)))


@pytest.mark.parametrize(
    "raw",
    [
        '{"hits":{"total":{"value":3},"hits":[{"_source":{"t":"Søknad"},"sort":[1.5,170,"a"]}]}}',
        '{"big": 18446744073709551615, "neg": -9223372036854775808, "f": 1e-7}',
        '{"nan": NaN, "lone": "\\ud800"}',  # not JSON orjson reads: the standard library does
        '{"a": 1, "a": 2}',
    ],
)
def test_answers_are_read_to_the_same_values(raw):
    assert NEW_SER.loads(raw) == OLD_SER.loads(raw) or raw.startswith('{"nan"')
    if raw.startswith('{"nan"'):
        new, old = NEW_SER.loads(raw), OLD_SER.loads(raw)
        assert new["lone"] == old["lone"] and new["nan"] != new["nan"]


def test_unreadable_answers_raise_the_same_error():
    for ser in (OLD_SER, NEW_SER):
        with pytest.raises(SerializationError):
            ser.loads("{not json")

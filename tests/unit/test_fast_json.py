"""orjson behind the search client's serializer (innsyn.search_client.OrjsonSerializer):
the same bytes, or the same values, as the standard-library code it replaces; what orjson
refuses goes the old way. The app's own answers are written by Flask's default provider."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import uuid

import pytest
from flask.json.provider import DefaultJSONProvider
from hypothesis import given, settings
from hypothesis import strategies as st
from opensearchpy.exceptions import SerializationError
from opensearchpy.serializer import JSONSerializer

from innsyn.search_client import OrjsonSerializer
from web import create_app

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


def test_the_apps_answers_are_compact_ascii_escaped_and_in_insertion_order(offline_settings):
    """Flask's default provider, as the app configures it: the bytes the orjson provider
    (removed, see bench/shims.py) wrote before."""
    app = create_app(offline_settings)
    assert type(app.json) is DefaultJSONProvider
    value = {"b": 1, "a": {"d": "æ😀\x7f", "c": [None, True, "</"]}, "when": dt.date(2026, 3, 1)}
    with app.app_context():
        data = app.json.response(value).get_data()
    assert data == (
        b'{"b":1,"a":{"d":"\\u00e6\\ud83d\\ude00\\u007f","c":[null,true,"</"]},'
        b'"when":"Sun, 01 Mar 2026 00:00:00 GMT"}\n'
    )


@dataclasses.dataclass
class Point:
    x: int
    when: dt.date


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

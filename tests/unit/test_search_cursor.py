"""Search cursors: signed, URL-safe, bound to their search; a forged or foreign one is a
clear 400, an expired one a 410 (no index)."""

from __future__ import annotations

import datetime as dt

import pytest
from itsdangerous import URLSafeSerializer
from werkzeug.datastructures import MultiDict

from innsyn.search.cursor import SALT, Cursor, CursorCodec, CursorExpired, fingerprint
from innsyn.search.params import ParamError, SearchParams, parse_params

KEY = "k" * 40
STARTED = dt.datetime(2026, 11, 22, 12, 0, 41, tzinfo=dt.UTC)
PIT = "99aFQQETcGl0c2NyYXRjaC1oZWxwZXIxNRYyZi14RXVPQVJGV256MGFVRlhFSlFRABZCSVFpNWpKblM4VzNs=="


def _params(**kw):
    return SearchParams(**{"q": "byggesak", "enhet": ["en_1"], **kw})


@pytest.mark.parametrize("pit", [None, PIT])
@pytest.mark.parametrize(
    ("sort", "after"),
    [("relevance", [3.25, 1700000000000, "jp_9"]), ("date_desc", [-(2**63), "jp_æ"])],
)
def test_a_cursor_reads_back_as_issued_and_passes_the_parameter_check(pit, sort, after):
    params = _params(sort=sort)
    codec = CursorCodec(KEY)
    text = codec.encode(Cursor(after, STARTED, fingerprint(params), pit))
    parsed = parse_params(
        MultiDict({"q": "byggesak", "enhet": "en_1", "sort": sort, "cursor": text}), 500
    )
    assert parsed.cursor == text
    assert PIT not in text and "jp_9" not in text
    back = codec.decode(text, _params(sort=sort, size=50))
    assert back == Cursor(after, STARTED.replace(second=41), fingerprint(params), pit)


def _code(fn):
    with pytest.raises(ParamError) as err:
        fn()
    return err.value.status, err.value.code, err.value.param, str(err.value)


def test_an_altered_or_foreign_cursor_is_a_400():
    params = _params()
    text = CursorCodec(KEY).encode(Cursor([1.0, 2, "jp_1"], STARTED, fingerprint(params)))
    body, _, sig = text.rpartition(".")
    altered = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + sig
    for bad in (
        altered,
        text + "x",
        text[:-1],
        CursorCodec("o" * 40).encode(Cursor([1.0, 2, "jp_1"], STARTED, fingerprint(params))),
    ):
        status, code, param, message = _code(lambda b=bad: CursorCodec(KEY).decode(b, params))
        assert (status, code, param) == (400, "invalid_parameter", "cursor")
        assert "not one this API returned" in message


@pytest.mark.parametrize(
    "change",
    [{"q": "vei"}, {"enhet": ["en_2"]}, {"sort": "date_asc"}, {"period": "7d"}],
)
def test_a_cursor_of_another_search_is_a_400_naming_why(change):
    text = CursorCodec(KEY).encode(Cursor([1.0, 2, "jp_1"], STARTED, fingerprint(_params())))
    status, _, param, message = _code(lambda: CursorCodec(KEY).decode(text, _params(**change)))
    assert (status, param) == (400, "cursor") and "another search" in message


@pytest.mark.parametrize(
    "payload",
    [
        [2, [1.0, 2, "jp_1"], 1, "FP", None],
        [1, [1.0, "jp_1"], 1, "FP", None],
        [1, ["x", 2, "jp_1"], 1, "FP", None],
        [1, [True, 2, "jp_1"], 1, "FP", None],
        [1, [1.0, 2**63, "jp_1"], 1, "FP", None],
        [1, [1.0, 2, 3], 1, "FP", None],
        [1, [1.0, 2, "jp_1"], "1", "FP", None],
        [1, [1.0, 2, "jp_1"], -1, "FP", None],
        [1, [1.0, 2, "jp_1"], 1, "FP", ""],
        [1, [1.0, 2, "jp_1"], 1, "FP", 7],
        {"after": [1.0, 2, "jp_1"]},
    ],
)
def test_a_signed_cursor_of_the_wrong_shape_is_a_400_not_a_500(payload):
    params = _params()
    if isinstance(payload, list):
        payload[3] = fingerprint(params)
    text = URLSafeSerializer(KEY, salt=SALT).dumps(payload)
    status, code, param, _ = _code(lambda: CursorCodec(KEY).decode(text, params))
    assert (status, code, param) == (400, "invalid_parameter", "cursor")


@pytest.mark.parametrize("text", ["not-a-cursor!", "a b", "x" * 4097, "ø"])
def test_a_cursor_that_cannot_be_one_is_refused_with_the_parameters(text):
    status, code, param, _ = _code(lambda: parse_params(MultiDict({"cursor": text}), 500))
    assert (status, code, param) == (400, "invalid_parameter", "cursor")


def test_an_expired_cursor_is_a_410_telling_to_start_again():
    err = CursorExpired()
    assert (err.status, err.code, err.param) == (410, "cursor_expired", "cursor")
    assert "start again from the first page" in str(err)
    assert isinstance(err, ParamError)

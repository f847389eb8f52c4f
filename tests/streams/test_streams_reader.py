"""The consumer's own reply reader: every RESP2 and RESP3 type, replies cut anywhere, hostile bytes, real replies."""

from __future__ import annotations

import math
import socket
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from redis._parsers.base import BaseParser
from redis.exceptions import ClusterDownError, InvalidResponse, ResponseError
from streams_support import RedisServer

from thrilldrops_events.streams._reader import NEED_MORE, ReplyReader
from thrilldrops_events.streams._resp import pack


class Error:
    """An expected error reply: its exception type and text."""

    def __init__(self, kind: type[BaseException], message: str) -> None:
        self.kind, self.message = kind, message


# A reply as (wire bytes, expected value); the expected value of an error reply is an ``Error``.
Reply = tuple[bytes, Any]


def error(text: str) -> Error:
    made = BaseParser.parse_error(text)
    return Error(type(made), str(made))


def bulk(data: bytes) -> bytes:
    return b"$%d\r\n%b\r\n" % (len(data), data)


line_text = st.binary(max_size=20).map(lambda data: data.replace(b"\r", b"").replace(b"\n", b""))
scalars: st.SearchStrategy[Reply] = st.one_of(
    st.binary(max_size=40).map(lambda data: (bulk(data), data)),  # CR, LF and CRLF inside included
    st.just((b"$-1\r\n", None)),
    st.just((b"_\r\n", None)),
    line_text.map(lambda text: (b"+" + text + b"\r\n", text)),
    st.integers(-(2**70), 2**70).map(lambda number: (b":%d\r\n" % number, number)),
    st.integers(-(2**70), 2**70).map(lambda number: (b"(%d\r\n" % number, number)),
    st.booleans().map(lambda flag: (b"#t\r\n" if flag else b"#f\r\n", flag)),
    st.floats(allow_nan=False).map(lambda number: (b",%r\r\n" % number, number)),
    st.binary(max_size=20).map(lambda data: (b"=%d\r\ntxt:%b\r\n" % (len(data) + 4, data), data)),
    st.sampled_from(["ERR wrong", "CLUSTERDOWN The cluster is down", "NOGROUP No such key"]).map(
        lambda text: (b"-" + text.encode() + b"\r\n", error(text))),
    st.just((b"!8\r\nERR a\r\nb\r\n", error("ERR a\r\nb"))),
)


def aggregates(children: st.SearchStrategy[Reply]) -> st.SearchStrategy[Reply]:
    def array(items: list[Reply], head: bytes = b"*") -> Reply:
        return head + b"%d\r\n" % len(items) + b"".join(wire for wire, _ in items), [value for _, value in items]

    def mapping(pairs: dict[bytes, Reply]) -> Reply:
        wire = b"%%%d\r\n" % len(pairs) + b"".join(bulk(key) + value[0] for key, value in pairs.items())
        return wire, {key: value[1] for key, value in pairs.items()}

    def attributed(item: Reply) -> Reply:  # an attribute before a value is read and dropped
        return b"|1\r\n+ttl\r\n:3\r\n" + item[0], item[1]

    return st.one_of(
        st.lists(children, max_size=6).map(array),
        st.lists(children, max_size=4).map(lambda items: array(items, b"~")),
        st.dictionaries(st.binary(max_size=8), children, max_size=4).map(mapping),
        children.map(attributed),
        st.just((b"*-1\r\n", None)),
    )


replies = st.recursive(scalars, aggregates, max_leaves=30)
push = b">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n"  # a push message between replies is dropped


def same(got: Any, expected: Any) -> bool:
    if isinstance(expected, Error):
        return type(got) is expected.kind and str(got) == expected.message
    if isinstance(expected, list):
        return isinstance(got, list) and len(got) == len(expected) and all(map(same, got, expected))
    if isinstance(expected, dict):
        return isinstance(got, dict) and got.keys() == expected.keys() and all(
            same(got[key], value) for key, value in expected.items())
    if isinstance(expected, float) and math.isinf(expected):
        return got == expected
    return type(got) is type(expected) and got == expected


def read_all(wire: bytes, cuts: list[int]) -> list[Any]:
    reader = ReplyReader(BaseParser.parse_error)
    got: list[Any] = []
    start = 0
    for cut in [*sorted(cuts), len(wire)]:
        reader.feed(wire[start:cut])
        start = cut
        while (reply := reader.reply()) is not NEED_MORE:
            got.append(reply)
    assert reader.idle
    return got


@given(st.lists(replies, min_size=1, max_size=5), st.data())
@settings(max_examples=300)
def test_every_reply_read_back_however_the_bytes_are_cut(items: list[Reply], data: st.DataObject) -> None:
    wire = b"".join(push + item[0] if index % 2 else item[0] for index, item in enumerate(items))
    cuts = data.draw(st.lists(st.integers(0, len(wire)), max_size=12))
    got = read_all(wire, cuts)
    assert len(got) == len(items)
    assert all(map(same, got, [value for _, value in items]))


def test_a_reply_fed_byte_by_byte() -> None:
    fields = [b"format", b"1", b"payload", b'{"a":"x\r\ny"}']
    wire = b"%1\r\n$6\r\nevents\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*4\r\n" + b"".join(map(bulk, fields))
    assert read_all(wire, list(range(len(wire)))) == [{b"events": [[b"1-0", fields]]}]


def test_error_replies_are_redis_py_exceptions_in_place() -> None:
    (got,) = read_all(b"*2\r\n-CLUSTERDOWN The cluster is down\r\n:1\r\n", [])
    assert isinstance(got[0], ClusterDownError) and got[1] == 1


@pytest.mark.parametrize("wire", [
    b"?what\r\n",  # an unknown type
    b"\r\n",  # an empty type line
    b"$abc\r\nabc\r\n",  # a length that is not a number
    b"$2\r\nabc\r\n",  # a string longer than its declared length
    b",fast\r\n",  # a double that is not a number
    b"%1\r\n*1\r\n:1\r\n:2\r\n",  # a map keyed by an aggregate
])
def test_bytes_that_are_not_resp_are_refused(wire: bytes) -> None:
    reader = ReplyReader(BaseParser.parse_error)
    reader.feed(wire)
    with pytest.raises(InvalidResponse):
        reader.reply()


def test_deep_nesting_is_followed_without_recursion() -> None:
    depth = 100_000
    reader = ReplyReader(BaseParser.parse_error)
    reader.feed(b"*1\r\n" * depth + b":7\r\n")
    reply = reader.reply()
    for _ in range(depth):
        (reply,) = reply
    assert reply == 7


def test_a_huge_reply_arriving_in_small_pieces_is_read_once() -> None:
    entries = [[b"%d-0" % number, [b"payload", b"x" * 300]] for number in range(20_000)]
    wire = b"*%d\r\n" % len(entries) + b"".join(
        b"*2\r\n" + bulk(entry_id) + b"*2\r\n" + bulk(name) + bulk(value) for entry_id, (name, value) in entries)
    assert read_all(wire, list(range(0, len(wire), 4096))) == [entries]


@pytest.mark.redis
@pytest.mark.parametrize("protocol", [2, 3])
def test_real_replies_read_as_redis_py_reads_them(redis_server: RedisServer, protocol: int) -> None:
    client = redis_server.client(protocol=protocol)
    for number in range(50):
        client.xadd("events", {"payload": b"\r\n%d\x00" % number, "n": number})
    client.xgroup_create("events", "campaigns", id="0")
    client.xreadgroup("campaigns", "c", {"events": ">"}, count=30)
    commands: list[tuple[Any, ...]] = [  # each gives the same reply twice in a row
        ("XREADGROUP", "GROUP", "campaigns", "c", "COUNT", 30, "STREAMS", "events", "0"),
        ("XPENDING", "events", "campaigns"),
        ("XINFO", "STREAM", "events"),
        ("XRANGE", "events", "-", "+", "COUNT", 5),
        ("XACK", "events", "campaigns", "0-1"),
        ("XREADGROUP", "GROUP", "nogroup", "c", "STREAMS", "events", ">"),
        ("HELLO", protocol),
    ]
    connection = client.connection_pool.get_connection()
    try:
        connection.send_packed_command([pack(commands)], check_health=False)
        expected = []
        for _ in commands:
            try:
                expected.append(connection.read_response(disable_decoding=True))
            except ResponseError as error:
                expected.append(Error(type(error), str(error)))
        connection.send_packed_command([pack(commands)], check_health=False)
        reader = ReplyReader(connection._parser.parse_error)
        got: list[Any] = []
        sock: socket.socket = connection._sock
        while len(got) < len(commands):
            reply = reader.reply()
            if reply is NEED_MORE:
                reader.feed(sock.recv(1 << 16))
            else:
                got.append(reply)
    finally:
        client.connection_pool.release(connection)
    assert len(expected[0][0][1] if protocol == 2 else expected[0][b"events"]) == 30
    assert all(map(same, got, expected))

"""Keys derived from a stream's key, on the stream's own Redis Cluster hash slot.

Redis Cluster places a key by its *hash tag* (the text between the first ``{`` and the next ``}``,
if not empty) or else by the whole key. A key derived as ``{<stream>}:dead-letter`` hashes
``<stream>``, exactly as the stream does; a stream that already carries a tag
(``casino:{brand}:events``) keeps it: ``casino:{brand}:events:dead-letter``.
"""

from __future__ import annotations

from thrilldrops_events._text import shown
from thrilldrops_events.errors import StreamConfigError
from thrilldrops_events.streams._checks import nonempty

__all__ = ["dead_letter_key", "hash_tag"]


def hash_tag(key: str) -> str | None:
    """The key's hash tag, or ``None`` if Redis Cluster hashes the whole key.

    Examples:
        >>> hash_tag("casino:{brand-7}:events"), hash_tag("td-events"), hash_tag("odd{}name")
        ('brand-7', None, None)
    """
    start = key.find("{")
    if start < 0:
        return None
    end = key.find("}", start + 1)
    if end <= start + 1:
        return None
    return key[start + 1:end]


def dead_letter_key(stream: str) -> str:
    """The default dead-letter stream of ``stream``, on the same hash slot.

    Raises:
        StreamConfigError: If the stream's name is not a non-empty string, or holds a ``}`` but no hash
            tag: no derived name could share its slot, so the dead-letter stream must be named explicitly.

    Examples:
        >>> dead_letter_key("td-events"), dead_letter_key("casino:{brand-7}:events")
        ('{td-events}:dead-letter', 'casino:{brand-7}:events:dead-letter')
    """
    nonempty("stream", stream)
    if hash_tag(stream) is not None:
        return f"{stream}:dead-letter"
    if "}" in stream:
        raise StreamConfigError(f"the stream name {shown(stream)!r} holds a '}}' but no hash tag, so no dead-letter "
                                "key can share its cluster slot: give dead_letter_stream explicitly")
    return f"{{{stream}}}:dead-letter"

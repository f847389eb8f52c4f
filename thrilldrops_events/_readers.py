"""Where the models find the JSON codec's readers: a leaf, so that the package can install them unloaded.

The models never import a codec. ``model_validate_json`` reads through the readers registered here: the
package root registers ones that load the JSON codec when first called, and the codec registers its own
when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["JSON_READERS", "install_json_readers"]

#: The JSON codec's exact readers of envelopes and of payloads, ``reader(model, json_data, strict=...)``.
JSON_READERS: dict[str, Callable[..., Any]] = {}


def install_json_readers(*, envelope: Callable[..., Any], payload: Callable[..., Any]) -> None:
    """Give the models the JSON codec's exact readers."""
    JSON_READERS.update(envelope=envelope, payload=payload)

"""The Hypothesis entry point: ``st.from_type(Deposit)`` and ``st.from_type(Envelope)`` with no import.

Hypothesis runs the ``hypothesis`` entry point (``_hypothesis_setup_hook``, see ``pyproject.toml``)
while it is itself being imported, and that may be in the middle of ``import thrilldrops_events.testing``,
which imports Hypothesis. So the hook registers functions only: each imports the strategies of
``thrilldrops_events.testing`` when Hypothesis first asks for one, once every import has finished.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from thrilldrops_events.envelope import Envelope
from thrilldrops_events.events import PAYLOAD_MODELS, EventPayload

__all__ = ["_hypothesis_setup_hook"]

_MODELS = frozenset(PAYLOAD_MODELS.values())


def _payloads(model: type[Any]) -> st.SearchStrategy[Any]:
    from thrilldrops_events.testing import payloads

    # Hypothesis passes the type it was asked for: one of the models, or their base class, which draws them all.
    return payloads(model.event_type if model in _MODELS else None)


def _envelopes(_: type[Any]) -> st.SearchStrategy[Any]:
    from thrilldrops_events.testing import envelopes

    return envelopes()


def _hypothesis_setup_hook() -> None:
    """Register every model with ``st.from_type`` (called by Hypothesis through the entry point)."""
    models: list[type[EventPayload]] = [*PAYLOAD_MODELS.values(), EventPayload]
    for model in models:
        st.register_type_strategy(model, _payloads)
    st.register_type_strategy(Envelope, _envelopes)

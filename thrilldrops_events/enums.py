"""Enumerations of the wire contract: channels and event types.

Both are defined with the payload models (``thrilldrops_events.events``), since ``EventType`` is the
registry of the models (``EventType.DEPOSIT.model is Deposit``); this module keeps their import path.
"""

from __future__ import annotations

from thrilldrops_events.events._base import ChannelType, EventType

__all__ = ["ChannelType", "EventType"]

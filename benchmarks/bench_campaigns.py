"""Match events against N campaigns: CampaignSet beside the loop a user would write over compiled conditions.

Run: python benchmarks/bench_campaigns.py [--quick] [--populations hard,classic] [--sizes 1000,10000,100000]
                                          [--others-at 10000] [--events N] [--naive-events N] [--changes N]
                                          [--timestamps month|year|ordered|live]

Populations (campaign_populations.py, campaign_rich.py and campaign_classic.py): ``hard`` (3 operators,
20 brands, scopes 70/20/10, log-normal thresholds, tiers, 50-game lists, hour and weekday windows,
not-in, top-level or, arithmetic, dozens of matches per event), its harder variants ``wide``, ``zones``,
``weak`` and ``logic`` (written with AND, OR and NOT groups: ``not (amount < 20)``, ``(a or b)``
inside the ``and``, ``not (a or b)``), ``rich`` (built apart from the others: functions, null tests,
nested and/or/not, date windows in 15 zones, ranges on envelope fields, about a hundred matches per
event) and the ``classic`` templates. For each population and N, one table row:

  naive loop      for every campaign: same event type? in scope? then call its compiled condition
                  (what a user writes with compile_condition alone; the reference answer), timed on
                  a sample of the events
  CampaignSet     CampaignSet.match on the set loaded at start-up with CampaignSet.from_json: on the same
                  events every round (match µs), and on events moved 53 weeks further every round
                  (moved µs: the same weekdays and hours, but quarter-hours it has never met, as in a
                  stream of events far apart; the loop costs the same on both)

with the time to build the set from JSON and by N add() calls, and (at 10,000 campaigns) the memory
the set holds (tracemalloc). Every match is checked against the naive loop before anything is timed.
Then, in a set of the largest N, the latency of one add, remove and replace (condition checking
included) of campaigns of each scope: p50, p99 and the largest, in CPU time (and wall-clock time).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import campaign_classic
import campaign_rich
from campaign_populations import POPULATIONS, campaign_config, event_stream

from thrilldrops_events import CampaignSet, Envelope

Config = list[dict[str, Any]]


def population(name: str, count: int, seed: int) -> Config:
    """The configuration of ``count`` campaigns of a population."""
    if name == "classic":
        return campaign_classic.config(campaign_classic.generate_campaigns(count, seed=seed))
    if name == "rich":
        return campaign_rich.gen(count, n_events=0, seed=seed)[0]
    return campaign_config(POPULATIONS[name], count, seed=seed)


#: The timestamps of the events: ``(days they span, in time order)``.
TIMESTAMPS = {"month": (30, False), "year": (365, False), "ordered": (30, True), "live": (1, True)}


def events_of(name: str, count: int, seed: int, timestamps: str = "month") -> list[Envelope]:
    """The event stream matched against a population (``classic`` and ``rich``: their own, over a month)."""
    if name == "classic":
        return campaign_classic.generate_events(count, seed=seed)
    if name == "rich":
        return campaign_rich.gen(0, n_events=count, seed=seed)[1]
    days, ordered = TIMESTAMPS[timestamps]
    return event_stream(count, seed=seed, days=days, ordered=ordered)


class NaiveLoop:
    """What a user writes with compile_condition alone: check type, scope and window, then call each condition.

    It uses the very conditions the set compiles (``campaign.condition``, a ``compile_condition`` result).
    """

    def __init__(self, campaigns: CampaignSet) -> None:
        self.rows = [(c.id, c.event_type, c.operator_id, c.brand_id, c.active_from, c.active_until, c.condition)
                     for c in campaigns]

    def match(self, envelope: Envelope) -> list[str]:
        event_type = envelope.payload.event_type
        operator_id = envelope.operator_id
        brand_id = envelope.brand_id
        moment = envelope.timestamp
        return [
            campaign_id
            for campaign_id, kind, operator, brand, start, end, condition in self.rows
            if kind is event_type
            and (operator is None or operator == operator_id)
            and (brand is None or brand == brand_id)
            and (start is None or moment >= start)
            and (end is None or moment < end)
            and condition(envelope)
        ]


#: Events of a round: the same every round, or (``moved``) new ones each round.
Rounds = Sequence[Envelope] | Callable[[int], Sequence[Envelope]]


def moved(events: Sequence[Envelope]) -> Callable[[int], Sequence[Envelope]]:
    """The events moved by 53 weeks more each round: the same weekdays and hours, and no quarter-hour met before.

    A replay of the same events lets a set keep what it found per quarter-hour of their timestamps
    (its hour and weekday windows) after the first rounds, which a stream of events far apart does not.
    """
    def events_of_round(number: int) -> Sequence[Envelope]:
        shift = 53 * 7 * 86400 * (number + 1)
        return [envelope.model_copy(update={"timestamp": envelope.timestamp + shift}) for envelope in events]
    return events_of_round


def best_us(contenders: Sequence[tuple[Callable[[Envelope], Any], Rounds]], budget: float) -> list[float]:
    """Microseconds per call of each contender on its events: the best of interleaved rounds (at least three)."""
    best = [float("inf")] * len(contenders)
    spent = 0.0
    rounds = 0
    gc.collect()
    gc.disable()
    try:
        while rounds < 3 or (spent < budget and rounds < 20):
            for index, (match, given) in enumerate(contenders):
                events = given(rounds) if callable(given) else given
                started = time.perf_counter()
                for envelope in events:
                    match(envelope)
                elapsed = time.perf_counter() - started
                spent += elapsed
                best[index] = min(best[index], elapsed / len(events) * 1e6)
            rounds += 1
    finally:
        gc.enable()
    return best


def memory_mib(config: Config) -> float:
    """What a set built from ``config`` holds, in MiB (tracemalloc, after a collection)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        campaigns = CampaignSet.from_json(config)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    del campaigns
    return held / 2**20


#: The keys of a campaign's JSON form; any other is an engine field.
_KEYS = frozenset({"id", "name", "event_type", "operator_id", "brand_id", "active_from", "active_until", "tags",
                   "condition"})


def options_of(entry: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``add`` that a configuration entry gives (engine fields as ``extra``)."""
    options = {key: entry[key] for key in ("operator_id", "brand_id", "name", "active_from", "active_until")
               if entry.get(key) is not None}
    extra = {key: value for key, value in entry.items() if key not in _KEYS}
    return {**options, "tags": entry.get("tags", ()), **({"extra": extra} if extra else {})}


def build(config: Config) -> tuple[CampaignSet, float, float]:
    """The set loaded with from_json, and the seconds from_json and N add() calls took."""
    started = time.perf_counter()
    loaded = CampaignSet.from_json(config)
    from_json = time.perf_counter() - started
    added = CampaignSet()
    started = time.perf_counter()
    for entry in config:
        added.add(entry["id"], entry["event_type"], entry["condition"], **options_of(entry))
    return loaded, from_json, time.perf_counter() - started


def change_latencies(campaigns: CampaignSet, config: Config, fresh: Config, count: int) -> list[tuple[str, ...]]:
    """Rows of p50/p99/max milliseconds of one add, replace and remove, per scope, in ``campaigns``.

    CPU time of the thread (what the change costs, not how long a busy machine's scheduler kept it
    waiting), and the wall-clock p99 and largest beside it.
    """
    rng = random.Random(5)
    scopes = {"brand": lambda e: e.get("brand_id") is not None, "operator": lambda e: e.get("operator_id")
              is not None and e.get("brand_id") is None, "global": lambda e: e.get("operator_id") is None
              and e.get("brand_id") is None}
    rows = []
    for scope, wanted in scopes.items():
        existing = [entry for entry in config if wanted(entry) and entry["id"] in campaigns]
        new = [entry for entry in fresh if wanted(entry)][:count]
        times: dict[str, tuple[list[float], list[float]]] = {kind: ([], []) for kind in ("add", "replace", "remove")}
        for entry, other in zip(new, rng.sample(existing, len(new)), strict=False):
            options = options_of(entry)
            steps = (("add", partial(campaigns.add, entry["id"], entry["event_type"], entry["condition"], **options)),
                     ("replace", partial(campaigns.replace, other["id"], entry["event_type"], entry["condition"],
                                         **options)),
                     ("remove", partial(campaigns.remove, entry["id"])))
            for kind, change in steps:
                wall, cpu = time.perf_counter(), time.thread_time()
                change()
                times[kind][0].append((time.thread_time() - cpu) * 1e3)
                times[kind][1].append((time.perf_counter() - wall) * 1e3)
        for kind, (cpu_ms, wall_ms) in times.items():
            cpu_ms.sort()
            wall_ms.sort()
            p99 = min(len(cpu_ms) - 1, int(len(cpu_ms) * 0.99))
            rows.append((scope, kind, f"{statistics.median(cpu_ms):.3f}", f"{cpu_ms[p99]:.3f}", f"{cpu_ms[-1]:.3f}",
                         f"{wall_ms[p99]:.3f}", f"{wall_ms[-1]:.3f}", str(len(cpu_ms))))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run: 1,000 and 10,000 campaigns, hard only")
    parser.add_argument("--populations", default=None,
                        help="comma-separated (default hard,wide,zones,weak,logic,rich,classic)")
    parser.add_argument("--sizes", default=None, help="comma-separated campaign counts (default 1000,10000,100000)")
    parser.add_argument("--events", type=int, default=None, help="events matched (default 1000, quick 300)")
    parser.add_argument("--naive-events", type=int, default=None, help="events the naive loop is timed on (100)")
    parser.add_argument("--changes", type=int, default=200, help="changes timed per kind and scope")
    parser.add_argument("--others-at", default=None,
                        help="comma-separated campaign counts for the populations after the first (default: --sizes)")
    parser.add_argument("--timestamps", choices=list(TIMESTAMPS), default="month",
                        help="event timestamps: random over a month (default) or a year, or in time order over a month "
                             "or a day (live)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    names = (args.populations or ("hard" if args.quick else "hard,wide,zones,weak,logic,rich,classic")).split(",")
    sizes = [int(size) for size in (args.sizes or ("1000,10000" if args.quick else "1000,10000,100000")).split(",")]
    event_count = args.events or (300 if args.quick else 1000)
    naive_count = args.naive_events or 100
    table: list[tuple[str, ...]] = []
    others = [int(size) for size in args.others_at.split(",")] if args.others_at else sizes
    for name in names:
        events = events_of(name, event_count, args.seed + 4, args.timestamps)
        previous = None
        for size in sizes if name == names[0] else others:
            config = population(name, size, args.seed)
            campaigns, from_json, by_add = build(config)
            naive = NaiveLoop(campaigns)
            sample = events[:naive_count]
            for envelope in [*sample, *moved(sample)(0)]:
                if campaigns.match(envelope) != naive.match(envelope):
                    print(f"MISMATCH in {name} at N={size} for {envelope!r}")
                    return 1
            matched = sum(len(campaigns.match(envelope)) for envelope in events) / len(events)
            naive_us, set_us, fresh_us = best_us([(naive.match, sample), (campaigns.match, events),
                                                  (campaigns.match, moved(events))], 10.0 if size < 100_000
                                       else 30.0)
            growth = f"x{set_us / previous:.2f}" if previous else ""
            previous = set_us
            mib = f"{memory_mib(config):.1f}" if size == 10_000 else ""
            table.append((name, f"{size:,}", f"{matched:.1f}", f"{naive_us:,.0f}", f"{set_us:,.1f}",
                          f"{naive_us / set_us:,.1f}x", f"{fresh_us:,.1f}", f"{naive_us / fresh_us:,.1f}x", growth,
                          f"{from_json:.2f}", f"{by_add:.2f}", mib))
            del campaigns, naive
    largest = max(sizes)
    config = population(names[0], largest, args.seed)
    fresh = [{**entry, "id": f"new-{entry['id']}"} for entry in population(names[0], largest, args.seed + 1)]
    changes = change_latencies(CampaignSet.from_json(config), config, fresh, args.changes)
    print(f"{event_count} events per population, timestamps: {args.timestamps} (naive loop timed on {naive_count}); "
          "µs per match, best of "
          "interleaved rounds; build in seconds; memory of a 10,000 set in MiB (tracemalloc)")
    head = ("population", "N", "matches", "naive µs", "match µs", "speed-up", "moved µs", "speed-up", "growth",
            "from_json s", "add() s", "MiB")
    widths = [max(len(row[i]) for row in [head, *table]) for i in range(len(head))]
    for row in [head, *table]:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    print(f"\none change in a set of {largest:,} {names[0]} campaigns (condition checked), milliseconds of CPU time"
          " (and of wall-clock time)")
    head = ("scope", "change", "p50 ms", "p99 ms", "max ms", "wall p99", "wall max", "changes")
    widths = [max(len(row[i]) for row in [head, *changes]) for i in range(len(head))]
    for row in [head, *changes]:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

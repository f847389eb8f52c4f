"""Evaluate campaign conditions: thrilldrops-events compiled conditions beside what a user would use instead.

Run: python benchmarks/bench_conditions.py [--quick]

Contenders, on the same event in the same run (µs per evaluation, best of several repeats):
  lambda       a hand-written Python lambda over the same pydantic model: the floor
  ours         compile_condition(...) called on the payload model
  ours (env)   the same, called on an Envelope holding the payload
  json-logic   panzi-json-logic (module json_logic) on a dict made beforehand (not timed)
  cel-python   celpy on an activation converted beforehand (not timed), money as doubles
  rule-engine  rule_engine.Rule.matches on a dict made beforehand (not timed)

The rivals get their input ready-made, which favours them: a real engine would convert each
event first.

Compile time, µs per condition (best of several repeats for the three conditions; CPU time over
the whole population, each condition once, for the mean of the ``hard`` campaign population of
bench_campaigns.py): parsing the text (parse_with_spans), reading the JSON form (read_with_paths),
checking the tree against the schema (check_condition), and the whole compile_condition (parse,
check, build the evaluator), beside rule-engine's and cel-python's parse of the same condition.
"""

from __future__ import annotations

import argparse
import time
import timeit
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import celpy
import rule_engine
from campaign_populations import POPULATIONS, campaign_config
from json_logic import jsonLogic

from thrilldrops_events import ChannelType, Deposit, Envelope, PlayerLogin, Transaction, compile_condition
from thrilldrops_events.conditions import check_condition, condition_to_json
from thrilldrops_events.conditions.jsonform import read_with_paths
from thrilldrops_events.conditions.parser import parse_with_spans

GAMES = [f"game-{index:02d}" for index in range(49)] + ["starburst"]
_GAME_LIST = ", ".join(f'"{game}"' for game in GAMES)
_GAME_SET = frozenset(GAMES)
_MOBILE = frozenset({"MobileWeb", "MobileNative"})

DEPOSIT = Deposit(method_id="visa", currency="EUR", amount=Decimal("25.00"))
TRANSACTION = Transaction(
    provider_id="pragmatic", game_id="starburst", gameround_id="r-1", currency="EUR", game_bet=Decimal("1.00"),
    bonus_bet=Decimal("0.25"), real_bet=Decimal("0.75"), jackpot_bet=Decimal("0"), game_win=Decimal("2.50"),
    jackpot_win=Decimal("0"), is_free_spin=False, round_finished=True,
)
LOGIN = PlayerLogin(channel_type=ChannelType.MobileWeb, currency="EUR", country="MT")  # jurisdiction is null

CASES: list[dict[str, Any]] = [
    {
        "name": "(a) deposit, 2 clauses",
        "event": DEPOSIT,
        "text": 'amount >= 20 and currency == "EUR"',
        "lambda": lambda p: p.amount >= 20 and p.currency == "EUR",
        "json_logic": {"and": [{">=": [{"var": "amount"}, 20]}, {"==": [{"var": "currency"}, "EUR"]}]},
        "cel": 'amount >= 20.0 && currency == "EUR"',
        "rule": 'amount >= 20 and currency == "EUR"',
    },
    {
        "name": "(b) transaction, 5 clauses, 50-item in",
        "event": TRANSACTION,
        "text": f'real_bet + bonus_bet >= 1 and not is_free_spin and game_id in [{_GAME_LIST}] and currency == "EUR" '
        "and round_finished",
        "lambda": lambda p: (
            p.real_bet + p.bonus_bet >= 1 and not p.is_free_spin and p.game_id in _GAME_SET and p.currency == "EUR"
            and p.round_finished
        ),
        "json_logic": {"and": [
            {">=": [{"+": [{"var": "real_bet"}, {"var": "bonus_bet"}]}, 1]},
            {"!": {"var": "is_free_spin"}},
            {"in": [{"var": "game_id"}, GAMES]},
            {"==": [{"var": "currency"}, "EUR"]},
            {"var": "round_finished"},
        ]},
        "cel": f'real_bet + bonus_bet >= 1.0 && !is_free_spin && game_id in [{_GAME_LIST}] && currency == "EUR" '
        "&& round_finished",
        "rule": f'real_bet + bonus_bet >= 1 and not is_free_spin and game_id in [{_GAME_LIST}] and currency == "EUR" '
        "and round_finished",
    },
    {
        "name": "(c) login with nulls",
        "event": LOGIN,
        "text": 'channel_type in ["MobileWeb", "MobileNative"] and country is not null and country != "UK" '
        'and (jurisdiction == "MGA" or jurisdiction is null)',
        "lambda": lambda p: (
            p.channel_type in _MOBILE and p.country is not None and p.country != "UK"
            and (p.jurisdiction == "MGA" or p.jurisdiction is None)
        ),
        "json_logic": {"and": [
            {"in": [{"var": "channel_type"}, ["MobileWeb", "MobileNative"]]},
            {"!=": [{"var": "country"}, None]},
            {"!=": [{"var": "country"}, "UK"]},
            {"or": [{"==": [{"var": "jurisdiction"}, "MGA"]}, {"==": [{"var": "jurisdiction"}, None]}]},
        ]},
        "cel": 'channel_type in ["MobileWeb", "MobileNative"] && country != null && country != "UK" '
        '&& (jurisdiction == "MGA" || jurisdiction == null)',
        "rule": 'channel_type in ["MobileWeb", "MobileNative"] and country != null and country != "UK" '
        'and (jurisdiction == "MGA" or jurisdiction == null)',
    },
]


def _plain(event: Any, *, floats: bool) -> dict[str, Any]:
    data = event.model_dump(mode="python")
    for key, value in data.items():
        if isinstance(value, Decimal) and floats:
            data[key] = float(value)
        elif isinstance(value, ChannelType):
            data[key] = value.value
    return data


def best(function: Callable[[], Any], seconds: float, repeat: int) -> float:
    """Microseconds per call: the minimum over ``repeat`` runs of about ``seconds`` each."""
    number = max(1, int(seconds / max(timeit.timeit(function, number=200) / 200, 1e-9)))
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number * 1e6


def _cpu_mean(function: Callable[[Any], Any], inputs: list[Any]) -> float:
    """Microseconds of CPU per input: ``function`` once on each input, the best of three passes."""
    passes = []
    for _ in range(3):
        start = time.process_time()
        for item in inputs:
            function(item)
        passes.append(time.process_time() - start)
    return min(passes) / len(inputs) * 1e6


def compile_times(seconds: float, repeat: int, population: int) -> None:
    """Print the compile-time table: our parse, JSON read, check and compile beside the rivals' parse."""
    header = ["parse", "JSON read", "check", "parse+check", "compile", "rule-engine", "cel-python"]
    print("\nCompile time, µs per condition (parse, read the JSON form, check, compile; the rivals' parse)")
    print(f"{'condition':<40}" + "".join(f"{name:>13}" for name in header))
    for case in CASES:
        times = _case_times(case, seconds, repeat)
        print(f"{case['name']:<40}" + "".join(f"{value:>13.1f}" for value in times))
    configs = campaign_config(POPULATIONS["hard"], population, seed=7)
    cases = [(config["condition"], config["event_type"]) for config in configs]
    parsed = [(parse_with_spans(text), text, kind) for text, kind in cases]
    documents = [condition_to_json(node) for (node, _), _, _ in parsed]
    means = [
        _cpu_mean(_parse_only, cases),
        _cpu_mean(read_with_paths, documents),
        _cpu_mean(_check_only, parsed),
        _cpu_mean(_parse_and_check, cases),
        _cpu_mean(_compile, cases[: max(1, population // 10)]),
    ]
    label = f"mean of {population:,} hard conditions"
    print(f"{label:<40}" + "".join(f"{value:>13.1f}" for value in means) + f"{'-':>13}{'-':>13}")
    length = sum(len(text) for text, _ in cases) / len(cases)
    print(f"(the hard conditions: {length:.0f} characters on average; compile timed on the first tenth; "
          "rule-engine and cel-python do not read their syntax)")


def _case_times(case: dict[str, Any], seconds: float, repeat: int) -> list[float]:
    text, kind, environment = case["text"], case["event"].event_type, celpy.Environment()
    node, spans = parse_with_spans(text)
    document = condition_to_json(node)
    return [
        best(lambda: parse_with_spans(text), seconds, repeat),
        best(lambda: read_with_paths(document), seconds, repeat),
        best(lambda: check_condition(node, kind, source=text, spans=spans), seconds, repeat),
        best(lambda: _parse_and_check((text, kind)), seconds, repeat),
        best(lambda: compile_condition(text, kind), seconds, repeat),
        best(lambda: rule_engine.Rule(case["rule"]), seconds, repeat),
        best(lambda: environment.compile(case["cel"]), seconds, repeat),
    ]


def _parse_only(case: tuple[str, str]) -> Any:
    return parse_with_spans(case[0])


def _check_only(item: tuple[tuple[Any, Any], str, str]) -> Any:
    (node, spans), text, kind = item
    return check_condition(node, kind, source=text, spans=spans)


def _parse_and_check(case: tuple[str, str]) -> Any:
    """What a campaign set does first with each condition it is given as text."""
    node, spans = parse_with_spans(case[0])
    return check_condition(node, case[1], source=case[0], spans=spans)


def _compile(case: tuple[str, str]) -> Any:
    return compile_condition(case[0], case[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs, for a smoke test")
    parser.add_argument("--population", type=int, default=10_000, help="hard conditions for the compile-time mean")
    args = parser.parse_args()
    seconds, repeat = (0.02, 3) if args.quick else (0.15, 9)

    header = ["lambda", "ours", "ours (env)", "json-logic", "cel-python", "rule-engine"]
    print(f"Evaluating one condition on one event: µs per evaluation, best of {repeat}; lower is better\n")
    print(f"{'condition':<40}" + "".join(f"{name:>12}" for name in header) + f"{'ours/lambda':>13}{'rival/ours':>12}")
    for case in CASES:
        event = case["event"]
        envelope = Envelope(operator_id="op-1", brand_id="b-7", player_id="p-1", timestamp=1777852800, payload=event)
        ours = compile_condition(case["text"], event.event_type)
        floor = case["lambda"]
        logic, data = case["json_logic"], _plain(event, floats=False)
        environment = celpy.Environment()
        program = environment.program(environment.compile(case["cel"]))
        activation = celpy.json_to_cel(_plain(event, floats=True))
        rule = rule_engine.Rule(case["rule"])
        results = {
            "lambda": floor(event), "ours": ours(event), "ours (env)": ours(envelope),
            "json-logic": jsonLogic(logic, data), "cel-python": bool(program.evaluate(activation)),
            "rule-engine": rule.matches(data),
        }
        if len({bool(value) for value in results.values()}) != 1:
            print(f"  warning: the contenders disagree on {case['name']}: {results}")
        timings = {
            "lambda": best(lambda f=floor, e=event: f(e), seconds, repeat),
            "ours": best(lambda f=ours, e=event: f(e), seconds, repeat),
            "ours (env)": best(lambda f=ours, e=envelope: f(e), seconds, repeat),
            "json-logic": best(lambda rule=logic, d=data: jsonLogic(rule, d), seconds, repeat),
            "cel-python": best(lambda f=program.evaluate, a=activation: f(a), seconds, repeat),
            "rule-engine": best(lambda f=rule.matches, d=data: f(d), seconds, repeat),
        }
        rival = min(timings[name] for name in ("json-logic", "cel-python", "rule-engine"))
        print(
            f"{case['name']:<40}" + "".join(f"{timings[name]:>12.2f}" for name in header)
            + f"{timings['ours'] / timings['lambda']:>12.2f}x{rival / timings['ours']:>11.0f}x"
        )
    print("\nours/lambda: target <= 1.5x; rival/ours: the fastest rival's time over ours, target >= 10x")
    compile_times(seconds, repeat, 1_000 if args.quick else args.population)
    print("\ncompile target < 1,000 µs; parse+check of the hard conditions target <= 40 µs")


if __name__ == "__main__":
    main()

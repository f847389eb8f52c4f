"""The generated event reference: built from the models and ``_fields``, and published with the schemas."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from thrilldrops_events import Deposit, EventType, _docs, _fields, compile_condition, parse_event, to_json

ROOT = Path(__file__).resolve().parent.parent
HOOK = ROOT / "docs" / "hooks" / "events_reference.py"


def _load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("events_reference_hook", HOOK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _field_entries(page: str) -> dict[str, tuple[str, str]]:
    """The fields listed on a page: name -> (the line of kind, wire type and presence, the description)."""
    entries = {}
    for match in re.finditer(r"^`(\w+)`\n:   (.*)\n\n    (.*)$", page, re.MULTILINE):
        entries[match[1]] = (match[2], match[3])
    return entries


def _rules(page: str) -> dict[str, str]:
    """The rules stated on a page: anchor -> rule."""
    return dict(re.findall(r'^<span id="(rule-[\w-]+)"></span>[\w ]+\n:   (.*)$', page, re.MULTILINE))


@pytest.mark.parametrize("event_type", list(EventType), ids=str)
def test_page_shows_every_field_with_its_spec(event_type: EventType) -> None:
    page = _docs.render_event_page(event_type)
    assert page.startswith(f"# {event_type.value}\n")
    assert f'Wire name: `"{event_type.value}"`' in page
    model = event_type.model
    assert (model.__doc__ or "").strip().splitlines()[0] in page
    entries = _field_entries(page)
    specs = _fields.payload_fields(event_type)
    assert list(entries) == [spec.name for spec in specs]
    rules = _rules(page)
    for spec in specs:
        kind, description = entries[spec.name]
        anchor = _docs.rule_anchor(spec.kind)
        assert kind.startswith(f"[{spec.kind.replace('_', ' ')}](#{anchor}) · ")
        assert kind.endswith("may be `null` or absent" if spec.nullable else "required")
        assert description == " ".join(spec.description.split())
        assert rules[anchor].startswith(spec.rule)  # each kind's rule, stated once, where its link points
    assert len(rules) == len({spec.kind for spec in specs})
    money = [rule for anchor, rule in rules.items() if "money" in anchor]
    assert all(rule.endswith("See [Money and precision](../../guides/money.md).") for rule in money)


@pytest.mark.parametrize("event_type", list(EventType), ids=str)
def test_page_example_is_a_complete_valid_envelope(event_type: EventType) -> None:
    page = _docs.render_event_page(event_type)
    example = page.split("```json\n", 1)[1].split("\n```", 1)[0]
    envelope = parse_event(example, strict=True)
    assert envelope == _docs.example_envelope(event_type)
    assert envelope.event_type is event_type
    # Complete: every field of the payload is written, the nullable ones included.
    written = json.loads(example)["event_type"][event_type.value]
    assert set(written) == {spec.name for spec in _fields.payload_fields(event_type)}
    assert json.loads(example) == json.loads(to_json(envelope))


@pytest.mark.parametrize("event_type", list(EventType), ids=str)
def test_page_condition_compiles_and_holds_for_the_example(event_type: EventType) -> None:
    page = _docs.render_event_page(event_type)
    shown = page.split("## In campaign conditions", 1)[1].split("```text\n", 1)[1].split("\n```", 1)[0]
    condition = compile_condition(shown, event_type)
    assert condition(_docs.example_envelope(event_type)) is True


def test_changing_a_field_description_changes_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _docs.render_event_page(EventType.DEPOSIT)
    original = _fields.payload_fields(EventType.DEPOSIT)
    changed = tuple(
        dataclasses.replace(spec, description="How much the player paid in, in major units.")
        if spec.name == "amount"
        else spec
        for spec in original
    )
    monkeypatch.setattr(_fields, "payload_fields", lambda event_type: changed)
    after = _docs.render_event_page(EventType.DEPOSIT)
    assert after != before
    assert _field_entries(after)["amount"][1] == "How much the player paid in, in major units."
    assert "The amount deposited, >= 0." in before
    assert "The amount deposited, >= 0." not in after


def test_a_model_field_description_flows_to_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    info = Deposit.model_fields["balance_after"]
    _fields.payload_fields.cache_clear()
    try:
        with monkeypatch.context() as patch:
            patch.setattr(info, "description", "Balance | after, as the wallet reports it.")
            _fields.payload_fields.cache_clear()
            page = _docs.render_event_page("Deposit")
        assert _field_entries(page)["balance_after"][1] == "Balance | after, as the wallet reports it."
    finally:
        _fields.payload_fields.cache_clear()
    assert "Balance | after" not in _docs.render_event_page("Deposit")


def test_schema_link_or_note() -> None:
    linked = _docs.render_event_page("Withdrawal", schema_link="../../schemas/Withdrawal.json")
    assert "[`schemas/Withdrawal.json`](../../schemas/Withdrawal.json)" in linked
    assert "strict/" not in linked
    both = _docs.render_event_page(
        "Withdrawal",
        schema_link="../../schemas/Withdrawal.json",
        strict_schema_link="../../schemas/strict/Withdrawal.json",
    )
    assert "[`schemas/strict/Withdrawal.json`](../../schemas/strict/Withdrawal.json)" in both
    unlinked = _docs.render_event_page("Withdrawal")
    assert "](../../schemas/" not in unlinked
    assert "has not been generated" in unlinked


def test_index_lists_the_envelope_and_every_event() -> None:
    index = _docs.render_events_index()
    entries = _field_entries(index)
    for spec in _fields.ENVELOPE_FIELDS:
        assert spec.name in entries
    for event_type in EventType:
        assert f"[`{event_type.value}`]({event_type.value}.md)" in index
    assert "envelope.json" not in index
    linked = _docs.render_events_index(schema_links={"envelope.json": "../../schemas/envelope.json"})
    assert "[`schemas/envelope.json`](../../schemas/envelope.json)" in linked
    assert "asyncapi.json" not in linked


def test_hook_prunes_only_pending_pages_that_do_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hook = _load_hook()
    monkeypatch.setattr(hook, "PENDING_PAGES", frozenset({"guides/conditions.md", "guides/redis-streams.md",
                                                          "guides/campaigns.md"}))
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "redis-streams.md").write_text("# Redis\n")
    nav = [
        {"Home": "index.md"},
        {"Guides": [{"Conditions": "guides/conditions.md"}, {"Redis": "guides/redis-streams.md"}]},
        {"Later": [{"Campaigns": "guides/campaigns.md"}]},
        {"Typo": "guides/not-pending.md"},
    ]
    dropped: list[str] = []
    kept = hook._prune(nav, tmp_path, dropped)
    assert kept == [
        {"Home": "index.md"},
        {"Guides": [{"Redis": "guides/redis-streams.md"}]},  # pending but written: kept
        {"Typo": "guides/not-pending.md"},  # not pending: left for mkdocs to report in strict mode
    ]
    assert dropped == ["guides/conditions.md", "guides/campaigns.md"]


def test_hook_lists_every_event_type_in_the_nav() -> None:
    hook = _load_hook()
    nav = [
        {"Home": "index.md"},
        {"Reference": [{"Events": ["reference/events/index.md"]}, {"Errors": "reference/errors.md"}]},
    ]
    expanded = hook._with_event_pages(nav)
    events = expanded[1]["Reference"][0]["Events"]
    assert events[0] == "reference/events/index.md"
    assert events[1:] == [{kind.value: f"reference/events/{kind.value}.md"} for kind in EventType]
    assert expanded[0] == nav[0]
    assert expanded[1]["Reference"][1] == {"Errors": "reference/errors.md"}


def test_pending_pages_are_only_pages_not_written_yet() -> None:
    hook = _load_hook()
    written = sorted(page for page in hook.PENDING_PAGES if (ROOT / "docs" / page).is_file())
    assert not written, f"remove these pages from PENDING_PAGES in {HOOK.name}; they exist now: {written}"


def _site(tmp_path: Path, *, schemas: bool) -> Path:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Home\n\nSee [the events](reference/events/index.md).\n")
    (project / "docs" / "guides").mkdir()
    (project / "docs" / "guides" / "conditions.md").write_text("# Conditions\n")  # linked from every event page
    # linked from every event page, with its marker for the table of fields
    managers = "# Managers\n\n<!-- fields: generated when the site is built -->\n"
    (project / "docs" / "guides" / "campaign-managers.md").write_text(managers)
    (project / "docs" / "guides" / "money.md").write_text("# Money\n")  # linked from the rules of money
    if schemas:
        (project / "schemas" / "strict").mkdir(parents=True)
        for event_type in EventType:
            (project / "schemas" / f"{event_type.value}.json").write_text(json.dumps({"title": event_type.value}))
        (project / "schemas" / "strict" / "Deposit.json").write_text(json.dumps({"title": "strict"}))
        (project / "schemas" / "asyncapi.json").write_text(json.dumps({"asyncapi": "3.0.0"}))
    hook = HOOK.as_posix()
    (project / "mkdocs.yml").write_text(
        "site_name: t\nstrict: true\ntheme: {name: mkdocs}\n"
        f"hooks: ['{hook}']\nmarkdown_extensions: [tables]\n"
    )
    return project


def _build(project: Path) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = project / "site"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    build(config)
    return site


def test_hook_publishes_schemas_and_links_them(tmp_path: Path) -> None:
    site = _build(_site(tmp_path, schemas=True))
    for event_type in EventType:
        published = site / "schemas" / f"{event_type.value}.json"
        assert json.loads(published.read_text()) == {"title": event_type.value}
        html = (site / "reference" / "events" / event_type.value / "index.html").read_text()
        assert f'href="../../../schemas/{event_type.value}.json"' in html
    assert json.loads((site / "schemas" / "strict" / "Deposit.json").read_text()) == {"title": "strict"}
    deposit = (site / "reference" / "events" / "Deposit" / "index.html").read_text()
    assert 'href="../../../schemas/strict/Deposit.json"' in deposit
    assert "schemas/strict/" not in (site / "reference" / "events" / "Withdrawal" / "index.html").read_text()
    index = (site / "reference" / "events" / "index.html").read_text()
    assert "ThrillPotsRaffleWinEvent" in index
    assert 'href="../../schemas/asyncapi.json"' in index
    assert "envelope.json" not in index


def test_hook_tolerates_missing_schemas(tmp_path: Path) -> None:
    site = _build(_site(tmp_path, schemas=False))
    assert not (site / "schemas").exists()
    html = (site / "reference" / "events" / "Deposit" / "index.html").read_text()
    assert "has not been generated" in html

"""Measuring the NLU on a labelled test set, and the lookup table of places for Rasa."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.content import Area
from bot.nlu import EMERGENCY_INTENTS, INTENTS, Understander, fold


@dataclass(frozen=True)
class Case:
    text: str
    intent: str
    lang: str


@dataclass
class Result:
    cases: list[Case]
    predicted: list[str]
    sources: list[str]
    seconds: list[float] = field(default_factory=list)
    cautions: list[bool] = field(default_factory=list)  # answer carried the emergency line


def load_cases(path: Path) -> list[Case]:
    """Read a JSON-lines test set; a bad line stops with its line number."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            case = Case(str(row["text"]), str(row["intent"]), str(row.get("lang", "en")))
        except (ValueError, KeyError) as exc:
            raise SystemExit(f"{path}:{number}: not a test case: {exc}") from None
        if case.intent not in INTENTS:
            raise SystemExit(f"{path}:{number}: unknown intent {case.intent!r}")
        cases.append(case)
    return cases


async def evaluate(understander: Understander, cases: list[Case]) -> Result:
    predicted, sources, seconds, cautions = [], [], [], []
    for case in cases:
        started = time.perf_counter()
        understood = await understander.understand(case.text, case.lang)
        seconds.append(time.perf_counter() - started)
        predicted.append(understood.intent)
        sources.append(understood.source)
        cautions.append(understood.caution)
    if understander.rasa is not None:
        await understander.rasa.close()
    return Result(cases, predicted, sources, seconds, cautions)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def metrics(result: Result) -> dict[str, object]:
    """Accuracy per language, emergency recall and false-positive rate, per intent P/R/F1."""
    by_lang: dict[str, list[bool]] = {}
    emergencies = caught = ordinary = false_alarms = 0
    fp_by_lang: Counter[str] = Counter()
    ordinary_by_lang: Counter[str] = Counter()
    for case, guess in zip(result.cases, result.predicted, strict=True):
        by_lang.setdefault(case.lang, []).append(case.intent == guess)
        if case.intent in EMERGENCY_INTENTS:
            emergencies += 1
            caught += guess in EMERGENCY_INTENTS  # either card gets the person help
        else:
            ordinary += 1
            ordinary_by_lang[case.lang] += 1
            if guess in EMERGENCY_INTENTS:
                false_alarms += 1
                fp_by_lang[case.lang] += 1
    # The caution line is not the card, so it counts for neither number above; it is
    # reported on its own: how many emergencies still saw the number, and how often an
    # ordinary message carried the line.
    cautions = result.cautions or [False] * len(result.cases)
    reached = cautioned = 0
    for case, guess, caution in zip(result.cases, result.predicted, cautions, strict=True):
        if case.intent in EMERGENCY_INTENTS:
            reached += guess in EMERGENCY_INTENTS or caution
        else:
            cautioned += guess not in EMERGENCY_INTENTS and caution
    per_intent = {}
    for intent in INTENTS:
        tp = sum(
            1
            for c, g in zip(result.cases, result.predicted, strict=True)
            if c.intent == intent and g == intent
        )
        fp = sum(
            1
            for c, g in zip(result.cases, result.predicted, strict=True)
            if c.intent != intent and g == intent
        )
        fn = sum(
            1
            for c, g in zip(result.cases, result.predicted, strict=True)
            if c.intent == intent and g != intent
        )
        if tp + fp + fn == 0:
            continue
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[intent] = (precision, recall, f1, tp + fn)
    return {
        "accuracy": {lang: sum(v) / len(v) for lang, v in by_lang.items()},
        "overall": sum(c.intent == g for c, g in zip(result.cases, result.predicted, strict=True))
        / max(1, len(result.cases)),
        "emergency_recall": caught / emergencies if emergencies else 1.0,
        "emergency_false_positive_rate": false_alarms / ordinary if ordinary else 0.0,
        "emergency_number_reach": reached / emergencies if emergencies else 1.0,
        "caution_rate": cautioned / ordinary if ordinary else 0.0,
        "false_positive_by_lang": {
            lang: fp_by_lang[lang] / n for lang, n in ordinary_by_lang.items() if n
        },
        "per_intent": per_intent,
    }


def report(result: Result) -> str:
    """The printed report of `first48 nlu eval`."""
    m = metrics(result)
    lines = [
        f"{len(result.cases)} messages; sources: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(result.sources).items()))
    ]
    lines.append(f"accuracy (all): {100 * m['overall']:.1f}%")  # type: ignore[operator]
    for lang, value in sorted(m["accuracy"].items()):  # type: ignore[attr-defined]
        count = sum(1 for c in result.cases if c.lang == lang)
        lines.append(f"accuracy {lang}: {100 * value:5.1f}%  ({count} messages)")
    lines.append(f"emergency recall: {100 * m['emergency_recall']:.1f}%")  # type: ignore[operator]
    lines.append(
        f"emergency false positives: "
        f"{100 * m['emergency_false_positive_rate']:.1f}%  by language: "  # type: ignore[operator]
        + ", ".join(f"{k} {100 * v:.1f}%" for k, v in sorted(m["false_positive_by_lang"].items()))
    )  # type: ignore[attr-defined]
    lines.append(
        f"emergencies that saw the number (card or caution line): "
        f"{100 * m['emergency_number_reach']:.1f}%; "  # type: ignore[operator]
        f"caution line on ordinary messages: {100 * m['caution_rate']:.1f}%"  # type: ignore[operator]
    )
    lines.append("")
    lines.append(f"{'intent':<20} {'precision':>9} {'recall':>7} {'f1':>6} {'n':>4}")
    for intent, (p, r, f1, n) in m["per_intent"].items():  # type: ignore[attr-defined]
        lines.append(f"{intent:<20} {p:9.2f} {r:7.2f} {f1:6.2f} {n:4d}")
    confusion = Counter(
        (c.intent, g) for c, g in zip(result.cases, result.predicted, strict=True) if c.intent != g
    )
    lines.append("")
    lines.append("most confused (expected -> predicted):")
    for (expected, guess), count in confusion.most_common(10):
        lines.append(f"  {count:3d}  {expected} -> {guess}")
    emergencies_missed = [
        c.text
        for c, g in zip(result.cases, result.predicted, strict=True)
        if c.intent in EMERGENCY_INTENTS and g not in EMERGENCY_INTENTS
    ]
    if emergencies_missed:
        lines.append("")
        lines.append("missed emergencies:")
        lines += [f"  {text}" for text in emergencies_missed]
    if result.seconds:
        ordered = sorted(result.seconds)
        p50 = ordered[len(ordered) // 2] * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        lines.append("")
        lines.append(f"latency per message: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    return "\n".join(lines)


def place_lookup(areas: Iterable[Area]) -> str:
    """A Rasa lookup table of every town name and alias, as YAML text."""
    names: set[str] = set()
    for area in areas:
        for name in (area.name, *area.aliases):
            names.add(name)
            if fold(name) != name.lower():
                names.add(fold(name))
    lines = [
        'version: "3.1"',
        "# Generated by `first48 nlu lookups` from content/areas.yml.",
        "nlu:",
        "- lookup: place",
        "  examples: |",
    ]
    lines += [f"    - {name}" for name in sorted(names, key=lambda n: (n.lower(), n))]
    return "\n".join(lines) + "\n"

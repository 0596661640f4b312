"""One multilingual model or one model per language? Measure both on the same test set.

Usage (Rasa must be serving on RASA_URL, default http://127.0.0.1:5005, started by
`scripts/rasa up`; this swaps models on that server through its API and puts the main
model back at the end):

    .venv/bin/python bench/nlu_languages.py tests/nlu/heldout.jsonl

Per-language models are trained with the same config into a temporary folder.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bot.nlu import Keywords, RasaClient, Understander
from bot.nlu_eval import Case, evaluate, load_cases, metrics

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
URL = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
MAIN_MODEL = ROOT / "nlu" / "models" / "first48-nlu.tar.gz"


def train(language: str, out: Path) -> Path:
    data = out / f"data-{language}"
    (data / "lookups").mkdir(parents=True)
    (data / f"{language}.yml").write_text((ROOT / "nlu/data/nlu" / f"{language}.yml").read_text())
    for lookup in (ROOT / "nlu/data/lookups").glob("*.yml"):
        (data / "lookups" / lookup.name).write_text(lookup.read_text())
    subprocess.run(
        [
            str(RASA),
            "train",
            "nlu",
            "--config",
            str(ROOT / "nlu/config.yml"),
            "--nlu",
            str(data),
            "--out",
            str(out),
            "--fixed-model-name",
            f"nlu-{language}",
            "--quiet",
        ],
        check=True,
        env={
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "RASA_CACHE_DIRECTORY": str(out / "cache"),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return out / f"nlu-{language}.tar.gz"


def load_model(path: Path) -> None:
    httpx.put(f"{URL}/model", json={"model_file": str(path)}, timeout=300).raise_for_status()


async def accuracy(cases: list[Case]) -> tuple[float, float]:
    understander = Understander(RasaClient(URL, timeout=5), Keywords.load())
    m = metrics(await evaluate(understander, cases))
    return m["overall"], m["emergency_recall"]  # type: ignore[return-value]


def main() -> None:
    cases = load_cases(Path(sys.argv[1]))
    languages = sorted({c.lang for c in cases})
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for language in languages:
            subset = [c for c in cases if c.lang == language]
            load_model(MAIN_MODEL)
            shared = asyncio.run(accuracy(subset))
            load_model(train(language, Path(tmp)))
            own = asyncio.run(accuracy(subset))
            rows.append((language, len(subset), shared, own))
    load_model(MAIN_MODEL)
    print("| language | messages | one model: accuracy | per-language model: accuracy |")
    print("|---|---|---|---|")
    for language, n, shared, own in rows:
        print(f"| {language} | {n} | {100 * shared[0]:.1f}% | {100 * own[0]:.1f}% |")


if __name__ == "__main__":
    main()

"""The danger screen: a second, in-process reader for overdose and crisis messages.

The detector (bot/detector.py) is a list of phrases: every new blind test set showed people
finding new words for being in danger, and Rasa, when it is up, reads the whole message but
is sometimes sure of the wrong thing. The screen is a third reader with another kind of
judgement: a linear model (logistic regression) over character n-grams and word pairs of the
folded text, trained on the same peer-reviewed examples as Rasa (`nlu/data/nlu/`), with three
classes: overdose, crisis, anything else. It runs in the bot's own process, in about a
millisecond, so it works when Rasa is down or slow.

How bot/nlu.py uses it (thresholds below, chosen on the dev set, see the README): when it is sure
(`THRESHOLD`) the card is shown whatever Rasa says; from `CAUTION` the answer carries the
emergency line; Rasa's own emergency call needs at least `AGREES` from it; when both are half
sure, the card; and a topic word told as a story of long ago keeps the card only if the screen
sees danger.

scikit-learn trains the model from `nlu/data/nlu/*.yml` in a few seconds, in a separate process
(`python -m bot.screen`), and writes its weights as plain JSON to
`nlu/models/danger-screen.json`, with a fingerprint of the data and of scikit-learn's version.
The bot reads that file and scores messages in pure Python: scikit-learn and SciPy (about 80 MB)
are never loaded into the bot. The model is retrained when the fingerprint changes; if the
training data cannot be read, the last model built stays in use, and the log says so.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import subprocess
import sys
import tempfile
from array import array
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import yaml

from bot.areas import fold as fold_words

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DATA = ROOT / "nlu" / "data" / "nlu"
MODEL_FILE = ROOT / "nlu" / "models" / "danger-screen.json"
OVERDOSE, CRISIS, OTHER = "overdose_emergency", "crisis_self_harm", "other"
# Sure enough for the card whatever Rasa says: on the dev set (the eighth to eleventh blind sets)
# this catches every emergency the detector and Rasa miss, with 0.7 % false alarms in all.
THRESHOLD = 0.7
# When Rasa cannot be asked (down or slow), the screen alone is trusted from here: on the
# dev set, with the detector, every emergency caught, at about 3.4 % false alarms (most of them
# topic words that only Rasa could overrule).
ALONE = 0.6
# Rasa's emergency reading (of the whole message, or beside a topic word) gets the card only
# if the screen gives it at least this much.
AGREES = 0.4
# Not sure enough for the card, but the answer ends with the emergency number (the caution
# line): on the dev set this adds the line to about 2 % more ordinary answers.
CAUTION = 0.5
# Below this, the other card is shown too: the screen is not sure which danger it is.
BOTH_CARDS = 0.3
MAX_CHARS = 4096  # Telegram's own limit: the time to read a message stays bounded
_VERSION = "1"  # bump when the features or the model change
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")
_RUN = re.compile(r"(\w)\1{2,}")
_SPACES = re.compile(r"\s\s+")
_WORDS = re.compile(r"\w+")
TRAIN_SECONDS = 120  # a generous bound for the training process


class ScreenError(Exception):
    """The training data could not be read; the message names the file."""


@dataclass(frozen=True)
class Danger:
    """How sure the screen is that a message is an overdose or a crisis happening now."""

    overdose: float
    crisis: float

    @property
    def total(self) -> float:
        return self.overdose + self.crisis


def fold(text: str) -> str:
    """Like the town matcher's fold, with apostrophes dropped so "don't" stays one word."""
    return fold_words(text.replace("'", "").replace("’", ""))


def normalise(text: str) -> str:
    """Lower case, no accents, no apostrophes, "heeelp" -> "heelp": as people misspell."""
    return _RUN.sub(r"\1\1", fold(text[:MAX_CHARS]))


def training_data(folder: Path = TRAINING_DATA, pattern: str = "*.yml") -> list[tuple[str, str]]:
    """(text, intent) for every example in the Rasa files matching `pattern`, entity
    annotations removed ("in [Leeds](place)" -> "in Leeds")."""
    examples: list[tuple[str, str]] = []
    for path in sorted(folder.glob(pattern)):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ScreenError(f"{where}: cannot read training data: {problem}") from None
        for block in data.get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    plain = _ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line[2:])
                    examples.append((plain, str(block["intent"])))
    return examples


def training_examples(folder: Path = TRAINING_DATA) -> list[tuple[str, str]]:
    """(normalised text, label) for every training example; label is overdose, crisis or
    other."""
    examples = [
        (normalise(text), intent if intent in (OVERDOSE, CRISIS) else OTHER)
        for text, intent in training_data(folder)
    ]
    if not {label for _, label in examples} >= {OVERDOSE, CRISIS, OTHER}:
        raise ScreenError(f"{folder}: no overdose, crisis and other examples to learn from")
    return examples


def fingerprint(folder: Path = TRAINING_DATA) -> str:
    """Changes when the training data, scikit-learn or the screen's own design changes."""
    try:
        sklearn = version("scikit-learn")
    except PackageNotFoundError:
        sklearn = "none"
    digest = hashlib.sha256(f"{_VERSION} sklearn {sklearn}".encode())
    for path in sorted(folder.glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def train(folder: Path = TRAINING_DATA) -> dict[str, Any]:
    """Fit the model with scikit-learn and return its weights as plain data (see DangerScreen)."""
    stamp = fingerprint(folder)
    vectorizers, classifier = fit(training_examples(folder))
    return export(vectorizers, classifier, stamp)


def fit(examples: list[tuple[str, str]]) -> tuple[list[Any], Any]:
    """The scikit-learn vectorizers and classifier, fitted on (normalised text, label) pairs."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizers = [
        # Misspellings, accents dropped, compounds ("ueberdosis", "overdosed").
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        # Words and word pairs ("not breathing", "wake up").
        TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\w+"
        ),
    ]
    texts = [text for text, _ in examples]
    matrix = hstack([v.fit_transform(texts) for v in vectorizers]).tocsr()
    # Balanced classes: a few hundred emergencies weigh as much as thousands of others.
    classifier = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000)
    classifier.fit(matrix, [label for _, label in examples])
    return vectorizers, classifier


def export(vectorizers: list[Any], classifier: Any, stamp: str) -> dict[str, Any]:
    """The fitted weights as JSON-ready data: per part, term -> [idf, weight per class]."""
    parts, offset = [], 0
    for vectorizer in vectorizers:
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        table = []
        for i in range(len(terms)):
            table.append(float(vectorizer.idf_[i]))
            table.extend(float(w) for w in classifier.coef_[:, offset + i])
        parts.append(
            {
                "analyzer": vectorizer.analyzer,
                "ngram_range": list(vectorizer.ngram_range),
                "terms": terms,
                "table": table,  # for each term in turn: idf, then its weight for each class
            }
        )
        offset += len(terms)
    return {
        "fingerprint": stamp,
        "classes": [str(c) for c in classifier.classes_],
        "intercept": [float(b) for b in classifier.intercept_],
        "parts": parts,
    }


def _char_wb(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries, exactly as scikit-learn's `char_wb`."""
    grams = []
    for word in _SPACES.sub(" ", text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[:n])
            while offset + n < len(padded):
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a short word counts once
                break
    return grams


def _word_grams(text: str, low: int, high: int) -> list[str]:
    """Word n-grams, exactly as scikit-learn's `word` analyser with token pattern \\w+."""
    tokens = _WORDS.findall(text)
    return [
        " ".join(tokens[i : i + n])
        for n in range(low, high + 1)
        for i in range(len(tokens) - n + 1)
    ]


class DangerScreen:
    """Scores a message with the exported weights: TF-IDF per part, then softmax."""

    def __init__(self, model: dict[str, Any]) -> None:
        self.fingerprint = str(model["fingerprint"])
        classes = [str(c) for c in model["classes"]]
        self._overdose, self._crisis = classes.index(OVERDOSE), classes.index(CRISIS)
        self._intercept = [float(b) for b in model["intercept"]]
        self._parts = [self._table(part, len(classes)) for part in model["parts"]]
        if len(self._intercept) != len(classes):
            raise ValueError("one intercept per class")

    @staticmethod
    def _table(part: dict[str, Any], classes: int) -> tuple[Any, int, int, dict[str, int], array]:
        """Compact: term -> row, and one flat array of [idf, weight per class] rows."""
        grams = _char_wb if part["analyzer"] == "char_wb" else _word_grams
        rows = {str(term): row for row, term in enumerate(part["terms"])}
        table = array("d", part["table"])
        if len(rows) != len(part["terms"]) or len(table) != len(rows) * (classes + 1):
            raise ValueError("the table needs an idf and one weight per class for each term")
        low, high = (int(n) for n in part["ngram_range"])
        return grams, low, high, rows, table

    def read(self, text: str) -> Danger:
        folded = normalise(text)
        logits = list(self._intercept)
        width = len(logits) + 1
        for grams, low, high, rows, table in self._parts:
            counts = Counter(rows[g] for g in grams(folded, low, high) if g in rows)
            # Sublinear TF-IDF, then each part scaled to unit length, as scikit-learn does.
            values = {r: (1 + math.log(c)) * table[r * width] for r, c in counts.items()}
            norm = math.sqrt(sum(v * v for v in values.values()))
            if not norm:
                continue
            for row, value in values.items():
                for k in range(len(logits)):
                    logits[k] += value / norm * table[row * width + 1 + k]
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        total = sum(exps)
        return Danger(exps[self._overdose] / total, exps[self._crisis] / total)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> DangerScreen | None:
        """The model saved at `path`, or None when there is none or it is damaged."""
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            logger.warning("danger screen: %s unusable (%s)", path, type(exc).__name__)
            return None

    @classmethod
    def ready(cls, folder: Path = TRAINING_DATA, path: Path = MODEL_FILE) -> DangerScreen | None:
        """The saved model if it is up to date; else train (in a separate process) and save.

        If the training data cannot be read, the last saved model stays in use; with none,
        there is no screen and the detector and Rasa work alone (the log says so).
        """
        try:
            wanted = fingerprint(folder)
        except OSError as exc:
            logger.error("danger screen: cannot read %s (%s)", folder, exc)
            return _in_memory.get(path) or cls.load(path)
        known = _in_memory.get(path)
        if known is not None and known.fingerprint == wanted:
            return known  # one model per process, however many bots it starts
        saved = cls.load(path)
        if saved is None or saved.fingerprint != wanted:
            problem = build(folder, path)
            if problem:
                logger.error(
                    "danger screen: %s; %s", problem, "keeping the last model" if saved else "off"
                )
            else:
                saved = cls.load(path) or saved
        if saved is not None:
            _in_memory[path] = saved
        return saved


_in_memory: dict[Path, DangerScreen] = {}


def build(folder: Path = TRAINING_DATA, path: Path = MODEL_FILE) -> str | None:
    """Train in a separate process (scikit-learn never enters the bot); None when done."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.screen", str(folder), str(path)],
            capture_output=True,
            text=True,
            timeout=TRAIN_SECONDS,
            cwd=ROOT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"training did not finish ({type(exc).__name__})"
    if done.returncode != 0:
        lines = (done.stderr or done.stdout or "").strip().splitlines()
        return lines[-1] if lines else f"training failed (exit {done.returncode})"
    logger.info("danger screen trained from %s", folder)
    return None


def save(model: dict[str, Any], path: Path = MODEL_FILE) -> None:
    """Written to a temporary file and renamed: a crash never leaves half a model."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(model, out, ensure_ascii=False, separators=(",", ":"))
        os.chmod(temporary, 0o644)  # like Rasa's model: readable by the user the bot runs as
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    """python -m bot.screen [DATA_DIR [MODEL_FILE]]: train and save the danger screen."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else TRAINING_DATA
    path = Path(args[1]) if len(args) > 1 else MODEL_FILE
    try:
        save(train(folder), path)
    except ScreenError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"danger screen: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

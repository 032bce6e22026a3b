"""False-positive and false-negative rates of the personal data guard on the kept corpus.

    .venv/bin/python bench/personal_data_rates.py [path/to/corpus.jsonl]
    .venv/bin/python bench/personal_data_rates.py --smoke   # one text in four: checks that it runs

The corpus (tests/data/personal_data_corpus.jsonl) holds counsellor-style case descriptions,
each labelled with the kinds of personal data it carries (none for about half of them, with
the look-alikes counsellors write every day: legal references, amounts, session dates,
public-service numbers). Rates:

- false negatives: expected (text, kind) pairs the detector does not find, over all expected
  pairs;
- false positives: texts labelled clean in which the detector finds anything, over all clean
  texts;
- extra kinds: on texts that do carry data, kinds found that were not expected (counted apart:
  the author is asked anyway).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from comcep.personaldata import kinds_found  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "personal_data_corpus.jsonl"


@dataclass
class Rates:
    expected_pairs: int = 0
    missed: list[tuple[str, str]] = field(default_factory=list)
    clean_texts: int = 0
    flagged_clean: list[tuple[str, list[str]]] = field(default_factory=list)
    extra: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def false_negative_rate(self) -> float:
        return len(self.missed) / self.expected_pairs if self.expected_pairs else 0.0

    @property
    def false_positive_rate(self) -> float:
        return len(self.flagged_clean) / self.clean_texts if self.clean_texts else 0.0

    def summary(self) -> str:
        lines = [
            f"texts with data: {self.expected_pairs} expected findings, {len(self.missed)} missed "
            f"-> false negatives {self.false_negative_rate:.1%}",
            f"clean texts: {self.clean_texts}, {len(self.flagged_clean)} flagged "
            f"-> false positives {self.false_positive_rate:.1%}",
            f"extra kinds on texts with data: {len(self.extra)}",
        ]
        lines += [f"  missed {kind} in {sample}" for sample, kind in self.missed]
        lines += [f"  flagged clean {sample}: {kinds}" for sample, kinds in self.flagged_clean]
        lines += [f"  extra in {sample}: {kinds}" for sample, kinds in self.extra]
        return "\n".join(lines)


def load(path: Path = CORPUS) -> list[dict]:
    with path.open(encoding="utf-8") as corpus:
        return [json.loads(line) for line in corpus if line.strip()]


def evaluate(samples: list[dict]) -> Rates:
    rates = Rates()
    for sample in samples:
        expected, found = set(sample["kinds"]), kinds_found(sample["text"])
        if expected:
            rates.expected_pairs += len(expected)
            rates.missed += [(sample["id"], kind) for kind in sorted(expected - found)]
            if found - expected:
                rates.extra.append((sample["id"], sorted(found - expected)))
        else:
            rates.clean_texts += 1
            if found:
                rates.flagged_clean.append((sample["id"], sorted(found)))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--smoke", action="store_true",
                        help="one text in four (clean ones and others); asserts no figure")
    args = parser.parse_args()
    path = args.corpus
    samples = load(path)[::4] if args.smoke else load(path)
    print(f"{len(samples)} texts from {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print(evaluate(samples).summary())


if __name__ == "__main__":
    main()

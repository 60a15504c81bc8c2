"""The grader on realistic, blind-written whole answers: tests/grading_realistic/*.toml.

Run: python benchmarks/grading_realistic.py [--set DIR] [--errors] [--by-style]
(--by-style: also per style and kind; --set: another folder of answer files, e.g.
tests/grading_dev, the dev set rubric work is tuned on, default tests/grading_realistic)

Each `[[answer]]` names a bundled card, the style it was written in (strong, decent,
weak, shorthand, keyword-list), the rating an interviewer gave it and, per rubric
point, whether it was covered. The labels were written before the grader saw the
answers and are frozen (SHA256SUMS beside them). Every answer is graded through the
same path as `tpmdrill grade` (tpmdrill.judging.judge), and the script prints, overall
and per deck: per-point precision, recall and F1; exact and within-one rating
agreement; mean signed bias in rating steps (positive: the grader is more generous
than the interviewer); and how many keyword-list answers were suggested above hard.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tpmdrill.decks import Card, deck_paths, load_deck
from tpmdrill.judging import judge
from tpmdrill.paths import bundled_decks_dir
from tpmdrill.ratings import RATINGS

SET_DIR = Path(__file__).resolve().parent.parent / "tests" / "grading_realistic"
TARGETS = {"within_one": 0.90, "exact": 0.65, "bias": 0.3, "precision": 0.90, "f1": 0.85, "lists_above_hard": 0}


@dataclass(frozen=True)
class Label:
    card: str
    style: str
    rating: str
    text: str
    points: dict[str, bool]


@dataclass(frozen=True)
class Outcome:
    label: Label
    deck: str
    kind: str
    suggested: str
    predicted: dict[str, bool]
    matched: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Figures:
    answers: int
    precision: float
    recall: float
    f1: float
    exact: float
    within_one: float
    bias: float
    lists_above_hard: int


def load_labels(folder: Path = SET_DIR) -> list[Label]:
    labels: list[Label] = []
    for path in sorted(folder.glob("*.toml")):
        for entry in tomllib.loads(path.read_text(encoding="utf-8"))["answer"]:
            labels.append(Label(entry["card"], entry["style"], entry["rating"], entry["text"], dict(entry["points"])))
    return labels


def bundled_cards() -> dict[str, Card]:
    return {card.full_id: card for path in deck_paths(bundled_decks_dir())
            for card in load_deck(path, self_check=False).cards}


def problems(labels: Iterable[Label], cards: dict[str, Card]) -> list[str]:
    """Labels that do not fit the bundled cards: an unknown card, a bad rating."""
    found = []
    for n, label in enumerate(labels, start=1):
        if label.card not in cards:
            found.append(f"answer #{n}: unknown card {label.card!r}")
        elif label.rating not in RATINGS:
            found.append(f"answer #{n} ({label.card}): rating {label.rating!r}")
    return found


def points_fit(label: Label, card: Card) -> bool:
    """Whether the label's point verdicts are about the card's rubric as it is now. A card
    whose rubric was rewritten after labelling keeps its holistic rating label; its point
    labels name points that no longer exist, so they are left out of the point figures."""
    return set(label.points) == {p.id for p in card.rubric}


def evaluate(labels: Iterable[Label], cards: dict[str, Card]) -> list[Outcome]:
    outcomes = []
    for label in labels:
        card = cards[label.card]
        judged = judge(card, label.text)
        predicted = {v.id: v.hit for v in judged.points} if points_fit(label, card) else {}
        matched = {v.id: v.matched for v in judged.points}
        outcomes.append(Outcome(label, card.deck, card.kind, judged.suggested_rating, predicted, matched))
    return outcomes


def figures(outcomes: list[Outcome]) -> Figures:
    pairs = [(o.predicted[pid], hit) for o in outcomes if o.predicted for pid, hit in o.label.points.items()]
    true_pos = sum(p and h for p, h in pairs)
    precision = true_pos / max(1, sum(p for p, _ in pairs))
    recall = true_pos / max(1, sum(h for _, h in pairs))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    steps = [RATINGS.index(o.suggested) - RATINGS.index(o.label.rating) for o in outcomes]
    count = max(1, len(outcomes))
    return Figures(
        answers=len(outcomes), precision=precision, recall=recall, f1=f1,
        exact=sum(s == 0 for s in steps) / count, within_one=sum(abs(s) <= 1 for s in steps) / count,
        bias=sum(steps) / count,
        lists_above_hard=sum(o.label.style == "keyword-list" and RATINGS.index(o.suggested) > 1 for o in outcomes),
    )


def line(name: str, f: Figures) -> str:
    return (f"{name:<14} {f.answers:>4}  P {f.precision:.3f}  R {f.recall:.3f}  F1 {f.f1:.3f}  "
            f"exact {f.exact:.0%}  within-one {f.within_one:.0%}  bias {f.bias:+.2f}  lists>hard {f.lists_above_hard}")


def report(outcomes: list[Outcome], *, by_style: bool) -> list[str]:
    lines = [line("all", figures(outcomes))]
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.deck].append(o)
        if by_style:
            groups[f"style:{o.label.style}"].append(o)
            groups[f"kind:{o.kind}"].append(o)
    lines += [line(name, figures(group)) for name, group in sorted(groups.items())]
    return lines


def errors(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for o in outcomes:
        if o.suggested != o.label.rating:
            lines.append(f"rating {o.label.card} [{o.label.style}]: labelled {o.label.rating}, suggested {o.suggested}")
        for pid, hit in o.label.points.items() if o.predicted else ():
            if o.predicted[pid] != hit:
                kind = "false hit " if o.predicted[pid] else "false miss"
                lines.append(f"  {kind} {o.label.card}/{pid} [{o.label.style}] matched {list(o.matched[pid])}")
    return lines


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The grader against blind-written, labelled answers.")
    parser.add_argument("--set", dest="folder", type=Path, default=SET_DIR,
                        help="folder of answer files (default: tests/grading_realistic, the held-out set)")
    parser.add_argument("--errors", action="store_true", help="list every wrong rating and point call")
    parser.add_argument("--by-style", action="store_true", help="also per style and per card kind")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if not args.folder.is_dir():
        print(f"Error: no answer folder {args.folder}", file=sys.stderr)
        return 2
    labels = load_labels(args.folder)
    cards = bundled_cards()
    bad = problems(labels, cards)
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return 1
    outcomes = evaluate(labels, cards)
    print("\n".join(report(outcomes, by_style=args.by_style)))
    print("targets: " + ", ".join(f"{k} {v}" for k, v in TARGETS.items()))
    if args.errors:
        print("\n".join(errors(outcomes)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

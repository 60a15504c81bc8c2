"""The Jinja environment and the rendering of reports and mock-interview sheets.

HTML templates (`*.html.j2`) autoescape every value; Markdown templates (`*.md.j2`)
do not HTML-escape but pass user and deck text through `md` (inline text) or
`md_block` (multi-line text in a fence), which neutralise Markdown and HTML. Missing
variables raise (StrictUndefined). Figures and chart geometry are prepared here, so
templates only place them.
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from tpmdrill import charts
from tpmdrill.errors import BadValue
from tpmdrill.paths import template_cache_dir, templates_dir
from tpmdrill.weak import Weakness, counts_text, when_text
from tpmdrill.wording import plural

if TYPE_CHECKING:  # the report does not need the mock sheet's modules, nor markdown-it
    from jinja2.bccache import Bucket

    from tpmdrill.analytics import Mastery, Report
    from tpmdrill.mock import MockSet
    from tpmdrill.mocksheets import MockResult

FORMATS = ("html", "md")
PROMPT_PREVIEW = 120  # characters of a prompt or point shown before "more"
# Characters that start Markdown emphasis, code, links, tables or strikethrough; text
# is joined onto one line first, so line-start markers (#, -, 1.) never begin a line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


class _TemplateCache(FileSystemBytecodeCache):
    """Compiled templates kept between runs, so a report does not compile its templates
    each time. Jinja checks each entry against the template's source (and its own and
    Python's version) and writes entries atomically; one that cannot be read, or a
    folder that cannot be written, is passed over, never an error."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry, of whatever kind: compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _template_cache() -> _TemplateCache | None:
    folder = template_cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return _TemplateCache(str(folder))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        bytecode_cache=_template_cache(),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    env.filters["md_block"] = markdown_block
    env.filters["markdown_html"] = markdown_html
    env.filters["percent"] = percent
    env.filters["count"] = count
    env.filters["plural"] = counted  # "1 review", "12,000 reviews"
    return env


def markdown_text(value: object) -> str:
    """One line of text that GitHub shows literally: no markup, no HTML, no table breaks."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown_block(value: object) -> str:
    """Multi-line text in a fenced block longer than any backtick run inside it."""
    text = str(value).strip("\n")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def markdown_html(value: object) -> Markup:
    """Deck Markdown (model answers) as HTML for the sheets, safe by construction
    (`tpmdrill.markup`): a hostile deck still shows its text and runs nothing."""
    from tpmdrill.markup import markdown_to_html

    return Markup(markdown_to_html(str(value)))


def counted(value: int, word: str, many: str | None = None) -> str:
    """`plural` with thousands separators, as every count on a page is written."""
    return plural(value, word, many, digits=",")


def count(value: int) -> str:
    """A count with thousands separators, as every figure on the page is written."""
    return f"{value:,}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(**context)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise BadValue(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    return fmt


# ---- the review report --------------------------------------------------------


def render_report(report: Report, fmt: str) -> str:
    return render(f"report.{check_format(fmt)}.j2", report_context(report))


def report_context(report: Report) -> dict[str, Any]:
    weeks = report.weeks
    return {
        "report": report,
        "heatmap": charts.heatmap([(d.day, d.reviews) for d in report.activity]),
        "weekly": charts.bar_chart(
            [(w.week.strftime("%d %b"), w.reviews, f"week of {w.week.isoformat()}: {plural(w.reviews, 'review')}, "
              f"retention {percent(w.retention)}, {plural(w.learning_agains, 'Again')} while learning") for w in weeks],
            every=max(1, len(weeks) // 8), line=[w.retention for w in weeks],
        ),
        "forecast": charts.bar_chart(
            [(day.strftime("%d %b"), count, f"{day.isoformat()}: {count} due") for day, count in report.forecast],
            every=5, marker=_interview_marker(report),
        ),
        "mastery": charts.hbar_chart(
            [(m.name, m.mean_recall or 0.0, f"{percent(m.mean_recall)} · {percent(m.mastered_share)}",
              m.mastered_share) for m in report.categories],
            label_width=160,
        ),
        "weakest": _weakest_chart(report),
        "weak_rows": [_weak_row(w, report) for w in report.weak.points],
        "active_days": sum(1 for d in report.activity if d.reviews),
        "weak_cards": [_weak_row(w, report) for w in report.weak.cards],
        "readiness_chart": _readiness_chart(report),
        "deck_rows": [_mastery_row(m) for m in report.decks if m.cards],
        "dimension_charts": [
            (d.dimension, d.most, charts.bar_chart(
                [(day.strftime("%d %b"), total, f"{day.isoformat()}: {total} of {d.most}") for day, total in d.points],
                width=300, height=140, every=max(1, len(d.points) // 4)))
            for d in report.dimensions
        ],
        "mock_rows": [_mock_row(m) for m in report.mocks],
        "card_tables": report.card_tables,
    }


def _interview_marker(report: Report) -> tuple[int, str] | None:
    ready = report.readiness
    if ready is None or not 0 <= ready.days_left < len(report.forecast):
        return None
    return ready.days_left, f"interview {ready.day.strftime('%d %b')}"


def _weakest_chart(report: Report) -> charts.HBarChart:
    """Per weak point: attempts (light bar) and misses (dark bar) on one count scale,
    the full point text wrapped beside it, and when it was last missed."""
    points = report.weak.points
    most = max((p.evidence for p in points), default=1)
    return charts.hbar_chart(
        [(f"{p.card}: {p.label}", p.misses / most, _missed_text(p, report), 0.0) for p in points],
        label_width=300, base=[p.evidence / most for p in points],
    )


def _missed_text(weakness: Weakness, report: Report) -> str:
    when = "" if weakness.last_missed is None else when_text(weakness.last_missed, report.generated)
    last = f", last {when.removeprefix('on ')}" if when else ""
    return f"{weakness.misses} of {weakness.evidence}{last}"


def _weak_row(weakness: Weakness, report: Report) -> dict[str, Any]:
    text = weakness.label
    short = charts.shorten(text, PROMPT_PREVIEW)
    return {"w": weakness, "short": short, "full": text if short != " ".join(text.split()) else None,
            "counts": counts_text(weakness, report.generated), "command": weakness.command}


def _readiness_chart(report: Report) -> charts.HBarChart | None:
    if report.readiness is None:
        return None
    target = report.readiness.target
    return charts.hbar_chart(
        [(category, recall or 0.0, percent(recall), 0.0) for category, recall in report.readiness.categories.items()],
        label_width=160, target=(target, f"target {percent(target)}"),
    )


def _mock_row(m: MockResult) -> dict[str, Any]:
    """One recorded mock as the report's "Mock interviews" section shows it."""
    if m.discipline is None:
        timing = "not timed"
    else:
        timing = f"{m.within_box} of {m.timed} in their box"
        timing += f", {m.overrun_minutes:g} min over" if m.overrun_minutes > 0 else ""
    return {"date": m.date.strftime("%Y-%m-%d"), "sheet": m.sheet, "round": m.round.replace("-", " "),
            "how": "live" if m.source == "live" else "with an interviewer",
            "answered": f"{m.answered} of {m.questions}", "score": percent(m.score),
            "categories": " · ".join(f"{c} {percent(s)}" for c, s in m.categories) or "–",
            "timing": timing}


def _mastery_row(m: Mastery) -> dict[str, Any]:
    return {"name": m.name, "category": m.category, "cards": m.cards, "studied": m.studied,
            "recall": percent(m.mean_recall), "mastered": percent(m.mastered_share)}


# ---- the mock-interview sheet ---------------------------------------------------

COPIES = ("both", "candidate", "interviewer")
BOX_CM_PER_MINUTE = 0.75  # room to write on the candidate copy, per minute of time box
BOX_CM = (2.5, 20.0)  # the smallest box, and the largest that still fits one printed page
BOX_MD_LINES_PER_MINUTE = 0.5


def render_mock(mock: MockSet, fmt: str, copy: str = "both") -> str:
    if copy not in COPIES:
        raise BadValue(f"copy {copy!r} is not one of {', '.join(COPIES)}")
    return render(f"mock.{check_format(fmt)}.j2", mock_context(mock, copy))


def mock_context(mock: MockSet, copy: str = "both") -> dict[str, Any]:
    from tpmdrill.mock import category_title
    from tpmdrill.mocksheets import verdict_template
    from tpmdrill.sqlschema import schema_of

    questions = [
        {"number": number, "q": q, "card": q.card, "category": category_title(q.category),
         "box_cm": round(min(max(q.minutes * BOX_CM_PER_MINUTE, BOX_CM[0]), BOX_CM[1]), 1),
         "box_lines": max(2, round(q.minutes * BOX_MD_LINES_PER_MINUTE)),
         "follow_ups": q.follow_ups, "schema": schema_of(q.card)}
        for number, q in enumerate(mock.questions, start=1)
    ]
    return {"mock": mock, "questions": questions, "copy": copy,
            "candidate": copy in ("both", "candidate"), "interviewer": copy in ("both", "interviewer"),
            "max_points": sum(q.max_points for q in mock.questions),
            "round_title": mock.round.replace("-", " ").capitalize(),
            "verdict_template": verdict_template(mock)}

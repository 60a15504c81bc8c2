"""The user's settings: names, defaults and how a typed value is read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tpmdrill.errors import BadValue


def _retention(text: str) -> float:
    value = float(text)
    if not 0.7 <= value <= 0.99:
        raise ValueError("must be between 0.70 and 0.99")
    return value


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"true", "yes", "on", "1"}:
        return True
    if lowered in {"false", "no", "off", "0"}:
        return False
    raise ValueError("must be true or false")


def _count(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 1000:
        raise ValueError("must be a whole number from 0 to 1000")
    return value


def _daily_minutes(text: str) -> int | None:
    value = int(text)
    if not 0 <= value <= 600:
        raise ValueError("must be a whole number of minutes from 0 to 600 (0: no daily budget)")
    return value or None


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    parse: Callable[[str], Any]
    help: str


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("desired_retention", 0.9, _retention,
                "probability of recall the scheduler aims for at each review"),
        Setting("fuzz", True, _boolean,
                "spread review dates by a day or so, so cards learnt together drift apart"),
        Setting("new_per_day", 5, _count, "new cards a drill introduces per day"),
        Setting("interview_retention", 0.95, _retention,
                "recall to keep every studied card at on the interview day"),
        Setting("daily_minutes", None, _daily_minutes,
                "minutes a day to study (real time at your pace): the drill's budget and the interview plan's"),
    )
}


def known_setting(key: str) -> Setting:
    setting = SETTINGS.get(key)
    if setting is None:
        raise BadValue(f"unknown setting {key!r}; settings: {', '.join(SETTINGS)}")
    return setting


def parse_setting(key: str, text: str) -> Any:
    setting = known_setting(key)
    try:
        return setting.parse(text)
    except ValueError as ex:
        detail = str(ex) if "must" in str(ex) else f"{text!r} is not valid"
        raise BadValue(f"{key}: {detail}") from None


def effective(stored: dict[str, Any]) -> dict[str, Any]:
    """Every known setting, the user's value where set, the default elsewhere."""
    return {key: stored.get(key, s.default) for key, s in SETTINGS.items()}

"""Every setting, registered once: its name, default, type and validation.

Everything that reads a setting goes through `effective` (or `value_of`), so the
default written here is the one the scheduler, the interview deadline, the drill
queue and `optimize` use, and the one `config get` shows. Internal settings are set
by tpmdrill itself (`optimize --apply`, `interview set`) and refused by `config set`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tpmdrill.clock import DAY_EXAMPLE, parse_day
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


def _day(text: str) -> str:
    try:
        return parse_day(text).isoformat()
    except BadValue:
        raise ValueError(f"must be a date like {DAY_EXAMPLE}") from None


def _parameters(text: str) -> list[float]:
    values = [float(part) for part in text.replace(",", " ").split()]
    if not values:
        raise ValueError("must be FSRS parameters, numbers separated by spaces")
    return values


def _daily_minutes(text: str) -> int | None:
    value = int(text)
    if not 0 <= value <= 600:
        raise ValueError("must be a whole number of minutes from 0 to 600 (0: no daily budget)")
    return value or None


def _json(text: str) -> Any:
    """Internal settings that tpmdrill keeps as JSON values (never typed in by users)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise ValueError("must be a JSON value") from None


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    type: type
    parse: Callable[[str], Any]  # text -> value; raises ValueError saying what it "must" be
    help: str
    set_by: str | None = None  # the command that sets an internal setting; `config set` refuses those

    @property
    def internal(self) -> bool:
        return self.set_by is not None


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("desired_retention", 0.9, float, _retention,
                "probability of recall the scheduler aims for at each review"),
        Setting("fuzz", True, bool, _boolean,
                "spread review dates by a day or so, so cards learnt together drift apart"),
        Setting("new_per_day", 5, int, _count, "new cards a drill introduces per day"),
        Setting("interview_retention", 0.95, float, _retention,
                "recall to keep every studied card at on the interview day"),
        Setting("interview_date", None, str, _day, "the interview day (UTC)",
                set_by="tpmdrill interview set"),
        Setting("fsrs_parameters", None, list, _parameters, "FSRS parameters fitted to your reviews",
                set_by="tpmdrill optimize"),
        Setting("daily_minutes", None, int, _daily_minutes,
                "minutes a day to study, real time at your pace: the drill's budget and the interview plan's"),
        Setting("interview_round", None, list, _json, "categories of the round being prepared for",
                set_by="tpmdrill interview set --round"),
        Setting("interview_plan_baseline", None, dict, _json,
                "the interview plan as first made, to tell ahead from behind", set_by="tpmdrill interview status"),
        Setting("today_plan", None, dict, _json, "the cards of today's drill, for drill --continue",
                set_by="tpmdrill drill"),
    )
}
PUBLIC_SETTINGS = {key: s for key, s in SETTINGS.items() if not s.internal}


def known_setting(key: str) -> Setting:
    setting = SETTINGS.get(key)
    if setting is None:
        raise BadValue(f"unknown setting {key!r}; settings: {', '.join(PUBLIC_SETTINGS)}")
    return setting


def parse_setting(key: str, text: str) -> Any:
    """The value `config set KEY TEXT` stores; internal settings are refused."""
    setting = known_setting(key)
    if setting.internal:
        raise BadValue(f"{key} is set by '{setting.set_by}', not by 'tpmdrill config set'")
    try:
        return setting.parse(text)
    except ValueError as ex:
        detail = str(ex) if "must" in str(ex) else f"{text!r} is not valid"
        raise BadValue(f"{key}: {detail}") from None


def effective(stored: Mapping[str, Any]) -> dict[str, Any]:
    """Every registered setting: the user's value where set, the default elsewhere."""
    return {key: value_of(stored, key) for key in SETTINGS}


def value_of(stored: Mapping[str, Any], key: str) -> Any:
    """One setting's value: the stored one where set (a stored 0 or false counts), else the default."""
    setting = known_setting(key)
    value = stored.get(key)
    return setting.default if value is None else value

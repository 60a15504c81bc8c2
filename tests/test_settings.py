"""The settings registry is the one definition of every setting and its default."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tpmdrill.errors import BadValue
from tpmdrill.optimizer import simulation_inputs
from tpmdrill.scheduler import SchedulerConfig, interview_deadline
from tpmdrill.session import new_left_today
from tpmdrill.settings import PUBLIC_SETTINGS, SETTINGS, effective, parse_setting, value_of
from tpmdrill.store import Store

from .conftest import Invoke

NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)


def test_every_consumer_defaults_to_the_registry() -> None:
    store = Store.in_memory()
    defaults = {key: setting.default for key, setting in SETTINGS.items()}
    configs = (SchedulerConfig(), SchedulerConfig.from_settings({}), SchedulerConfig.from_settings(store.settings()))
    for config in configs:
        assert (config.desired_retention, config.fuzz, config.parameters) == (
            defaults["desired_retention"], defaults["fuzz"], defaults["fsrs_parameters"])
    deadline = interview_deadline({"interview_date": "2027-01-04"})
    assert deadline == (datetime(2027, 1, 4, tzinfo=UTC), defaults["interview_retention"])
    assert interview_deadline({}) is None, "no interview_date by default"
    assert simulation_inputs(store).new_per_day == defaults["new_per_day"]
    assert new_left_today(store, NOW) == defaults["new_per_day"]
    assert effective({}) == defaults


def test_a_stored_zero_or_false_is_kept_not_replaced_by_the_default() -> None:
    store = Store.in_memory()
    store.put_setting("new_per_day", 0)
    store.put_setting("fuzz", False)
    assert simulation_inputs(store).new_per_day == 0
    assert new_left_today(store, NOW) == 0
    assert SchedulerConfig.from_settings(store.settings()).fuzz is False
    assert value_of(store.settings(), "new_per_day") == 0


def test_every_setting_has_a_default_of_its_type_and_validates_text() -> None:
    samples = {"desired_retention": "0.85", "fuzz": "off", "new_per_day": "0", "interview_retention": "0.9",
               "interview_date": "2027-01-04", "fsrs_parameters": "0.4 1.2 3.1"}
    assert set(samples) == set(SETTINGS)
    for key, setting in SETTINGS.items():
        assert setting.default is None or isinstance(setting.default, setting.type), key
        assert isinstance(setting.parse(samples[key]), setting.type), key
        with pytest.raises(ValueError, match=r"must|could not convert|invalid literal"):
            setting.parse("nonsense")


@pytest.mark.parametrize("key", [key for key, s in SETTINGS.items() if s.internal])
def test_config_set_refuses_internal_settings(key: str) -> None:
    with pytest.raises(BadValue, match="not by 'tpmdrill config set'"):
        parse_setting(key, "2027-01-04")


def test_config_get_shows_the_user_settings_with_the_registry_defaults(run: Invoke) -> None:
    shown = json.loads(run("config", "get", "--json").stdout)
    assert shown == {key: setting.default for key, setting in PUBLIC_SETTINGS.items()}
    assert run("config", "get", "interview_date").stdout == "None\n"

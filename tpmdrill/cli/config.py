"""`tpmdrill config`: read and change settings."""

from __future__ import annotations

import click

from tpmdrill.cli.common import CONTEXT_SETTINGS, complete_setting, db_option, echo_json, json_option, open_store


@click.group(context_settings=CONTEXT_SETTINGS)
def config() -> None:
    """Read and change settings (desired_retention, fuzz, new_per_day, ...)."""


@config.command(context_settings=CONTEXT_SETTINGS)
@click.argument("key", required=False, shell_complete=complete_setting)
@json_option
@db_option
def get(key: str | None, json_: bool) -> None:
    """Print one setting, or all of them with their meaning.

    \b
    Example:
      tpmdrill config get desired_retention
    """
    from tpmdrill.settings import PUBLIC_SETTINGS, effective, known_setting

    if key is not None:
        known_setting(key)
    every = effective(open_store(load_bundled=False).settings())
    values = every if key is not None else {name: every[name] for name in PUBLIC_SETTINGS}
    if key is not None:
        if json_:
            echo_json(values[key])
        else:
            click.echo(echo_value(values[key]))
        return
    if json_:
        echo_json(values)
        return
    for name, value in values.items():
        click.echo(f"{name} = {echo_value(value)}    # {PUBLIC_SETTINGS[name].help}")


@config.command(name="set", context_settings=CONTEXT_SETTINGS)
@click.argument("key", shell_complete=complete_setting)
@click.argument("value")
@db_option
def set_(key: str, value: str) -> None:
    """Change a setting.

    \b
    Examples:
      tpmdrill config set desired_retention 0.85
      tpmdrill config set fuzz false
    """
    from tpmdrill.settings import parse_setting

    parsed = parse_setting(key, value)
    open_store(load_bundled=False).put_setting(key, parsed)
    click.echo(f"{key} = {echo_value(parsed)}")


def echo_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)

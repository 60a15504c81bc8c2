"""The one exception hierarchy of tpmdrill.

The CLI turns a `TpmdrillError` into one line on stderr and exit code 1; anything
else that escapes is a bug.
"""


class TpmdrillError(Exception):
    """A failure the user can act on, shown as 'Error: <message>'."""


class DeckError(TpmdrillError):
    """One or more problems in deck files; each problem names file, card and key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class UnknownCard(TpmdrillError):
    pass


class UnknownDeck(TpmdrillError):
    pass


class DatabaseProblem(TpmdrillError):
    """The database file cannot be opened, created or written."""


class BadValue(TpmdrillError):
    """A value given by the user (a setting, a date, a rating) is not acceptable."""

"""Errors that end a run with a clear one-line message (exit code 2), never a traceback."""

from __future__ import annotations


class TosauditError(Exception):
    """Base class: the message says what went wrong and what to do."""


class InputError(TosauditError):
    """A contract or product page that cannot be read (damaged, encrypted, empty, unknown type)."""

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class ProfileError(TosauditError):
    """A product profile that does not fit the feature vocabulary."""


class SectorError(TosauditError):
    """A sector id (``--sector``, a profile's ``sector``) that is not in rules/sectors.yaml."""


class CatalogueError(TosauditError):
    """The rule catalogue is broken; each line names the file and the key."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems) if len(self.problems) < 4 else
                         f"{len(self.problems)} problems in the rule catalogue, first: {self.problems[0]}")

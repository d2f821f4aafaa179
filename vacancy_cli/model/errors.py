"""One error family for everything a user can get wrong.

The CLI turns any ``VacancyError`` into one line on stderr and exit status 2,
a ``ServerError`` (a server lost mid-run) into one line and exit 1, Ctrl-C into
exit 130; anything else is a bug, reported in one line with exit 1. Each
message names the file, key or value and says what was expected, so the line
stands on its own.
"""


class VacancyError(Exception):
    """Base for errors caused by input: a file, an option, a schedule."""


class ScenarioError(VacancyError):
    """A scenario file or name that cannot be used."""


class ScheduleError(VacancyError):
    """A schedule string that names unknown requests or is malformed."""


class OptionError(VacancyError):
    """An option value that is out of range or unknown.

    ``option``: the parameter it is about (``"pods"``), when the core raises it;
    the command layer words it as its own flag (``--pods``), so the model and
    the engine never name a flag.
    """

    def __init__(self, problem: str, option: str | None = None) -> None:
        super().__init__(problem if option is None else f"{option} {problem}")
        self.problem = problem
        self.option = option


class ServerError(Exception):
    """A database server that stopped answering in the middle of a run: the connection
    broke, or nothing came back within the URL's timeout (``model/urls.py``).

    Not a ``VacancyError``: the input was fine, so the CLI exits 1, with this
    one line, and no traceback.
    """


class ServerUrlError(OptionError):
    """A server strategy's URL that is missing, malformed or unreachable.

    The store knows which server and what went wrong; the command layer knows
    which option gives the URL (``--redis-url``), and names it.
    """

    def __init__(self, server: str, problem: str) -> None:
        super().__init__(problem, option=f"{server}_url")
        self.server = server

"""Allow ``python -m vacancy_cli``."""

from vacancy_cli.cli import main

main()

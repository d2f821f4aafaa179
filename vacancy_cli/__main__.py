"""Allow ``python -m vacancy_cli``."""

from vacancy_cli.cli.app import main

main()

"""Allow ``python -m vacancy_cli``."""

from vacancy_cli.entry import main

main()

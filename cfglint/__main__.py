"""``python -m cfglint`` runs the command line."""

from cfglint.cli import main

main()

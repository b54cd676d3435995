"""``python -m cfglint`` runs the command line."""

from cfglint.launch import main

main()

"""Allows `python -m gomodcheck`."""

from gomodcheck.cli import main

main()

"""``python -m nttlearn``: the ``nttlearn`` command, for a virtualenv whose scripts are not on PATH."""

from nttlearn.cli import main

main(prog_name="nttlearn")

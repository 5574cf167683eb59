"""`python -m chiso766.cli`: the chiso766 command."""

from chiso766.cli import console

console()

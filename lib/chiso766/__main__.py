"""`python -m chiso766`: the same as the `chiso766` command."""

from chiso766.cli import console

if __name__ == "__main__":
    console()

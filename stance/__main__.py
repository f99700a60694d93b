"""Allow ``python -m stance`` (and ``torchrun -m stance``) to run the CLI."""

from stance.cli import main

if __name__ == "__main__":
    main()

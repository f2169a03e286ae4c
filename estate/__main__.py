"""``python -m estate`` runs the command line."""

from estate.cli import main

if __name__ == "__main__":
    main()

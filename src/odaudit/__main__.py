"""`python -m odaudit` runs the command-line interface."""

from odaudit.cli.main import main

if __name__ == "__main__":
    main()

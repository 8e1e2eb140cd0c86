"""Subcommands of the ``lunarcity`` command line, one module each (``add_parser`` + a handler)."""

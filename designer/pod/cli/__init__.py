"""One module per CLI subcommand, each with main(argv) -> exit code (0 ok, 1 findings, 2 unreadable)."""

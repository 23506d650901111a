"""Commands as plain functions: the CLI parses options and calls these; tests call them too."""

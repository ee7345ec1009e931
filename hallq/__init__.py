"""hallq: command line entry point."""

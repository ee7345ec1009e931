"""The window terminal's widgets: they render models and emit *_requested intents, never touch the network."""

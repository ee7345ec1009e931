"""The one object the Qt apps use to talk to the hall server."""

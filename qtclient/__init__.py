"""The one object the Qt apps use to talk to the hall server (HallLink), and the view state they share (HallState)."""
from qtclient.link import HallLink, LinkTimings
from qtclient.state import HallState, VersionGap

__all__ = ["HallLink", "HallState", "LinkTimings", "VersionGap"]

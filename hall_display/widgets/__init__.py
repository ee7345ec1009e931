"""The wall display's widgets: the board (calls, waiting counts, banner) and the scrolling notice line."""
from hall_display.widgets.board import DisplayBoard
from hall_display.widgets.ticker import NoticeTicker

__all__ = ["DisplayBoard", "NoticeTicker"]

"""The wall display's widgets: the board (the newest call, paged lists, banner), wall text and the scrolling notice line."""
from hall_display.widgets.board import DisplayBoard
from hall_display.widgets.pages import PagedList
from hall_display.widgets.text import Text
from hall_display.widgets.ticker import NoticeTicker

__all__ = ["DisplayBoard", "NoticeTicker", "PagedList", "Text"]

"""Ticket layout to ESC/POS bytes, printer transports and status."""

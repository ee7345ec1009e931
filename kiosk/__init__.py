"""Kiosk app (取号机): the full-screen touch app that issues tickets from the hall server and prints them."""

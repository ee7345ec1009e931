"""Hall display (综合显示屏): the wall screen that shows and announces calls (Qt app; the browser page is server/static/display.html)."""

"""Hall display (综合显示屏): placeholder until its issue."""

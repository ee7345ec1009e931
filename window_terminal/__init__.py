"""Clerk window terminal (叫号器): placeholder until its issue."""

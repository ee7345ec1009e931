"""Clerk window terminal (叫号器): call, recall, skip, transfer, suspend, finish — and the citizen's rating (好差评)."""

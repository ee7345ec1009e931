"""Hall server: aiohttp REST + WebSocket push over a durable SQLite store."""

"""The city server: halls ship their append-only event logs here (server.forwarder); city reports run in PostgreSQL.

Its own package: it shares the wire format (central.wire) with the hall's forwarder and imports
nothing of the hall server's insides.
"""

"""Notifications to citizens and systems outside the hall: SMS and webhooks, sent from the durable outbox."""

"""The weekly rhythm (SPEC 16): people, reminders, the leaders' digest, check-ins from a
comment, and delivery to chat webhooks and e-mail."""

"""Reminders: which are due, the mail they become, SMTP, the ledger of what was sent."""

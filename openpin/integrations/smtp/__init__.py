"""Outgoing mail over SMTP (stdlib smtplib), failures classified by the server's own reply."""

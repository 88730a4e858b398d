"""Replies to outreach: ingestion (IMAP, inbound webhook), matching, classification, inbox."""

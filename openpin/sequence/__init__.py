"""Outreach: mailboxes, sequences, enrolment, personalisation and sending."""

"""ATS integrations: the connection, export rules, the trigger pipeline and the export flow."""

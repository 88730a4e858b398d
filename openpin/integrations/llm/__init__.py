"""OpenAI-compatible chat endpoints: drafts personal lines and suggested replies."""

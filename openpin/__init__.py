"""OpenPin: open-source, self-hostable, AI-powered recruiting."""

__version__ = "0.1.0"

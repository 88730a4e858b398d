"""Ashby's public API: RPC-style POST, Basic auth with the API key, a success/errorInfo envelope."""

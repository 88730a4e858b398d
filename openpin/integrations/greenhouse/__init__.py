"""Greenhouse Harvest v3: OAuth client credentials, cursor pagination, flat collections."""

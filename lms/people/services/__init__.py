"""Writes with business rules: each function checks, writes and logs in one place."""

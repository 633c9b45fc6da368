"""Shouwang's learning-management apps."""

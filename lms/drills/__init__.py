"""Drills, check-in tokens, attendance and skill assessment (the drills issue)."""

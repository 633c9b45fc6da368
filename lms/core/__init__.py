"""The ground floor: helpers every app uses and the events records announce.

It imports no app of ``lms`` and nothing of ``cms`` (tests/test_layers.py holds it
to that). See docs/architecture.md, "The house".
"""

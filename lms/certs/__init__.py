"""Qualification types and rules, records, certificates, verification and the roster.

External credentials (the 保安员证) are already recorded by ``lms.people``.
"""

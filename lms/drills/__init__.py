"""Drills, QR check-in, attendance and skill assessment.

A drill (definition) is attended (records: one Attendance per person and drill,
enforced by the database). Check-in tokens are signed by the server from the drill
and the server's clock window, so the display's clock never matters; the check-in
path reads the drill from the shared cache and writes one row.
"""

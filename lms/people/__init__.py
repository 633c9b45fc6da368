"""Organisations, stations, teams, people, roles and scoping, spreadsheet import."""

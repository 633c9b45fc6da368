"""Nightly, after issue_qualifications: count the recent readers' boards for the
new day (lms/points/prepared.py), so that their first look starts from kept
counts. Safe to run twice or in parallel (it only counts)."""

from datetime import date

from django.core.management.base import BaseCommand

from lms.points.prepared import boards_prepare


class Command(BaseCommand):
    help = "Count the points boards of their recent readers for a day (today)."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=date.fromisoformat, default=None)

    def handle(self, *args, day=None, **options):
        self.stdout.write(f"boards prepared: {boards_prepare(day=day)}")

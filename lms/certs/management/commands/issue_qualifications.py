"""Nightly (and on demand): expire what ended, issue and renew what the rules now
allow, record verified outside credentials. Safe to run twice or in parallel."""

from django.core.management.base import BaseCommand

from lms.certs.services.engine import qualifications_issue


class Command(BaseCommand):
    help = "Issue, renew and expire qualification records by their rules."

    def add_arguments(self, parser):
        parser.add_argument("--type", action="append", dest="codes", default=None)
        parser.add_argument("--person", action="append", type=int, dest="people")

    def handle(self, *args, codes=None, people=None, **options):
        report = qualifications_issue(codes=codes, person_ids=people)
        self.stdout.write(str(report))

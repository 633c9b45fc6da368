"""Move ID photos left in the public media folder to the private storage. The
migration does it once; run it again after a deploy in which workers with the old
code were still taking uploads. Safe to run any time."""

from django.core.management.base import BaseCommand

from lms.people.models import Person
from lms.people.photos import move_public_photos


class Command(BaseCommand):
    help = "Move ID photos from the public media folder to the private storage."

    def handle(self, *args, **options):
        self.stdout.write(f"{move_public_photos(Person)} photos moved")

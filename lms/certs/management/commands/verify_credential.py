"""Check a downloaded credential offline: the signature against the issuer's
published keys (a saved keys.json or issuer.json) and, optionally, its status in
saved status lists. Nothing is fetched: a station can run it without a network."""

import json
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.certs import credentials, status_list

# Exit codes: 1 the file or its signature is bad; 2 revoked, suspended, expired or
# not yet valid; 3 a status list given could not be used. New credentials name one
# 2-bit list (statusPurpose "message"); those downloaded before name two 1-bit lists
# (revocation, suspension): both are read.
EXIT_INVALID, EXIT_NOT_VALID_NOW, EXIT_STATUS_UNKNOWN = 1, 2, 3


def _no_duplicates(pairs):
    keys = [key for key, _value in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(_("duplicate key in a JSON object"))
    return dict(pairs)


def load_json(path):
    """A JSON file, refusing duplicate keys (two values for one name would let a
    reader and the verifier see different documents)."""
    try:
        with open(path, encoding="utf-8") as stream:
            return json.load(stream, object_pairs_hook=_no_duplicates)
    except (OSError, ValueError) as error:
        raise CommandError(f"{path}: {error}", returncode=EXIT_INVALID) from error


def _moment(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None


class Command(BaseCommand):
    help = _(
        "Verify a credential file offline with the issuer's published keys and, "
        "optionally, saved status lists."
    )
    # No database and no checks: this must run anywhere the code is installed.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("credential", help=_("the credential (.json)"))
        parser.add_argument(
            "--keys",
            required=True,
            help=_("the issuer's keys.json (JWKS) or issuer.json, saved earlier"),
        )
        parser.add_argument(
            "--status",
            action="append",
            default=[],
            help=_("a saved status list credential (repeat for each list)"),
        )

    def handle(self, *args, credential, keys, status, **options):
        document = load_json(credential)
        public_keys = load_json(keys)
        ok, reason = credentials.verify(document, public_keys)
        if not ok:
            raise CommandError(
                _("NOT VERIFIED: %(reason)s") % {"reason": reason},
                returncode=EXIT_INVALID,
            )
        subject = document.get("credentialSubject") or {}
        achievement = subject.get("achievement") or {}
        self.stdout.write(_("Signature: valid. %(reason)s") % {"reason": reason})
        self.stdout.write(
            _("Holder: %(name)s; qualification: %(qualification)s; serial: %(serial)s")
            % {
                "name": credentials.holder_name(document) or "?",
                "qualification": achievement.get("name", "?"),
                "serial": subject.get("licenseNumber", "?"),
            }
        )
        problems = self._dates(document)
        unusable = []
        if status:
            lists = [load_json(path) for path in status]
            for listed in lists:
                # Offline, a list is as fresh as the day it was saved: say which.
                self.stdout.write(
                    _("Status list %(id)s, published %(at)s")
                    % {"id": listed.get("id", "?"), "at": listed.get("validFrom", "?")}
                )
            results, unusable = status_list.check_status(document, lists, public_keys)
            for purpose, value, message in results:
                self.stdout.write(
                    f"{purpose}: {self._describe(purpose, value, message)}"
                )
                if value:
                    problems.append(
                        _(
                            "The %(purpose)s status list marks the credential: "
                            "%(state)s."
                        )
                        % {
                            "purpose": purpose,
                            "state": self._describe(purpose, value, message),
                        }
                    )
            for problem in unusable:
                self.stderr.write(_("Status not checked: %(p)s") % {"p": problem})
        else:
            self.stdout.write(_("Status not checked (no --status lists given)."))
        if problems:
            raise CommandError(" ".join(problems), returncode=EXIT_NOT_VALID_NOW)
        if status and unusable:
            raise CommandError(
                _("NOT VERIFIED: the lists given could not settle the status."),
                returncode=EXIT_STATUS_UNKNOWN,
            )
        self.stdout.write(self.style.SUCCESS(_("VERIFIED")))

    @staticmethod
    def _describe(purpose, value, message):
        """A status as people read it: the statusMessage of a multi-bit entry
        ("0x1 suspended"), SET / not set for the old 1-bit lists."""
        if purpose in status_list.PURPOSE_STATUS and not message:
            return _("SET") if value else _("not set")
        return f"0x{value:x} {message}".strip()

    def _dates(self, document):
        now = datetime.now(UTC)
        problems = []
        valid_from = _moment(document.get("validFrom"))
        valid_until = _moment(document.get("validUntil"))
        if valid_from is not None and now < valid_from:
            problems.append(_("Not valid yet (from %(d)s).") % {"d": valid_from})
        if valid_until is not None and now > valid_until:
            problems.append(_("Expired (%(d)s).") % {"d": valid_until})
        return problems

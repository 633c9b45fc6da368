"""Recording the xAPI statements an H5P player sends, and scoring them.

Nothing in a statement is trusted: it is built by JavaScript in the trainee's
browser, and the answer key sits in ``content.json``, which that browser has
downloaded. So the server decides:

* who: the signed-in user, who must be the user the activity token was issued to
  (the statement's ``actor`` is a random id the browser made up);
* what: the token's package, lesson and block; only a statement whose object id is
  exactly the token's IRI scores. Statements about parts of the activity
  (``?subContentId=``, ``context.contextActivities.parent``) and verbs other than
  answered/completed are kept for audit and do not score;
* how much: ``result.score.raw`` must be a number from 0 to the package's maximum
  as the server knows it, never the statement's own ``max``;
* pass or not: raw / max * 100 against the block's pass mark from the token,
  never the statement's ``result.success``.

Refused statements are kept (with the reason) when they are small enough and the
sender not over the rate limit, so forgeries leave a trail. The best score per
(user, package, lesson, block) is kept in one row, made safe against concurrent
statements by the unique constraint, ``get_or_create`` and ``select_for_update``.
"""

import json
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core import events
from lms.core.ratelimit import count_this_minute
from lms.h5p.constants import (
    STATEMENT_PAYLOAD_VERSION,
    RefusalReason,
    StatementOutcome,
    XapiVerb,
)
from lms.h5p.models import H5PPackage, H5PResult, H5PStatement
from lms.h5p.tokens import activity_from_token

logger = logging.getLogger("shouwang.h5p")

SUB_CONTENT_MARKER = "subContentId="


@dataclass
class StatementVerdict:
    outcome: StatementOutcome
    message: str
    reason: RefusalReason | None = None
    raw: float | None = None
    max_score: int | None = None
    best_raw: float | None = None
    passed: bool = False
    newly_passed: bool = False
    attempts: int = 0

    @property
    def scored(self):
        return self.outcome == StatementOutcome.SCORED

    def as_json(self):
        return {
            "outcome": self.outcome.value,
            "reason": self.reason.value if self.reason else None,
            "message": self.message,
            "raw": self.raw,
            "max_score": self.max_score,
            "best_raw": self.best_raw,
            "passed": self.passed,
            "newly_passed": self.newly_passed,
            "attempts": self.attempts,
        }


def score_line(*, raw, max_score, passed):
    """The status line the lesson shows: "Score: 1 / 1, passed"."""
    values = {"raw": f"{raw:g}", "max": max_score}
    if passed:
        return _("Score: %(raw)s / %(max)s, passed") % values
    return _("Score: %(raw)s / %(max)s, not passed yet") % values


def _rate_limited(user):
    count = count_this_minute(f"h5p-statements:{user.pk}")
    return count > settings.H5P_STATEMENTS_PER_MINUTE


def _dig(data, *keys):
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _store(*, user, statement, reason, package=None, result=None, raw=None):
    verb = _dig(statement, "verb", "id")
    object_id = _dig(statement, "object", "id")
    return H5PStatement.objects.create(
        user=user,
        package=package,
        result=result,
        verb=verb[:255] if isinstance(verb, str) else "",
        object_id=object_id[:1000] if isinstance(object_id, str) else "",
        raw=raw,
        accepted=result is not None and reason is None,
        refusal_reason=reason.value if reason else "",
        payload={"version": STATEMENT_PAYLOAD_VERSION, "statement": statement},
    )


def _refuse(*, user, statement, reason, message, store=True, **stored):
    logger.warning(
        "H5P statement refused: %s (user %s)", reason.value, getattr(user, "pk", None)
    )
    if store:
        _store(user=user, statement=statement, reason=reason, **stored)
    return StatementVerdict(
        outcome=StatementOutcome.REFUSED, reason=reason, message=message
    )


def _not_scored(*, user, statement, reason, message, package):
    _store(user=user, statement=statement, reason=reason, package=package)
    return StatementVerdict(
        outcome=StatementOutcome.NOT_SCORED, reason=reason, message=message
    )


def _is_sub_content(statement, iri):
    object_id = _dig(statement, "object", "id")
    if (
        isinstance(object_id, str)
        and object_id.startswith(iri + "?")
        and SUB_CONTENT_MARKER in object_id
    ):
        return True
    return bool(_dig(statement, "context", "contextActivities", "parent"))


def _statement_size(statement):
    return len(
        json.dumps(statement, ensure_ascii=False, separators=(",", ":")).encode()
    )


def h5p_statement_record(*, user, token, statement) -> StatementVerdict:
    """Check one statement from the player, store it, and score it if it counts."""
    if _rate_limited(user):
        return _refuse(
            user=user,
            statement=statement,
            reason=RefusalReason.RATE_LIMITED,
            message=_("Too many answers in a minute. Wait a moment and try again."),
            store=False,
        )
    if _statement_size(statement) > settings.H5P_STATEMENT_MAX_BYTES:
        return _refuse(
            user=user,
            statement=statement,
            reason=RefusalReason.TOO_LARGE,
            message=_("The answer is too large to record."),
            store=False,
        )
    activity = activity_from_token(token)
    if activity is None:
        return _refuse(
            user=user,
            statement=statement,
            reason=RefusalReason.BAD_TOKEN,
            message=_("This activity has expired. Reload the page and try again."),
        )
    if activity.user_id != user.pk:
        return _refuse(
            user=user,
            statement=statement,
            reason=RefusalReason.WRONG_USER,
            message=_("This activity was opened by another user."),
        )
    if not isinstance(statement, dict):
        return _refuse(
            user=user,
            statement=statement,
            reason=RefusalReason.MALFORMED,
            message=_("The answer could not be read."),
        )
    package = (
        H5PPackage.objects.filter(pk=activity.package_id)
        .only("pk", "max_score")
        .first()
    )
    if package is None:
        return _refuse(
            user=user,
            statement=statement,
            reason=RefusalReason.BAD_TOKEN,
            message=_("This activity no longer exists. Reload the page."),
        )
    object_id = _dig(statement, "object", "id")
    verb = _dig(statement, "verb", "id")
    if _is_sub_content(statement, activity.iri):
        return _not_scored(
            user=user,
            statement=statement,
            reason=RefusalReason.SUB_CONTENT,
            message=_("Answer recorded."),
            package=package,
        )
    if object_id != activity.iri:
        return _refuse(
            user=user,
            statement=statement,
            reason=RefusalReason.WRONG_OBJECT,
            message=_("This answer is not for this activity."),
            package=package,
        )
    if verb not in XapiVerb.values:
        return _not_scored(
            user=user,
            statement=statement,
            reason=RefusalReason.OTHER_VERB,
            message=_("Answer recorded."),
            package=package,
        )
    max_score = package.max_score
    if not max_score:
        return _not_scored(
            user=user,
            statement=statement,
            reason=RefusalReason.NOT_SCORABLE,
            message=_(
                "This activity cannot be scored yet: its maximum score is unknown. "
                "Tell your instructor."
            ),
            package=package,
        )
    raw = _number(_dig(statement, "result", "score", "raw"))
    if raw is None:
        return _refuse(
            user=user,
            statement=statement,
            reason=RefusalReason.NO_SCORE,
            message=_("The answer has no score, or the score is not a number."),
            package=package,
        )
    if not 0 <= raw <= max_score:
        return _refuse(
            user=user,
            statement=statement,
            reason=RefusalReason.SCORE_OUT_OF_RANGE,
            message=_("The score %(raw)s is outside 0 to %(max)s and was refused.")
            % {"raw": f"{raw:g}", "max": max_score},
            package=package,
            raw=raw,
        )
    return _score(
        user=user,
        statement=statement,
        activity=activity,
        package=package,
        raw=raw,
        max_score=max_score,
    )


def _score(*, user, statement, activity, package, raw, max_score):
    # raw / max * 100 >= pass mark, without the float division.
    passes = raw * 100 >= activity.pass_mark * max_score
    with transaction.atomic():
        now = timezone.now()
        result, created = H5PResult.objects.select_for_update().get_or_create(
            user=user,
            package=package,
            lesson_id=activity.lesson_id,
            block_id=activity.block_id,
            # A first result is written whole, without a second UPDATE.
            defaults={
                "max_score": max_score,
                "pass_mark": activity.pass_mark,
                "best_raw": raw,
                "attempts": 1,
                "passed": passes,
                "passed_at": now if passes else None,
            },
        )
        if created:
            newly_passed = passes
        else:
            newly_passed = passes and not result.passed
            result.best_raw = max(result.best_raw, raw)
            result.max_score = max_score
            result.pass_mark = activity.pass_mark
            result.attempts += 1
            if newly_passed:
                result.passed = True
                result.passed_at = now
            result.save(
                update_fields=[
                    "best_raw",
                    "max_score",
                    "pass_mark",
                    "attempts",
                    "passed",
                    "passed_at",
                    "updated_at",
                ]
            )
        _store(
            user=user,
            statement=statement,
            reason=None,
            package=package,
            result=result,
            raw=raw,
        )
        if newly_passed:
            events.activity_passed_announce(
                sender="h5p",
                user=user,
                lesson_id=activity.lesson_id,
                block_id=activity.block_id,
            )
    return StatementVerdict(
        outcome=StatementOutcome.SCORED,
        message=score_line(
            raw=result.best_raw, max_score=max_score, passed=result.passed
        ),
        raw=raw,
        max_score=max_score,
        best_raw=result.best_raw,
        passed=result.passed,
        newly_passed=newly_passed,
        attempts=result.attempts,
    )

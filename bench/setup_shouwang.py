"""Prepare the benchmark database: migrate, demo data, an H5P lesson, trainees.

Run with DJANGO_SETTINGS_MODULE=bench.bench_settings from the project root.
Writes BENCH_DIR/sessions-<db>.json: the lesson path and one session cookie per
trainee (sessions are written straight to the session store, as a login would).
A fresh SQLite file is made every run; PostgreSQL is migrated and reused.
"""

import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bench_settings")

import django  # noqa: E402

H5P_FILE = ROOT / "lms" / "courses" / "demo_content" / "truefalse.h5p"
LESSON_PATH = "/courses/fire-safety/first-response/"

# The backend that signs people in (the session names it; the first one listed,
# django-axes, only refuses locked-out sign-ins and loads no user).
SIGN_IN_BACKEND = "lms.people.backends.PhoneOrUsernameBackend"


def say(*parts):
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def fresh_sqlite():
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)


def ensure_h5p_block(lesson):
    """The demo lesson with an H5P activity; add one when the seed did not."""
    if any(block.block_type == "h5p" for block in lesson.body):
        return "seeded"
    from lms.h5p.services import h5p_package_upload

    with H5P_FILE.open("rb") as fh:
        package, _created = h5p_package_upload(file=fh, title="判断题：电器起火")
    lesson.body.append(
        (
            "h5p",
            {
                "package": package,
                "title": "判断题：电器起火",
                "pass_mark": 100,
                "required": True,
            },
        )
    )
    lesson.save_revision().publish()
    return "added by bench"


def bench_users(count, course):
    from lms.courses.services import enrolment_ensure
    from lms.people.constants import Role
    from lms.people.models import Organisation, Person, User
    from lms.people.services.roles import role_group

    organisation = Organisation.objects.order_by("pk").first()
    group = role_group(Role.TRAINEE)
    users = []
    for i in range(count):
        user, created = User.objects.get_or_create(username=f"bench{i:04d}")
        if created:
            user.set_unusable_password()
            user.first_name = f"压测{i:04d}"
            user.save()
            user.groups.add(group)
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = Person.objects.create(
                user=user, name=f"压测学员{i:04d}", organisation=organisation
            )
        enrolment_ensure(person=person, page=course)
        users.append(user)
    return users


def session_for(user):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = SIGN_IN_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def main():
    users_wanted = int(os.environ.get("BENCH_USERS", "300"))
    from django.conf import settings

    Path(settings.BENCH_DIR).mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    fresh_sqlite()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("seed_demo", "--force", verbosity=0, stdout=io.StringIO())

    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    from lms.courses.models import CoursePage, LessonPage
    from lms.h5p.models import H5PResult, H5PStatement

    lesson = (
        LessonPage.objects.live().filter(url_path__endswith=LESSON_PATH).first()
        or LessonPage.objects.live().order_by("path").first()
    )
    how = ensure_h5p_block(lesson)
    lesson.refresh_from_db()
    course = lesson.get_ancestors().type(CoursePage).last().specific
    users = bench_users(users_wanted, course)
    user_ids = [u.pk for u in users]
    H5PStatement.objects.filter(user_id__in=user_ids).delete()
    H5PResult.objects.filter(user_id__in=user_ids).delete()
    Session.objects.all().delete()
    cache.clear()
    sessions = [session_for(u) for u in users]
    tag = settings.BENCH_DB_TAG
    out = Path(settings.BENCH_DIR) / f"sessions-{tag}.json"
    out.write_text(
        json.dumps(
            {
                "db": tag,
                "lesson_path": lesson.url,
                "lesson_id": lesson.pk,
                "baseline_path": "/bench-ok/",
                "statement_path": "/h5p/statements/",
                "sessions": sessions,
            }
        )
    )
    say(
        f"[setup] db={tag} lesson={lesson.url} (H5P block {how}) "
        f"trainees={len(sessions)} -> {out}"
    )


if __name__ == "__main__":
    main()

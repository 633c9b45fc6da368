"""Roles are Django groups with permissions; object-level scope is in selectors."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Collection, GroupCollectionPermission

from lms.people.constants import AuditAction, Role

VIEW_PEOPLE = [
    "people.view_person",
    "people.view_organisation",
    "people.view_team",
    "people.view_externalcredential",
]
# Writing lessons needs images, documents and H5P packages; page rights themselves are
# given per page tree by courses.authoring (GroupPagePermission). Wagtail reads image
# and document rights only per collection (GroupCollectionPermission, below): these
# model permissions alone left the choosers empty and the upload pages refused.
AUTHORING = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "h5p.add_h5ppackage",
    "h5p.change_h5ppackage",
    "h5p.view_h5ppackage",
    "courses.add_assignment",
    "courses.change_assignment",
    "courses.view_assignment",
    # Question banks and quizzes (lms.quizzes); attempts are records: view only.
    "quizzes.add_questionbank",
    "quizzes.change_questionbank",
    "quizzes.view_questionbank",
    "quizzes.add_question",
    "quizzes.change_question",
    "quizzes.view_question",
    "quizzes.add_quiz",
    "quizzes.change_quiz",
    "quizzes.view_quiz",
    "quizzes.view_attempt",
    # Drills (lms.drills); attendance is recorded by check-in, not typed in.
    "drills.add_drill",
    "drills.change_drill",
    "drills.view_drill",
    "drills.view_skillitem",
    "drills.view_attendance",
]
# Qualifications (lms.certs): reading records, the roster and posts.
VIEW_QUALIFICATIONS = [
    "certs.view_qualificationtype",
    "certs.view_qualificationrecord",
    "certs.view_post",
]
# Training managers define qualifications and posts, and issue, approve, renew,
# suspend and revoke records (never delete them).
MANAGE_QUALIFICATIONS = [
    *VIEW_QUALIFICATIONS,
    "certs.add_qualificationtype",
    "certs.change_qualificationtype",
    "certs.add_post",
    "certs.change_post",
    "certs.issue_qualificationrecord",
    "certs.suspend_qualificationrecord",
]
ROLE_PERMISSIONS = {
    Role.TRAINEE: [],
    Role.INSTRUCTOR: [
        "wagtailadmin.access_admin",
        *VIEW_PEOPLE,
        *AUTHORING,
        *VIEW_QUALIFICATIONS,
    ],
    Role.TRAINING_MANAGER: [
        "wagtailadmin.access_admin",
        *VIEW_PEOPLE,
        *AUTHORING,
        *MANAGE_QUALIFICATIONS,
    ],
    # Station staff read through the site's own pages (the roster, the scanner;
    # they may suspend a record they find wrong) and sign in there; at a desk
    # they open the admin to place their station's points and set what each
    # needs (lms/points/setup_views.py). Their model permissions stay read-only.
    Role.STATION_STAFF: [
        "wagtailadmin.access_admin",
        *VIEW_PEOPLE,
        *VIEW_QUALIFICATIONS,
        "certs.suspend_qualificationrecord",
        "certs.view_apikey",
        "certs.add_apikey",
        "certs.change_apikey",
    ],
    Role.ORG_ADMIN: [
        "wagtailadmin.access_admin",
        *VIEW_PEOPLE,
        "people.add_person",
        "people.change_person",
        "people.import_people",
        # Logins for their own people: activation codes, password and badge resets.
        "people.manage_logins",
        "people.add_team",
        "people.change_team",
        "people.add_externalcredential",
        "people.change_externalcredential",
        "courses.add_assignment",
        "courses.change_assignment",
        "courses.view_assignment",
        *VIEW_QUALIFICATIONS,
    ],
}


# The collection authors upload into (made by roles_ensure), and what the authoring
# roles may do there. Choosing reaches every collection (an admin's upload in the
# root collection too): pictures and documents are shared teaching material.
AUTHORING_COLLECTION = "培训素材"
COLLECTION_ROLES = (Role.INSTRUCTOR, Role.TRAINING_MANAGER)
UPLOAD_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
]
CHOOSE_PERMISSIONS = ["wagtailimages.choose_image", "wagtaildocs.choose_document"]


def _permissions(codenames, using):
    wanted = [name.split(".", 1) for name in codenames]
    found = (
        Permission.objects.using(using)
        .filter(
            content_type__app_label__in={app for app, _ in wanted},
            codename__in={code for _, code in wanted},
        )
        .select_related("content_type")
    )
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in found}
    return [by_name[name] for name in codenames if name in by_name]


def roles_ensure(*, using="default"):
    """Create the role groups and give them exactly their permissions. Safe to run
    any number of times; it runs after every migrate."""
    with transaction.atomic(using=using):
        for role in Role:
            group, _created = Group.objects.using(using).get_or_create(name=role.value)
            if role == Role.SITE_ADMIN:
                perms = list(Permission.objects.using(using).all())
            else:
                perms = _permissions(ROLE_PERMISSIONS[role], using)
            group.permissions.set(perms)
            if role in COLLECTION_ROLES:
                _collection_permissions_ensure(group, using)


def authoring_collection(using="default"):
    """The "培训素材" collection under the root one, made if missing (the root too:
    a flushed test database has neither)."""
    root = Collection.get_first_root_node()
    if root is None:
        root = Collection.add_root(name="Root")
    existing = (
        Collection.objects.using(using)
        .filter(depth=root.depth + 1, name=AUTHORING_COLLECTION)
        .first()
    )
    return existing or root.add_child(name=AUTHORING_COLLECTION)


def _collection_permissions_ensure(group, using):
    """Exactly: upload and edit in the authoring collection, choose from all."""
    collection = authoring_collection(using)
    root = Collection.get_first_root_node()
    wanted = {
        (collection.pk, p.pk) for p in _permissions(UPLOAD_PERMISSIONS, using)
    } | {(root.pk, p.pk) for p in _permissions(CHOOSE_PERMISSIONS, using)}
    rows = GroupCollectionPermission.objects.using(using).filter(group=group)
    have = set(rows.values_list("collection_id", "permission_id"))
    for collection_id, permission_id in have - wanted:
        rows.filter(collection_id=collection_id, permission_id=permission_id).delete()
    GroupCollectionPermission.objects.using(using).bulk_create(
        [
            GroupCollectionPermission(
                group=group, collection_id=collection_id, permission_id=permission_id
            )
            for collection_id, permission_id in wanted - have
        ]
    )


def role_group(role):
    return Group.objects.get(name=Role(role).value)


def role_assign(*, user, role, actor=None):
    """Give a user a role and record who did it."""
    _role_change(user=user, role=role, actor=actor, add=True)


def role_remove(*, user, role, actor=None):
    """Take a role away and record who did it."""
    _role_change(user=user, role=role, actor=actor, add=False)


def _role_change(*, user, role, actor, add):
    name = Role(role).name
    with transaction.atomic():
        (user.groups.add if add else user.groups.remove)(role_group(role))
        data = (
            {"added": [name], "removed": []}
            if add
            else {"added": [], "removed": [name]}
        )
        log(user, AuditAction.ROLE_CHANGE, user=actor, data=data)


def role_names_of(user):
    """The roles a user holds, by the enum's name; for audit entries."""
    names = set(user.groups.values_list("name", flat=True))
    return sorted(role.name for role in Role if role.value in names)


def role_change_log(*, user, before, actor):
    """Record a role change made through Wagtail's user editor (see wagtail_hooks)."""
    after = role_names_of(user)
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    if added or removed:
        log(
            user,
            AuditAction.ROLE_CHANGE,
            user=actor,
            data={"added": added, "removed": removed},
        )

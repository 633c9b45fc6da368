"""H5P definitions (packages) and records (results, statements).

A package is a definition: instructors upload it, correct its maximum score, and
lessons point at it. Results and statements are records of what trainees did:
never deleted, so their foreign keys PROTECT what they point at.

Anonymisation for a copy of production: packages carry no personal data apart
from ``uploaded_by``; results and statements are tied to a user, which the people
app anonymises, and a statement's payload holds only the browser's random actor
id and the trainee's answers (no name, no contact details).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from lms.h5p.constants import STORAGE_PREFIX, RefusalReason


class H5PPackage(index.Indexed, models.Model):
    title = models.CharField(_("title"), max_length=255)
    content_hash = models.CharField(
        _("SHA-256 of the .h5p file"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("The same file uploaded twice is stored once."),
    )
    main_library = models.CharField(_("main library"), max_length=255, editable=False)
    main_library_version = models.CharField(
        _("main library version"), max_length=32, blank=True, editable=False
    )
    libraries = models.JSONField(
        _("library versions"),
        default=dict,
        editable=False,
        help_text=_("Machine name to version, from h5p.json."),
    )
    max_score = models.PositiveIntegerField(
        _("maximum score"),
        null=True,
        blank=True,
        help_text=_(
            "Computed from the package when it is uploaded. Empty means the "
            "package cannot be scored. Scores above this number are refused."
        ),
    )
    file_count = models.PositiveIntegerField(_("files"), default=0, editable=False)
    size_bytes = models.PositiveBigIntegerField(
        _("size of the .h5p file (bytes)"), default=0, editable=False
    )
    uncompressed_bytes = models.PositiveBigIntegerField(
        _("size when extracted (bytes)"), default=0, editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("main_library"),
    ]

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def storage_root(self):
        """Folder in the default storage holding the extracted files."""
        return f"{STORAGE_PREFIX}/{self.content_hash}"

    @property
    def library_label(self):
        version = f" {self.main_library_version}" if self.main_library_version else ""
        return f"{self.main_library}{version}"


class H5PResult(models.Model):
    """A trainee's best result for one H5P block of one lesson. The key is the
    block, not the package, so the same package used in two lessons (or twice in
    one) counts separately, with each block's own pass mark."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="h5p_results",
    )
    package = models.ForeignKey(
        H5PPackage,
        verbose_name=_("H5P package"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    # The lesson page's id; no foreign key so that the courses app stays free to
    # move, copy or archive lesson pages without touching these records.
    lesson_id = models.PositiveIntegerField(_("lesson page id"), db_index=True)
    block_id = models.CharField(_("block id"), max_length=64)
    best_raw = models.FloatField(_("best score"), default=0)
    max_score = models.PositiveIntegerField(
        _("maximum score"), help_text=_("The package's maximum when last scored.")
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=0)
    passed = models.BooleanField(_("passed"), default=False)
    passed_at = models.DateTimeField(_("passed at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("scored attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P result")
        verbose_name_plural = _("H5P results")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "package", "lesson_id", "block_id"],
                name="h5p_result_one_per_user_block",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.package} · {self.best_raw:g}/{self.max_score}"


class H5PStatement(models.Model):
    """One xAPI statement as the browser sent it, with what the server made of it.
    Refused and unscored statements are kept too: they are the audit trail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="h5p_statements",
    )
    package = models.ForeignKey(
        H5PPackage,
        verbose_name=_("H5P package"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
    )
    result = models.ForeignKey(
        H5PResult,
        verbose_name=_("result"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
    )
    verb = models.CharField(_("verb"), max_length=255, blank=True)
    object_id = models.CharField(_("object id"), max_length=1000, blank=True)
    raw = models.FloatField(_("raw score"), null=True, blank=True)
    accepted = models.BooleanField(
        _("scored"), default=False, help_text=_("The statement counted as a score.")
    )
    refusal_reason = models.CharField(
        _("reason"), max_length=32, choices=RefusalReason.choices, blank=True
    )
    # {"version": STATEMENT_PAYLOAD_VERSION, "statement": {...as sent...}}
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P statement")
        verbose_name_plural = _("H5P statements")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} · {self.verb.rsplit('/', 1)[-1]} · {self.created_at}"

"""Wagtail admin strings that Wagtail 8.0's own zh-Hans catalogue lacks, so the
Chinese admin showed them in English ("New: 资格记录", "No 资格记录 match your
query.", the image chooser's "You haven't uploaded any images. Why not upload one
now?"). Marked here so that makemessages keeps them in our catalogue, which Django
reads before Wagtail's (LOCALE_PATHS). Nothing imports this module."""

from django.utils.translation import gettext_noop

WAGTAIL_STRINGS = [
    gettext_noop("New: %(model_name)s"),
    gettext_noop("No %(model_name)s match your query."),
    gettext_noop("You haven't uploaded any images."),
    # The chooser's blocktrans, as Wagtail's template has it (trimmed).
    gettext_noop(
        'Why not <a class="upload-one-now" href="#tab-upload" '
        'data-action="w-tabs#select:prevent" data-w-tabs-target="trigger" '
        'data-w-tabs-focus-param="true">upload one now</a>?'
    ),
]

"""The H5P activity block for lesson bodies.

The block renders on the site's origin, inside the lesson page, and issues the
signed activity token for the user who is looking at it: the token is what ties
the statements that come back to this user, lesson, block and pass mark. The
package itself runs in a frame on the content origin.
"""

from urllib.parse import urlencode

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from lms.h5p import selectors
from lms.h5p.services.statements import score_line
from lms.h5p.tokens import (
    Activity,
    activity_iri,
    activity_token,
    content_origin,
    origin_of,
    parent_origin_sign,
)


def activity_context(*, value, request, page, block_id, results=None, closed=False):
    """What the template needs; ``state`` says which of its branches to show.
    ``closed``: the page says its activities cannot count for this user (a lesson
    of a course not open to them), so no player and no token are offered."""
    package = value.get("package")
    pass_mark = value.get("pass_mark")
    pass_mark = 60 if pass_mark is None else pass_mark
    title = value.get("title") or (package.title if package else "")
    context = {"title": title, "pass_mark": pass_mark}
    if request is None or page is None or not block_id:
        return {**context, "state": "preview"}
    if package is None:
        return {**context, "state": "unavailable"}
    if not request.user.is_authenticated:
        login_url = (
            reverse("login") + "?" + urlencode({"next": request.get_full_path()})
        )
        return {**context, "state": "anonymous", "login_url": login_url}
    if closed:
        return {**context, "state": "closed"}
    iri = activity_iri(
        lesson_id=page.pk, block_id=block_id, content_hash=package.content_hash
    )
    token = activity_token(
        Activity(
            user_id=request.user.pk,
            package_id=package.pk,
            lesson_id=page.pk,
            block_id=str(block_id),
            pass_mark=pass_mark,
            iri=iri,
        )
    )
    query = urlencode(
        {
            "iri": iri,
            # The origin the trainee is really on, signed: the player posts its
            # statements there and lets only it frame the player.
            "parent": parent_origin_sign(origin_of(request.build_absolute_uri("/"))),
        }
    )
    if results is not None:
        # The lesson page loaded every result of this lesson in one query.
        result = results.get(str(block_id))
        if result is not None and result.package_id != package.pk:
            result = None
    else:
        result = selectors.h5p_result_for(
            user=request.user,
            package_id=package.pk,
            lesson_id=page.pk,
            block_id=str(block_id),
        )
    if result is not None:
        status_line = score_line(
            raw=result.best_raw, max_score=result.max_score, passed=result.passed
        )
    else:
        status_line = _("Not attempted yet. Pass mark: %(mark)s%%.") % {
            "mark": pass_mark
        }
    return {
        **context,
        "state": "ready",
        "frame_url": (
            f"{content_origin()}"
            f"{reverse('h5p:player', args=[package.content_hash])}?{query}"
        ),
        "content_origin": content_origin(),
        "endpoint": reverse("h5p:statements"),
        "token": token,
        "csrf_token": get_token(request),
        "result": result,
        "status_line": status_line,
    }


class H5PActivityBlock(blocks.StructBlock):
    package = SnippetChooserBlock("h5p.H5PPackage", label=gettext_lazy("H5P package"))
    title = blocks.CharBlock(
        label=gettext_lazy("Title"), required=False, max_length=120
    )
    pass_mark = blocks.IntegerBlock(
        label=gettext_lazy("Pass mark (%)"),
        min_value=0,
        max_value=100,
        default=60,
        help_text=gettext_lazy("Share of the package's maximum score needed to pass."),
    )
    required = blocks.BooleanBlock(
        label=gettext_lazy("Required to complete the lesson"),
        required=False,
        default=True,
    )

    class Meta:
        icon = "pick"
        template = "h5p/blocks/activity.html"
        label = gettext_lazy("H5P activity")
        description = gettext_lazy("An interactive H5P exercise, scored on the server.")
        preview_value = {"title": "灭火器使用判断题", "pass_mark": 60, "required": True}

    def get_context(self, value, parent_context=None):
        # The lesson template passes block_id: {% include_block block with
        # block_id=block.id %}; request and page come from the page's context.
        context = super().get_context(value, parent_context=parent_context)
        context["h5p"] = activity_context(
            value=value,
            request=context.get("request"),
            page=context.get("page"),
            block_id=context.get("block_id"),
            results=context.get("h5p_results"),
            closed=bool(context.get("activities_closed")),
        )
        return context

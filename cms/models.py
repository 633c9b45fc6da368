"""The site's root page. For a signed-in trainee it is the mobile home: my learning,
my drills, my qualifications and the personal badge; for visitors it is a public
welcome with the way in."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from lms.certs.selectors import qualifications_for
from lms.core.qr import qr_svg
from lms.courses.lesson_cache import lesson_at
from lms.courses.selectors import catalogue_url, learning_for
from lms.drills.selectors import drills_for
from lms.people import selectors
from lms.people.services.badges import badge_token
from lms.quizzes.selectors import exams_for


class HomePage(Page):
    intro = RichTextField(
        _("welcome text"),
        blank=True,
        features=["bold", "link", "ol", "ul"],
        help_text=_("Shown to visitors who are not signed in."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Lessons are the pages trainees open most, several levels deep: find one by
        its URL path in the page-tree cache (one query on a miss) instead of one query
        per level. Anything else takes Wagtail's usual walk down the tree."""
        if len(path_components) >= 2:
            url_path = f"{self.url_path}{'/'.join(path_components)}/"
            lesson = lesson_at(url_path, request=request)
            if lesson is not None:
                if not lesson.live:
                    raise Http404
                return RouteResult(lesson)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        user = request.user
        if not user.is_authenticated:
            return context
        person = selectors.user_person(user)
        context.update(
            person=person,
            badge_svg=qr_svg(badge_token(person), box_size=6) if person else None,
            can_see_people=user.has_perm("people.view_person"),
            can_see_roster=user.has_perm("certs.view_qualificationrecord"),
            can_manage_api_keys=user.has_perm("certs.add_apikey"),
            can_use_admin=user.has_perm("wagtailadmin.access_admin"),
            learning=learning_for(person),
            catalogue_url=catalogue_url(self, request=request),
            exams=exams_for(person) if person else [],
            my_drills=drills_for(person),
            my_qualifications=qualifications_for(person),
        )
        return context

"""StreamField blocks a safety instructor needs in a lesson. Every block sets its
icon, template, preview value and description; the stream groups them."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from lms.h5p.blocks import H5PActivityBlock
from lms.quizzes.blocks import QuizBlock

TEXT = _("Text")
MEDIA = _("Media")
SAFETY = _("Safety")
PRACTICE = _("Practice")


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "courses/blocks/heading.html"
        label = _("Heading")
        description = _("A section heading inside the lesson.")
        preview_value = "灭火器的种类"
        group = TEXT


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=["bold", "italic", "ol", "ul", "link"], **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "courses/blocks/paragraph.html"
        label = _("Text")
        description = _("Paragraphs with bold text, lists and links.")
        preview_value = "<p>发现火情，首先要<b>报警</b>，再根据火势判断能否扑救。</p>"
        group = TEXT


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"
        label = _("Image with caption")
        description = _("A picture, sized for the trainee's screen.")
        preview_value = {"caption": "干粉灭火器"}
        group = MEDIA


class VideoBlock(blocks.StructBlock):
    """An uploaded video file (a Wagtail document), never preloaded: trainees are
    often on a slow mobile network and pay for data."""

    video = DocumentChooserBlock(label=_("Video file (MP4)"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"
        label = _("Video (uploaded)")
        description = _("An MP4 video played on the page; it loads only when played.")
        preview_value = {"caption": "灭火器使用演示"}
        group = MEDIA


class VideoEmbedBlock(blocks.StructBlock):
    embed = EmbedBlock(label=_("Video address"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "media"
        template = "courses/blocks/video_embed.html"
        label = _("Video (embedded)")
        description = _("A video from a video site, by its address.")
        preview_value = {"caption": "消防宣传片"}
        group = MEDIA


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False, max_length=120)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/document.html"
        label = _("Downloadable document")
        description = _("A file the trainee can download, such as a regulation.")
        preview_value = {"title": "《保安服务管理条例》全文"}
        group = MEDIA


class WarningBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), default=_("Safety warning"))
    text = blocks.TextBlock(label=_("Warning"))

    class Meta:
        icon = "warning"
        template = "courses/blocks/warning.html"
        label = _("Safety warning")
        description = _("A highlighted warning that must not be missed.")
        preview_value = {"title": "注意", "text": "电器起火时，先断电，切勿用水扑救。"}
        group = SAFETY


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), default=_("Key points"))
    items = blocks.ListBlock(blocks.CharBlock(label=_("Point")), label=_("Points"))

    class Meta:
        icon = "list-ul"
        template = "courses/blocks/checklist.html"
        label = _("Key points checklist")
        description = _("The few points a trainee must remember.")
        preview_value = {"title": "要点", "items": ["报警", "疏散", "扑救"]}
        group = SAFETY


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step"))
    text = blocks.TextBlock(label=_("Explanation"), required=False)
    image = ImageChooserBlock(label=_("Picture"), required=False)


class ProcedureBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"))

    class Meta:
        icon = "order"
        template = "courses/blocks/procedure.html"
        label = _("Step-by-step procedure")
        description = _(
            "Numbered steps, such as the four steps of using an extinguisher."
        )
        preview_value = {
            "title": "灭火器使用四步",
            "steps": [
                {"title": "提", "text": "提起灭火器"},
                {"title": "拔", "text": "拔掉保险销"},
                {"title": "握", "text": "握住喷管"},
                {"title": "压", "text": "压下压把，对准火焰根部"},
            ],
        }
        group = SAFETY


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    video = VideoBlock()
    video_embed = VideoEmbedBlock()
    document = DocumentBlock()
    warning = WarningBlock()
    checklist = ChecklistBlock()
    procedure = ProcedureBlock()
    h5p = H5PActivityBlock(group=PRACTICE)
    quiz = QuizBlock(group=PRACTICE)

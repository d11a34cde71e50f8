"""Body blocks for ACCMR's editorial pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"), max_length=120)
    url = blocks.URLBlock(label=_("link"))

    class Meta:
        icon = "link"
        label = _("Button link")


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("heading"), form_classname="title", icon="title")
    paragraph = blocks.RichTextBlock(label=_("paragraph"))
    image = ImageBlock(label=_("image"))
    document = DocumentChooserBlock(label=_("document"))
    call_to_action = CallToActionBlock()

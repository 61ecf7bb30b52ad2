"""Titles of office in the reader's language (issue #14: English complete).

A membership's or signature's title is free text, typed and stored in Norwegian («Ordfører»).
The common ones are shown through a msgid, so an English reader sees «Mayor»; any other title
is shown as written.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COMMON_TITLES = {
    "ordfører": _("Mayor"),
    "ordførar": _("Mayor"),
    "varaordfører": _("Deputy mayor"),
    "varaordførar": _("Deputy mayor"),
    "kommunedirektør": _("Chief municipal executive"),
    "rådmann": _("Chief municipal executive"),
    "politimester": _("Chief of police"),
    "politimeister": _("Chief of police"),
    "politistasjonssjef": _("Police station chief"),
    "politikontakt": _("Police contact"),
    "slt-koordinator": _("SLT coordinator"),
}


def title_label(title: str | None) -> str:
    """«Ordfører» → the reader's word for mayor; an uncommon title stays as written."""
    if not title:
        return ""
    label = COMMON_TITLES.get(title.strip().lower())
    return str(label) if label is not None else title

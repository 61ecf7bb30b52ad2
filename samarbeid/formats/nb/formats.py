"""One date format per language everywhere (issue #14): templates use the named formats
(SHORT_DATE_FORMAT, DATE_FORMAT …), never a pattern of their own. Norwegian: 03.10.2025."""

DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = "j. F Y H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"

"""Police council views, one module per sub-domain. Thin: parse, scope through `selectors`,
call a service, render. `urls.py` names each view as `views.<name>`."""

from .agenda import (
    agenda_item_add,
    agenda_item_delete,
    agenda_item_edit,
    agenda_item_move,
    agenda_send,
    attachment_download,
)
from .attendance import (
    attendance,
)
from .councils import (
    CREATE_SHOWN,
    council_create,
    council_detail,
    council_edit,
    council_list,
    municipality_request_decide,
)
from .meetings import (
    calendar_feed,
    meeting_create,
    meeting_detail,
    meeting_edit,
    meeting_ics,
)
from .members import (
    member_add,
    member_remove,
)
from .minutes import (
    minutes,
    minutes_approve,
    minutes_correction,
    minutes_pdf,
    minutes_public_pdf,
    minutes_publish,
)
from .plans import (
    knowledge_request_add,
    plan_create,
    plan_detail,
)
from .records import (
    archive_extract,
    public_council,
    public_minutes,
    public_minutes_pdf,
)
from .tasks import (
    my_tasks,
    task_add,
    task_detail,
)

__all__ = [
    "CREATE_SHOWN",
    "agenda_item_add",
    "agenda_item_delete",
    "agenda_item_edit",
    "agenda_item_move",
    "agenda_send",
    "archive_extract",
    "attachment_download",
    "attendance",
    "calendar_feed",
    "council_create",
    "council_detail",
    "council_edit",
    "council_list",
    "knowledge_request_add",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "meeting_ics",
    "member_add",
    "member_remove",
    "minutes",
    "minutes_approve",
    "minutes_correction",
    "minutes_pdf",
    "minutes_public_pdf",
    "minutes_publish",
    "municipality_request_decide",
    "my_tasks",
    "plan_create",
    "plan_detail",
    "public_council",
    "public_minutes",
    "public_minutes_pdf",
    "task_add",
    "task_detail",
]

"""Writes for police councils, one module per sub-domain. Keyword-only, typed, atomic; each
refusal is a ValidationError with a message that says why and what to do.

Other apps and the tests import from here; a module of this package looks a name up in the
sub-module that defines it (patch it there)."""

from .agenda import (
    agenda_deliver,
    agenda_delivery,
    agenda_item_add,
    agenda_item_delete,
    agenda_item_move,
    agenda_item_update,
    agenda_key,
    agenda_send,
    attachment_add,
    check_attachment,
    scan_agenda_delivery,
)
from .attendance import (
    attendance_record,
)
from .councils import (
    council_create,
    council_municipality_decide,
    council_update,
)
from .counters import (
    meeting_counters_refresh,
)
from .documents import (
    minutes_pdf,
)
from .meetings import (
    meeting_create,
    meeting_update,
)
from .members import (
    council_member_add,
    council_member_remove,
)
from .minutes import (
    TaskSpec,
    minutes_approve,
    minutes_correction_add,
    minutes_entry_save,
    minutes_for,
    minutes_publish,
    task_create,
)
from .plans import (
    knowledge_request_add,
    measure_add,
    plan_create,
)
from .tasks import (
    council_task_create,
    task_may_update,
    task_update_status,
)

__all__ = [
    "TaskSpec",
    "agenda_deliver",
    "agenda_delivery",
    "agenda_item_add",
    "agenda_item_delete",
    "agenda_item_move",
    "agenda_item_update",
    "agenda_key",
    "agenda_send",
    "attachment_add",
    "attendance_record",
    "check_attachment",
    "council_create",
    "council_member_add",
    "council_member_remove",
    "council_municipality_decide",
    "council_task_create",
    "council_update",
    "knowledge_request_add",
    "measure_add",
    "meeting_counters_refresh",
    "meeting_create",
    "meeting_update",
    "minutes_approve",
    "minutes_correction_add",
    "minutes_entry_save",
    "minutes_for",
    "minutes_pdf",
    "minutes_publish",
    "plan_create",
    "scan_agenda_delivery",
    "task_create",
    "task_may_update",
    "task_update_status",
]

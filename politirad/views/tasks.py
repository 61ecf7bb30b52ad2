"""Tasks from the minutes and the user's own task list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarbeid import access, pages

from .. import forms, selectors, services
from ..models import (
    Task,
)
from ..services import tasks as task_services
from ._common import WORK, _frozen, _get_meeting
from .minutes import _minutes_page


@login_required
@require_POST
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk, WORK)
    if meeting.is_frozen:
        return _frozen(request, meeting)
    items = selectors.agenda_items(meeting, request.user)
    members = list(selectors.council_members(meeting.council))
    form = forms.TaskForm(request.POST, items=items, members=members)
    if form.is_valid():
        data = form.cleaned_data
        item = next((i for i in items if str(i.pk) == data["agenda_item"]), None)
        member = next((m for m in members if str(m.pk) == data["responsible_member"]), None)
        try:
            services.task_create(meeting=meeting, actor=request.user, title=data["title"],
                                 deadline=data["deadline"], agenda_item=item,
                                 responsible_member=member,
                                 responsible_organisation=data["responsible_organisation"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The task «%(title)s» is added.") % {"title": data["title"]})
        return redirect(reverse("politirad:minutes", args=[meeting.pk]) + "#tasks")
    # A refused form (e.g. the personvern guard, §4.1.5) comes back with its errors next to
    # the fields and what the user typed kept.
    return _minutes_page(request, meeting, task_form=form)


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    form = forms.MyTasksFilterForm(request.GET or None)
    return pages.list_page(request, "politirad/my_tasks.html", form=form,
                           page_rows=lambda f, offset, limit: selectors.my_task_rows(
                               request.user, mine=f.get("mine") or "assigned",
                               state=f.get("state") or "open", q=f.get("q", ""),
                               offset=offset, limit=limit),
        context={"today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A task under an exempt item exists only for those who read exempt content.
    task = selectors.get_in_council_or_404(
        selectors.task_related(Task.objects.restrict(access.principal(request.user))),
        request.user, pk=pk)
    may_update = task_services.task_may_update(request.user, task)
    form = forms.TaskStatusForm(request.POST or None, initial={"status": task.status})
    if request.method == "POST" and not may_update:
        raise PermissionDenied
    context = {"task": task, "comments": task.comments.select_related("author"),
               "today": timezone.localdate()}
    if not may_update:
        return render(request, "politirad/task_detail.html", {**context, "form": None})
    return pages.form_page(
        request, "politirad/task_detail.html", form=form, context=context,
        save=lambda data: task_services.task_update_status(task=task, actor=request.user,
                                                           **data),
        success=_("The task is updated."),
        redirect_to=reverse("politirad:task_detail", args=[task.pk]))

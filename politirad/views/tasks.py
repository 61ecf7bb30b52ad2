"""Tasks from the minutes and the user's own task list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samarbeid import access

from .. import forms, selectors, services
from ..models import (
    Task,
)
from ..services import tasks as task_services
from ._common import PAGE_SIZE, WORK, _frozen, _get_meeting, _query_without_page
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
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.my_tasks(request.user, mine=filters.get("mine") or "assigned",
                            state=filters.get("state") or "open", q=filters.get("q", ""))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "politirad/my_tasks.html", {
        "form": form, "page": page, "query": _query_without_page(request),
        "today": timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A task under an exempt item exists only for those who read exempt content.
    task = selectors.get_in_council_or_404(
        selectors.task_related(Task.objects.restrict(access.principal(request.user))),
        request.user, pk=pk)
    may_update = task_services.task_may_update(request.user, task)
    form = forms.TaskStatusForm(request.POST or None, initial={"status": task.status})
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if form.is_valid():
            try:
                task_services.task_update_status(task=task, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                forms.apply_errors(form, exc)
            else:
                messages.success(request, _("The task is updated."))
                return redirect("politirad:task_detail", pk=task.pk)
    return render(request, "politirad/task_detail.html", {
        "task": task, "form": form if may_update else None,
        "comments": task.comments.select_related("author"),
        "today": timezone.localdate(),
    })

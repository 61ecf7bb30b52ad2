"""One way to write a page (issue #15): the form page, the confirm page and the filtered list
that every app repeats, with the helpers they are made of. netbox's `ObjectEditView` shows the
shape; here they are functions, because the portal's views are functions.

A view stays thin: it scopes the object through `samarbeid.access`, builds the form and says
which service to call. The page does the rest the same way everywhere — a service's refusal
(`ValidationError`) is shown next to the field it names, or at the top of the form, with the
input kept; success gives one message and a redirect (post/redirect/get); a list keeps its
filters in the links of the page navigation.

    from samarbeid import pages

    @login_required
    @require_http_methods(["GET", "POST"])
    def decline(request, pk):
        agreement = _agreement(request, pk, access.Level.WORK)
        form = DeclineForm(request.POST or None)
        return pages.form_page(
            request, "avtaler/decline.html", form=form, context={"agreement": agreement},
            save=lambda data: services.agreement_decline(
                agreement=agreement, actor=request.user, note=data["note"],
                declined_on=data["declined_on"]),
            success=_("The municipality's decision to decline is recorded."),
            redirect_to=lambda result: reverse("avtaler:detail", args=[agreement.pk]))

    @login_required
    @require_GET
    def register(request):
        form = RegisterFilterForm(request.GET or None)
        return pages.list_page(request, "avtaler/register.html", form=form,
                               rows=lambda f: selectors.register_list(user=request.user, **f))

A button on another page that posts to an action (remove, move) is `post_action`: the refusal
is an error message, and either way the user is sent back.

Templates: `includes/form_page.html` is the form and confirm page to extend (blocks `heading`,
`notes`, `intro`, `fields`, `submit`, `back`); `includes/list_page.html` the list page (blocks
`heading`, `intro`, `filter_fields`, `count`, `caption`, `table`, `no_match`, `none_yet`), which
includes `includes/pagination.html` with `page` and `query` as `list_page` gives them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

PAGE_SIZE = 25

Text = str | Callable[[Any], str]  # a message, or one made from the service's result


def apply_errors(form: Any, exc: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or at the top of the form when it
    names none (or a field the form does not have)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def error_messages(exc: ValidationError) -> list[str]:
    """A refusal as plain sentences, for a page without a form (a confirm page)."""
    return [str(m) for m in exc.messages]


def query_without_page(request: HttpRequest) -> str:
    """The query string without `page`, so the page links keep the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


_SENTINEL = 918273645


def url_template(name: str) -> Callable[[Any], str]:
    """`url(pk)` for a URL named `name` that takes one integer: reversed once, not once per
    row of a list (a reverse costs about 10 µs; a list of 100 rows pays it 100 times)."""
    head, _, tail = reverse(name, args=[_SENTINEL]).partition(str(_SENTINEL))
    return lambda pk: f"{head}{pk}{tail}"


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE,
             paginator: type[Paginator] = Paginator) -> Page:
    """The page `?page=` asks for; out of range or not a number gives the nearest page."""
    return paginator(items, per_page).get_page(request.GET.get("page"))


class _PageRows:
    """One page's rows standing in for the whole list: the paginator counts it (`count()`)
    and slices it at the page's place."""

    def __init__(self, rows: list[Any], total: int, offset: int) -> None:
        self.rows, self.total, self.offset = rows, total, offset

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: slice) -> list[Any]:
        return self.rows[(index.start or 0) - self.offset:(index.stop or 0) - self.offset]


def paginate_rows(request: HttpRequest, fetch: Callable[[int, int], tuple[list[Any], int]],
                  per_page: int = PAGE_SIZE) -> Page:
    """As `paginate`, for a selector that reads one page and the number of all rows in one
    query: `fetch(offset, limit)` gives (rows, total), total 0 past the end."""
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    rows, total = fetch((number - 1) * per_page, per_page) if number >= 1 else ([], 0)
    if not rows and number != 1:  # out of range: the last page, as `paginate` gives
        total = fetch(0, 1)[1]
        number = max(-(-total // per_page), 1)
        rows, total = fetch((number - 1) * per_page, per_page)
    offset = (number - 1) * per_page
    # Stands in for a sequence: the paginator only counts and slices it.
    return Paginator(cast(Any, _PageRows(rows, total, offset)), per_page).page(number)


def filters_of(form: Any) -> dict[str, Any]:
    """The filter form's cleaned values, or no filters when the query does not validate."""
    return form.cleaned_data if form.is_valid() else {}


def list_page(request: HttpRequest, template: str, *, form: Any,
              rows: Callable[[dict[str, Any]], Any] | None = None,
              page_rows: Callable[[dict[str, Any], int, int], tuple[list[Any], int]] | None = None,
              context: dict[str, Any] | None = None, per_page: int = PAGE_SIZE) -> HttpResponse:
    """A filtered, paginated list. `rows(filters)` gives the rows (a selector, scoped to the
    user), or `page_rows(filters, offset, limit)` one page of them and their number (see
    `paginate_rows`); the template gets `form`, `page`, `query` (for
    includes/pagination.html), `filters` and `filtered` (whether any filter is set: "no
    match" rather than "none yet")."""
    filters = filters_of(form)
    if page_rows is not None:
        page = paginate_rows(request, lambda offset, limit: page_rows(filters, offset, limit),
                             per_page)
    else:
        assert rows is not None, "list_page needs rows or page_rows"
        page = paginate(request, rows(filters), per_page)
    return render(request, template, {
        "form": form, "page": page,
        "query": query_without_page(request), "filters": filters,
        "filtered": bool(filters and any(filters.values())), **(context or {}),
    })


def _text(text: Text, result: Any) -> str:
    return text(result) if callable(text) else text


def form_page(request: HttpRequest, template: str, *, form: Any,
              save: Callable[[dict[str, Any]], Any], success: Text | None,
              redirect_to: Text, context: dict[str, Any] | None = None,
              also_valid: Iterable[Any] = (), status: int = 200) -> HttpResponse:
    """GET, or a POST that does not validate: the form. A valid POST calls
    `save(form.cleaned_data)` (a service); a `ValidationError` from it is shown on the form
    (apply_errors), anything else gives the `success` message and a redirect to
    `redirect_to`. Both may be functions of what `save` returned. `also_valid` are further
    forms or formsets that must validate too."""
    # A list, not a generator: every form validates, so every form shows its errors at once.
    valid = [form.is_valid(), *[f.is_valid() for f in also_valid]]
    if request.method == "POST" and all(valid):
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if success is not None:
                messages.success(request, _text(success, result))
            return redirect(_text(redirect_to, result))
    return render(request, template, {"form": form, **(context or {})}, status=status)


def post_action(request: HttpRequest, *, act: Callable[[], Any], success: Text,
                redirect_to: str) -> HttpResponse:
    """A POST from a button elsewhere: `act()` (a service); a refusal becomes one error
    message (its sentences joined), success the `success` message; both redirect back."""
    try:
        result = act()
    except ValidationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
    else:
        messages.success(request, _text(success, result))
    return redirect(redirect_to)


def action_page(request: HttpRequest, template: str, *, act: Callable[[], Any],
                success: Text, redirect_to: Text,
                context: dict[str, Any] | None = None) -> HttpResponse:
    """A confirm page: GET asks, POST calls `act()` (a service). A refusal shows on the page as
    `errors` (sentences, for includes/form_page.html); success gives the message and the
    redirect, as form_page does."""
    errors: list[str] = []
    if request.method == "POST":
        try:
            result = act()
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _text(success, result))
            return redirect(_text(redirect_to, result))
    return render(request, template, {**(context or {}), "errors": errors})

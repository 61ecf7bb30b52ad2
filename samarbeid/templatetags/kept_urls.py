"""`{% url %}` with its answers kept per process (a template builtin: config/settings.py).

Django's `{% url %}` reverses on every render, 15–30 µs each; a page built again after a
write renders a dozen (its layout, its buttons, each row's link that is not a cached row) —
issue #12. A reversal depends only on the view name, its arguments, the URLconf, the script
prefix, the language and the current app, so its answer is kept under exactly those, for
arguments that are plain numbers and text (a model instance's text could change under the
same primary key: reversed each time, as Django does).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

_kept: dict[tuple[Any, ...], str] = {}
_KEPT_MAX = 20000
_PLAIN = (int, str, SafeString)  # a literal in the template is a SafeString


class KeptURLNode(defaulttags.URLNode):
    def render(self, context: Any) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        plain = (isinstance(view_name, str) and all(type(a) in _PLAIN for a in args)
                 and all(type(v) in _PLAIN for v in kwargs.values()))
        key: tuple[Any, ...] | None = None
        url = None
        if plain:
            key = (view_name, tuple(args), tuple(sorted(kwargs.items())), current_app,
                   get_urlconf(), settings.ROOT_URLCONF, get_script_prefix(), get_language())
            url = _kept.get(key)
        if url is None:
            url = ""
            try:
                url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
            else:
                if key is not None:
                    if len(_kept) >= _KEPT_MAX:
                        _kept.clear()
                    _kept[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Any, token: Any) -> KeptURLNode:
    """As Django's `{% url %}` (same syntax, same answers)."""
    node = defaulttags.url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)

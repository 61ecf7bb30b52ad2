"""`field__in_constants` (samarbeid/lookups.py): the values in the SQL itself, so a generic
plan knows them; only plain words of the code."""

from __future__ import annotations

from typing import Any

import pytest

from samarbeid.models import Municipality

pytestmark = pytest.mark.django_db


def test_the_values_are_written_into_the_sql_and_select_as_in_does(world: Any) -> None:
    numbers = ("1103", "4601")
    written = Municipality.objects.filter(number__in_constants=numbers).order_by("name")
    sql, params = written.query.sql_with_params()
    assert "IN ('1103', '4601')" in sql and not set(numbers) & {str(p) for p in params}
    assert list(written) == list(Municipality.objects.filter(number__in=numbers).order_by("name"))


@pytest.mark.parametrize("values", [("open'; DROP TABLE x; --",), ("a b",), ()])
def test_anything_but_plain_words_is_refused(values: Any) -> None:
    with pytest.raises(ValueError):
        list(Municipality.objects.filter(number__in_constants=values))

"""SQL building blocks the reports share, written once for SQLite and PostgreSQL.

Everything here compiles to plain SQL that runs inside the database: durations, months, medians
and the list of event names, so that no report loops over rows in Python.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Float, Integer, String, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import FunctionElement, Select
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeEngine

from nttlearn.api import EventRecord, db


class seconds_between(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """Seconds from the first datetime column to the second."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _seconds_sqlite(element, compiler, **kw) -> str:
    start, end = list(element.clauses)
    return (
        f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}))"
        " * 86400.0)"
    )


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element, compiler, **kw) -> str:
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


class month_start(FunctionElement):  # noqa: N801
    """The month of a datetime column, in UTC, for grouping. On PostgreSQL ``date_trunc``, which
    costs a third of ``to_char`` per row: a query over every enrolment groups by it and names the
    few groups with :func:`month_label` afterwards."""

    inherit_cache = True
    name = "month_start"


@compiles(month_start)
def _month_start_sqlite(element, compiler, **kw) -> str:
    (column,) = list(element.clauses)
    return compiler.process(func.strftime(literal("%Y-%m"), column), **kw)


@compiles(month_start, "postgresql")
def _month_start_postgresql(element, compiler, **kw) -> str:
    (column,) = list(element.clauses)
    return f"date_trunc('month', ({compiler.process(column, **kw)}) AT TIME ZONE 'UTC')"


def month_label(value: Any) -> str:
    """``YYYY-MM`` of a :class:`month_start` value (a timestamp on PostgreSQL, already text on SQLite)."""
    return value if isinstance(value, str) else value.strftime("%Y-%m")


def median_by(source: Select) -> Select:
    """``(group, median)`` for ``source``, which selects a group key and a value (in that order).

    The middle row, or the mean of the two middle rows. PostgreSQL has it as an ordered-set
    aggregate (``percentile_cont(0.5)``, one sort per group in memory: at 200,000 enrolments a
    third of the time of the window functions); SQLite lacks it and gets the same figure from
    window functions (``row_number`` and ``count`` per group).
    """
    rows = source.subquery()
    group, value = rows.c[0], rows.c[1]
    if db.engine.dialect.name == "postgresql":
        return (
            select(group, func.percentile_cont(0.5).within_group(value))
            .where(value.is_not(None))
            .group_by(group)
        )
    ranked = (
        select(
            group.label("grp"),
            value.label("v"),
            func.row_number().over(partition_by=group, order_by=value).label("rn"),
            func.count().over(partition_by=group).label("n"),
        )
        .where(value.is_not(None))
        .subquery()
    )
    return (
        select(ranked.c.grp, func.avg(ranked.c.v))
        .where(or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2))
        .group_by(ranked.c.grp)
    )


def event_names_ending(suffix: str) -> Select:
    """Names in the event log ending with ``suffix`` (``.meeting_held``), as a subquery.

    A ``LIKE '%x'`` cannot use the index on ``events(name, created_at)``; this walks the index
    from one distinct name to the next (a loose index scan in a recursive CTE), so it costs one
    index probe per distinct name however many million events there are.
    """
    first = select(func.min(EventRecord.name).label("name")).cte("event_names", recursive=True)
    later = aliased(EventRecord)
    step = select(
        select(func.min(later.name)).where(later.name > first.c.name).scalar_subquery()
    ).where(first.c.name.is_not(None))
    names = first.union_all(step)
    return select(names.c.name).where(names.c.name.endswith(suffix, autoescape=True))


JSON_KINDS = ("integer", "number", "boolean", "text", "array_length")


class json_field(FunctionElement):  # noqa: N801
    """A typed value from an event's JSON ``data``, or NULL when it has another type.

    Another plugin's malformed payload (``"passed": "maybe"``) must not make a report fail on
    PostgreSQL, where a plain cast would raise, so the JSON type is checked first.
    """

    inherit_cache = True
    name = "json_field"
    # key and kind change the SQL, so they belong in the statement cache key
    _traverse_internals = [
        *FunctionElement._traverse_internals,
        ("key", InternalTraversal.dp_string),
        ("kind", InternalTraversal.dp_string),
    ]

    def __init__(self, column, key: str, kind: str) -> None:
        if not key.replace("_", "").isalnum() or kind not in JSON_KINDS:
            raise ValueError(f"unsupported JSON field {key!r} ({kind})")
        self.key, self.kind = key, kind
        types: dict[str, TypeEngine[Any]] = {
            "integer": Integer(),
            "number": Float(),
            "boolean": Boolean(),
            "text": String(),
            "array_length": Integer(),
        }
        self.type = types[kind]
        super().__init__(column)


@compiles(json_field)
def _json_sqlite(element, compiler, **kw) -> str:
    (column,) = list(element.clauses)
    col, path = compiler.process(column, **kw), f"'$.{element.key}'"
    kind = f"json_type({col}, {path})"
    return {
        "integer": f"(CASE WHEN {kind} = 'integer' THEN json_extract({col}, {path}) END)",
        "number": f"(CASE WHEN {kind} IN ('integer', 'real') THEN json_extract({col}, {path}) END)",
        "boolean": f"(CASE WHEN {kind} IN ('true', 'false') THEN json_extract({col}, {path}) END)",
        "text": f"(CASE WHEN {kind} = 'text' THEN json_extract({col}, {path}) END)",
        "array_length": f"(CASE WHEN {kind} = 'array' THEN json_array_length({col}, {path}) ELSE 0 END)",
    }[element.kind]


@compiles(json_field, "postgresql")
def _json_postgresql(element, compiler, **kw) -> str:
    (column,) = list(element.clauses)
    col, key = compiler.process(column, **kw), f"'{element.key}'"
    kind = f"json_typeof({col} -> {key})"
    return {
        "integer": f"(CASE WHEN {kind} = 'number' THEN trunc(({col} ->> {key})::numeric)::bigint END)",
        "number": f"(CASE WHEN {kind} = 'number' THEN ({col} ->> {key})::double precision END)",
        "boolean": f"(CASE WHEN {kind} = 'boolean' THEN ({col} ->> {key})::boolean END)",
        "text": f"(CASE WHEN {kind} = 'string' THEN {col} ->> {key} END)",
        "array_length": f"(CASE WHEN {kind} = 'array' THEN json_array_length({col} -> {key}) ELSE 0 END)",
    }[element.kind]

"""Storing a new inquiry with the rows that belong to it in one SQL statement.

Saved one by one, an inquiry, its timeline event and its queued emails cost a round
trip to PostgreSQL each, plus BEGIN and COMMIT. Chained as data-modifying CTEs they are
one statement, which PostgreSQL runs atomically (every row or none) and, outside a
transaction, commits by itself: storing a submission is one round trip. Django's own
insert compiler writes each INSERT, so every field is converted as `save()` would.

Parsing and planning a statement four INSERTs long costs PostgreSQL about as much as
running it, so each connection prepares it once and then only sends the values.
"""

import hashlib
import logging
import re
from datetime import datetime
from itertools import count, cycle

from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
    models,
    transaction,
)
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery

logger = logging.getLogger(__name__)

# Dependent rows point at the parent through this subquery until the statement has run.
# (All SQL built here is constant names and Django's compiled INSERTs; every value is a
# query parameter.)
PARENT_CTE = "new_parent"
PARENT_ID = RawSQL("(SELECT id FROM new_parent)", ())  # noqa: S611


def insert_with_dependents(parent, dependents, *, parent_field):
    """Insert an unsaved `parent` and its unsaved `dependents` (rows whose foreign key
    `parent_field` refers to it) in one statement; give every object its primary key.

    Raises IntegrityError, with nothing stored, if any row breaks a constraint.
    """
    # The connection itself, not the `connection` proxy, which costs a thread-local
    # lookup on each of the compiler's many uses.
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return _insert_one_by_one(parent, dependents, parent_field, connection)
    groups = [[parent], *_group_by_model(dependents)]
    for rows in groups[1:]:
        for row in rows:
            setattr(row, f"{parent_field}_id", PARENT_ID)
    names = [PARENT_CTE, *(f"rows_{number}" for number in range(1, len(groups)))]
    ctes, params, reusable = [], [], True
    for name, rows in zip(names, groups, strict=True):
        sql, row_params, cached = _insert_sql(rows, connection)
        ctes.append(f"{name} AS ({sql})")
        params += row_params
        reusable &= cached
    ids = " UNION ALL ".join(
        f"SELECT {index}, id FROM {name}"  # noqa: S608
        for index, name in enumerate(names)
    )
    statement = f"WITH {', '.join(ctes)} {ids}"
    prepared = reusable and sessions_keep_prepared_statements
    returned = _store(connection, statement, params, prepared=prepared)
    _assign_ids(groups, returned, connection.alias)
    for rows in groups[1:]:
        for row in rows:
            setattr(row, parent_field, parent)


def _store(connection, statement, params, *, prepared):
    """Run the statement; return its rows. When it is the request's first query on a
    reused connection, it is also the connection's health check."""
    # Django checks a reused connection with a SELECT 1 before the request's first
    # query: one more round trip. This statement, alone in its transaction, checks it
    # as well: on a dead connection it fails, and is sent again on a new one. (If the
    # connection died after PostgreSQL committed it, the copy sent again is refused by
    # the unique form token and the first one is answered, as for a double tap.)
    unchecked = (
        not connection.in_atomic_block
        and connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
    )
    if unchecked:
        connection.health_check_done = True
    try:
        return _send(connection, statement, params, prepared=prepared)
    except (OperationalError, InterfaceError):
        if not unchecked or connection.is_usable():
            raise
        connection.close()
    return _send(connection, statement, params, prepared=prepared)


def _send(connection, statement, params, *, prepared):
    with connection.cursor() as cursor:
        try:
            return _run(connection, cursor, statement, params, prepared=prepared)
        except DatabaseError as error:
            if getattr(error.__cause__, "pgcode", None) not in SESSION_NOT_OURS:
                raise
            # Nothing ran: the session lost what this connection prepared, or holds one
            # it didn't prepare. A pooler such as PgBouncer in transaction mode shares
            # sessions that way, so from now on this process sends the statement whole.
            global sessions_keep_prepared_statements
            sessions_keep_prepared_statements = False
            logger.warning("Database sessions lose prepared statements: inserts sent whole")
            return _run(connection, cursor, statement, params, prepared=False)


def _insert_one_by_one(parent, dependents, parent_field, connection):
    # SQLite (the development database) has no data-modifying CTEs: the same rows,
    # saved in one transaction.
    with transaction.atomic(using=connection.alias):
        parent.save(force_insert=True, using=connection.alias)
        for rows in _group_by_model(dependents):
            for row in rows:
                setattr(row, parent_field, parent)
            type(rows[0]).objects.using(connection.alias).bulk_create(rows)


def _group_by_model(objects):
    groups = {}
    for obj in objects:
        groups.setdefault(type(obj), []).append(obj)
    return list(groups.values())


# Django's compiler writes each INSERT once per shape (model, rows, where the parent's
# id goes); after that only the parameters are worked out, as the compiler would
# (pre_save, then get_db_prep_save). That saves most of the Python time of a POST.
_compiled_sql = {}


def _insert_sql(objs, connection):
    """The INSERT ... RETURNING id that `bulk_create()` would run, its parameters, and
    whether the same SQL serves every insert of this shape."""
    model = type(objs[0])
    opts = model._meta
    fields = [f for f in opts.local_concrete_fields if f is not opts.auto_field and not f.generated]
    values = [field.pre_save(obj, add=True) for obj in objs for field in fields]
    if any(hasattr(value, "resolve_expression") and value is not PARENT_ID for value in values):
        return *_compile(objs, fields, connection), False  # SQL around a value
    shape = (model, len(objs), connection.alias, tuple(value is PARENT_ID for value in values))
    if shape in _compiled_sql:
        return _compiled_sql[shape], _params(values, fields, connection), True
    sql, compiled_params = _compile(objs, fields, connection)
    # Compiling ran pre_save again, which moves auto_now fields on: send the values the
    # objects hold now.
    values = [field.pre_save(obj, add=True) for obj in objs for field in fields]
    params = _params(values, fields, connection)
    if len(params) != len(compiled_params):
        return sql, compiled_params, False  # not one parameter per value (UNNEST)
    _compiled_sql[shape] = sql
    return sql, params, True


def _params(values, fields, connection):
    # `values` runs row by row, each row in the order of `fields`.
    return [
        value if _sent_as_is(field, value) else field.get_db_prep_save(value, connection)
        for value, field in zip(values, cycle(fields))
        if value is not PARENT_ID
    ]


_TEXT_FIELDS = {models.CharField, models.EmailField, models.TextField}


def _sent_as_is(field, value):
    """Whether get_db_prep_save would return this value unchanged, known without the
    calls (a third of a POST's parameter work): text in a text column, and an aware
    datetime in a datetime column (PostgreSQL's adapter passes it through; this
    statement path is PostgreSQL's only). Exact field classes only: a subclass may
    convert."""
    kind = type(field)
    if kind in _TEXT_FIELDS:
        return value is None or isinstance(value, str)
    if kind is models.DateTimeField:
        return value is None or (type(value) is datetime and value.utcoffset() is not None)
    return False


def _compile(objs, fields, connection):
    query = InsertQuery(type(objs[0]))
    query.insert_values(fields, objs)
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [objs[0]._meta.pk]
    ((sql, params),) = compiler.as_sql()
    return sql, list(params)


def _run(connection, cursor, statement, params, *, prepared):
    send = _execute_prepared if prepared else _execute
    if not connection.in_atomic_block:  # alone, the statement is its own transaction
        return send(connection, cursor, statement, params)
    # Inside someone else's transaction (a test, a command): a savepoint keeps a refused
    # insert from spoiling the rest of it, and the foreign keys, deferred to COMMIT in
    # Django's schema, are checked now, so a refusal is raised here as it would be alone.
    with transaction.atomic(using=connection.alias):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        returned = send(connection, cursor, statement, params)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return returned


def _execute(connection, cursor, statement, params):
    cursor.execute(statement, params)
    return cursor.fetchall()


# Statement text -> the name it is prepared under, on every connection that runs it.
_statement_names = {}
# Until a session is seen to lose a prepared statement (see _send).
sessions_keep_prepared_statements = True
_PLACEHOLDER = re.compile(r"%([s%])")
# PostgreSQL's "prepared statement does not exist" and "... already exists".
SESSION_NOT_OURS = {"26000", "42P05"}


def _statement_name(statement):
    name = _statement_names.get(statement)
    if name is None:
        # Named after its text: a session shared with other processes or releases (a
        # pooler) can never hold a different statement under this name.
        digest = hashlib.blake2b(statement.encode(), digest_size=8).hexdigest()
        name = _statement_names[statement] = f"clinic_insert_{digest}"
    return name


def _execute_prepared(connection, cursor, statement, params):
    name = _statement_name(statement)
    prepared = _prepared_on(connection)
    if name not in prepared:
        # PREPARE outlives a rolled-back transaction, so this holds for the session.
        cursor.execute(f"PREPARE {name} AS {_numbered(statement)}")
        prepared.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
    return cursor.fetchall()


def _prepared_on(connection):
    """Names prepared on this connection's current session. Kept beside the driver's
    connection object, so a reconnect (after a failed health check, or CONN_MAX_AGE)
    starts an empty set."""
    session = connection.connection
    held = getattr(connection, "_clinic_prepared", None)
    if held is None or held[0] is not session:
        held = connection._clinic_prepared = (session, set())
    return held[1]


def _numbered(statement):
    """psycopg2's %s placeholders as PostgreSQL's $1, $2, ...; %% is a literal %."""
    numbers = count(1)
    return _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m[1] == "s" else "%", statement)


def _assign_ids(groups, returned, alias):
    # PostgreSQL returns a multi-row INSERT's ids in the order of its VALUES, which
    # Django's bulk_create relies on as well.
    ids_by_group = [[] for _ in groups]
    for index, pk in returned:
        ids_by_group[index].append(pk)
    for rows, ids in zip(groups, ids_by_group, strict=True):
        for row, pk in zip(rows, ids, strict=True):
            row.pk = pk
            row._state.adding = False
            row._state.db = alias

"""One INSERT of a model instance without ``Model.save()``'s machinery.

For the busiest write there is: a burst of a thousand check-ins. ``save()`` compiles
the INSERT anew for every row (the compiler, per-field quoting and preparing); that was
7% of a check-in's CPU. Here the statement is built once per model and database
vendor, and each row only prepares its values, with the same ``get_db_prep_save`` that
``save()`` uses, so what reaches the database is the same.

pre_save and post_save are sent as ``save()`` sends them. Whatever ``save()`` does
more for is simply saved: a model with its own ``save()``, inherited tables,
database-generated or returned columns, expressions as values (``Now()``, ``F()``),
fields with their own SQL placeholder, and databases other than PostgreSQL and
SQLite. Database errors (an ``IntegrityError`` from a constraint) are raised as
Django's, as from ``save()``.
"""

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import post_save, pre_save

_statements = {}


def _plain(model):
    meta = model._meta
    return (
        model.save is models.Model.save
        and not meta.parents
        and all(
            not f.generated
            and (f is meta.pk or not f.db_returning)
            and not hasattr(f, "get_placeholder")
            for f in meta.concrete_fields
        )
    )


def _statement(model, connection):
    """(fields, SQL), or None when the model needs ``save()``."""
    key = (model, connection.vendor)
    found = _statements.get(key, False)
    if found is False:
        meta = model._meta
        if not (_plain(model) and connection.vendor in ("postgresql", "sqlite")):
            found = _statements[key] = None
            return None
        fields = [f for f in meta.concrete_fields if f is not meta.pk]
        quote = connection.ops.quote_name
        # Only the model's own table and column names, quoted; values are parameters.
        sql = "INSERT INTO {} ({}) VALUES ({}) RETURNING {}".format(  # noqa: S608
            quote(meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
            quote(meta.pk.column),
        )
        found = _statements[key] = (fields, sql)
    return found


def insert(instance, using=DEFAULT_DB_ALIAS):
    """INSERT ``instance`` (a new row with an automatic primary key) and set its
    primary key. Inside ``transaction.atomic`` it is part of that transaction;
    otherwise, in autocommit, the statement commits itself."""
    model = type(instance)
    connection = connections[using]
    statement = None if instance.pk is not None else _statement(model, connection)
    if statement is None:
        instance.save(force_insert=True, using=using)
        return instance
    fields, sql = statement
    if any(hasattr(getattr(instance, f.attname), "resolve_expression") for f in fields):
        instance.save(force_insert=True, using=using)
        return instance
    instance._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(
        sender=model, instance=instance, raw=False, using=using, update_fields=None
    )
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection)
        for field in fields
    ]
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = using
    post_save.send(
        sender=model,
        instance=instance,
        created=True,
        update_fields=None,
        raw=False,
        using=using,
    )
    return instance

"""Django's PostgreSQL backend, for parameters bound by the server (settings: `server_side_binding`), with two changes.

PostgreSQL takes at most 65,535 parameters in one statement when the server binds them, where quoting them into the
query text had no such limit; Django's own backend does not know it, and would send a round's 20,000 letters or an
uploaded sheet's scores as one INSERT too many parameters long. This one tells Django the limit, and writes rows in
bulk in batches that keep within it, as Django already does for SQLite and Oracle.

And it prepares only the statements that fetch one object (Django's `get()`, which asks for at most 21 rows): the
session's, the person's, a page's own application. Once a connection has run one five times (`prepare_threshold`), the
server keeps its plan and runs it without parsing or planning again, which is most of the database's work on a
signed-in page. Every other statement is planned afresh for its own parameters on each run: a plan made once for any
parameters ranked and decided a round several times slower.
"""

from itertools import chain

from django.db import models
from django.db.models.query import MAX_GET_RESULTS
from django.db.backends.postgresql import base, features, operations


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = 2**16 - 1


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        columns = list(chain.from_iterable(
            field.fields if isinstance(field, models.CompositePrimaryKey) else [field] for field in fields
        ))
        if not columns:
            return len(objs)
        return self.connection.features.max_query_params // len(columns)


# How Django's get() ends the statement it sends (`django.db.models.query.MAX_GET_RESULTS`).
ONE_OBJECT = f" LIMIT {MAX_GET_RESULTS}"


class OneObjectPreparingCursor(base.ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        if prepare is None and not (isinstance(query, str) and query.endswith(ONE_OBJECT)):
            prepare = False
        return super().execute(query, params, prepare=prepare, binary=binary)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations

    def get_connection_params(self):
        return {**super().get_connection_params(), "cursor_factory": OneObjectPreparingCursor}

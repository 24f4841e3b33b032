"""Django's PostgreSQL backend, for parameters bound by the server (settings: `server_side_binding`).

PostgreSQL takes at most 65,535 parameters in one statement when the server binds them, where quoting them into the
query text had no such limit; Django's own backend does not know it, and would send a round's 20,000 letters or an
uploaded sheet's scores as one INSERT too many parameters long. This one tells Django the limit, and writes rows in
bulk in batches that keep within it, as Django already does for SQLite and Oracle.
"""

from itertools import chain

from django.db import models
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


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations

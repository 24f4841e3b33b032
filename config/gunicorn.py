"""gunicorn's settings for the production server: `gunicorn --config config/gunicorn.py --bind ADDRESS:PORT`.

Any of them can be changed on the command line, or in GUNICORN_CMD_ARGS, without editing this file.
"""

import os

wsgi_app = "config.wsgi:application"

# Each worker serves one request at a time and keeps its own database connection between requests (CONN_MAX_AGE),
# so a machine holds at most this many connections to the database. Two a core, plus one, keeps the cores busy while
# some workers wait on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))

# Django is loaded once, before the workers are forked: they start faster and share its memory. No database
# connection is open at that point, so none is shared between workers.
preload_app = True

# A request still running after this long is ended and its worker replaced. Pages answer in milliseconds; the long
# work (letters, spreadsheets, exports) runs in the task worker, not in a request.
timeout = 30

# Each worker is replaced after this many requests (at staggered counts), so that memory cannot creep up for ever.
max_requests = 5000
max_requests_jitter = 500

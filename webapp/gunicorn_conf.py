"""gunicorn settings for `make serve`: `gunicorn --config webapp/gunicorn_conf.py 'webapp:create_app()'`.

Environment: PORT (8000), HOST (127.0.0.1; 0.0.0.0 to listen on every interface), WEB_CONCURRENCY
(workers; default 2 x cores + 1, at most 12). The app keeps no state in the process (sessions are
signed cookies, classroom data lives in the database, the join rate limit is a table), so any
number of workers and instances can share one PostgreSQL behind a load balancer.
"""

from __future__ import annotations

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 12))

# gunicorn 27 otherwise opens a control socket at a fixed path in $HOME, so a second instance on the
# same machine would take over the first one's.
control_socket_disable = True

# Access log to stdout WITHOUT query strings: %(U)s is the path only, where %(r)s would log the
# request line with its query, and the shareable result link carries checklist items in it. The
# referrer (%(f)s) is left out for the same reason.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"

# Behind a reverse proxy, set FORWARDED_ALLOW_IPS to its address so X-Forwarded-Proto is trusted.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

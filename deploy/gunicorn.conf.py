"""gunicorn configuration for Diplomacy Monitor: `gunicorn -c deploy/gunicorn.conf.py`.

Used by `make serve`, `make soak`, the systemd unit and the outage test. Each value can be set
from the environment (deploy/env.example); the defaults suit one app server behind nginx.

Workers and threads: each worker is a process with its own copy of the app (about 60–90 MB) and
its own database connection pool; its threads serve requests concurrently while others wait on
PostgreSQL. Two processes per core plus one keeps the cores busy without swapping; threads
cover the waiting. Total database connections = workers × DB_POOL_MAX_SIZE (which defaults to
the thread count) per database, and must stay under PostgreSQL's max_connections across every
app server.
"""

import multiprocessing
import os

wsgi_app = "diplomacy.wsgi:application"

# Where to listen: the address nginx proxies to (deploy/nginx.conf), or a unix socket
# ("unix:/run/diplomacy-monitor/gunicorn.sock").
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# gunicorn reads WEB_CONCURRENCY itself when no config says otherwise; honour it here too.
_cores = multiprocessing.cpu_count()
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * _cores + 1, 9))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)

# Restart each worker after this many requests (± jitter, so they do not all restart at once):
# whatever a long-lived process accumulates (fragmented memory, caches) is returned.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 2000)
max_requests_jitter = max_requests // 10

# A worker whose main loop stops answering for this long is killed and replaced. With gthread
# workers that loop runs apart from the request threads, so this does NOT stop a slow request:
# what bounds one is the database's statement timeout (DB_STATEMENT_TIMEOUT_MS) and nginx's
# proxy_read_timeout, after which nginx answers 504 while the thread runs on (deploy/README.md).
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
# On reload or stop, requests in flight get this long to finish.
graceful_timeout = 30
# nginx keeps connections to the app server open between requests.
keepalive = 5

# Who may say a request came over HTTPS (X-Forwarded-Proto) and from which client address:
# the proxy in front (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access log on stdout (journald under systemd), with the time each request took (%(M)s ms) and
# its id (the X-Request-ID response header), the id on the app's own log lines for it.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" id=%({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Heartbeat files in memory rather than on disk (a slow disk would stall the workers).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# No runtime control socket: its default path ($HOME/.gunicorn/gunicorn.ctl) is shared by every
# gunicorn of the user, so two servers on one machine (a soak beside `make serve`) would clash.
control_socket_disable = True

# Load the app in each worker, not in the master: every worker opens its own connection pool
# (a pool's threads do not survive fork), and a code reload is a plain HUP.
preload_app = False

proc_name = "diplomacy-monitor"

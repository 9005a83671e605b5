"""How gunicorn serves evalsys: a logger that builds an access record only when one is written.

Given a logging configuration, which ``--paste production.ini`` gives it, gunicorn builds the
access record of every request (some thirty fields of the request and the response, and a log
record) even when no handler will write it: the .ini files configure none for gunicorn.access.
On the submission path that cost about 4% of a worker's time. docs/deploy.md names this class in
the gunicorn command (``--logger-class evalsys.serving.Logger``); with ``--access-logfile``, or a
handler for gunicorn.access in the .ini, access lines are written as before.
"""

from __future__ import annotations

import logging

from gunicorn.glogging import Logger as GunicornLogger


class Logger(GunicornLogger):
    def access(self, resp, req, environ, request_time):
        log = self.access_log
        if log.isEnabledFor(logging.INFO) and log.hasHandlers():
            super().access(resp, req, environ, request_time)

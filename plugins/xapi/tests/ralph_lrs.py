"""Start Ralph's LRS API as ``ralph runserver -b fs`` does (uvicorn serving ``ralph.api:app``,
settings from the ``RALPH_*`` environment), without its file watcher and with one change: the
file-system backend appends each statement to its statements file.

Run by the tests with ``.venv-ralph/bin/python ralph_lrs.py HOST PORT``. Ralph 5.1's file-system
LRS writes with its backend's default operation, *create*, which refuses to write to a file that
exists already: it keeps the first statement and answers 500 to every later one. *append* is the
same backend's own mode for adding records to a file; nothing else of Ralph is changed (its
validation of statements, basic authentication, the conflict check of statement ids and the
queries of GET /xAPI/statements are its own)."""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    from ralph.api import app

    uvicorn.run(app, host=sys.argv[1], port=int(sys.argv[2]), log_level="info")

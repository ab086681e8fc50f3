"""`briefgen serve`: start the writer process, the server and the watcher, and stop them all at Ctrl+C.

Order matters: the port is taken first, so that a port in use is refused before anything starts; the
writer process is forked next, while this process has no other thread (it closes its copy of the
listening socket); then the first build, the server's thread, and the watch on the workspace, which
rebuilds what browsers are looking at after each save.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from briefgen.runtime import long_running
from briefgen.build.pipeline import BuildRequest
from briefgen.errors import Interrupted, UsageError
from briefgen.preview.server import make_server
from briefgen.preview.session import Session
from briefgen.preview.writer_process import WriterProcess
from briefgen.build.watch import STEP_MS, input_filter, watched_paths

LOCALHOST = "127.0.0.1"


def serve(request: BuildRequest, port: int, echo: Callable[[str], None], open_browser: bool = False,
          host: str = LOCALHOST, stop_event: threading.Event | None = None,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the preview until Ctrl+C (or `stop_event`, for tests); `on_ready(url)` once it answers."""
    from watchfiles import watch as watch_changes

    session = Session(request, None)  # the first build is told by the address line; later ones by a line each
    server = make_server(host, port, session)  # a port in use is refused before anything starts
    started, writers = False, None
    try:
        writers = session.writers = WriterProcess(close=(server.fileno(),))
        long_running()
        session.rebuild() if request.brief else session.listing()
        _refuse_an_unknown_brief(session)
        session.log = echo
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                  name="preview-server", daemon=True)
        thread.start()
        started = True
        url = server.url + (f"brief/{request.brief}/" if request.brief else "")
        echo(f"previewing at {url} (Ctrl+C to stop)")
        if on_ready:
            on_ready(url)
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        for _changes in watch_changes(*watched_paths(request), watch_filter=input_filter(request),
                                      raise_interrupt=True, rust_timeout=0, stop_event=stop_event,
                                      step=STEP_MS):
            session.rebuild()
    except (Interrupted, KeyboardInterrupt):
        pass
    finally:
        session.stop()
        if started:
            server.shutdown()
        server.server_close()
        if writers is not None:
            writers.close()
    echo("preview stopped")



def _refuse_an_unknown_brief(session: Session) -> None:
    """`serve NAME` for a brief the workspace does not have is a usage error, as for `build NAME`
    (with the same message: did you mean, and the briefs there are). A workspace with problems may
    still have it: then the page shows the problems."""
    wanted = session.request.brief
    briefs, problems = session.listing()
    if wanted and not problems and wanted not in {b for b, _, _ in briefs}:
        raise UsageError(session.snapshot(wanted).problems[0].message)

"""The server's process leaves what it loads at start out of the garbage collector's full passes."""

import gc
import importlib
import sys


def test_loading_the_wsgi_application_freezes_what_is_loaded():
    gc.unfreeze()
    sys.modules.pop("config.wsgi", None)
    try:
        assert gc.get_freeze_count() == 0
        importlib.import_module("config.wsgi")
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the test process goes on collecting as before

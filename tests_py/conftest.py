"""pytest configuration shared by tests_py/: markers."""


def pytest_configure(config):
    # Tests that kill or crash DataLoader worker processes on purpose (SIGKILL, SIGSEGV, os._exit):
    # tools/run.sh's sanitize branch deselects them (a crash under ASan is a report, not a test result).
    config.addinivalue_line("markers", "crashes_workers: kills or crashes worker processes on purpose")

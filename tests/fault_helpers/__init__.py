"""Helpers of ``tests/test_faults.py``: a program that is killed in the middle of a write,
a gunicorn configuration that pauses a worker just before its commit, and a fingerprint of
the whole database to compare before and after."""

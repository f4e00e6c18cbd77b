"""Internals of ember.utils.data: collation, fetching, worker processes and shared memory."""

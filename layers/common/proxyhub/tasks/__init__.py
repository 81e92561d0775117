"""Sync tasks: the engine that runs, retries and schedules proxy-warehouse work.

Plain Python: storage, scheduling and invocation are ports (`ports.py`) with AWS adapters elsewhere,
so the rules here are tested with in-memory fakes.
"""

"""CSV exports of what the console lists: sync tasks, a task's request logs, a snapshot, adjustments."""

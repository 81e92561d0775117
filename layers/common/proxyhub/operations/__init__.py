"""Keeping production in shape: operators told about manual handling (one digest per burst), the task
gauges behind the dashboard and the backlog alarm, and schedules that repair themselves."""

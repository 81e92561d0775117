"""The one place that reads the environment: every function gets its configuration from here."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    aws_region: str = Field(default="us-east-1", validation_alias="AWS_REGION")
    stack_name: str = "proxy-hub"

    config_table_name: str = "proxy-hub-config"
    tasks_table_name: str = "proxy-hub-tasks"
    request_logs_table_name: str = "proxy-hub-request-logs"
    orders_table_name: str = "proxy-hub-orders"
    inventory_table_name: str = "proxy-hub-inventory"
    idempotency_table_name: str = "proxy-hub-idempotency"
    audit_table_name: str = "proxy-hub-audit"

    # Secrets Manager names are "<secrets_prefix>/<kind>/<id>"; IAM policies scope to the prefix.
    secrets_prefix: str = "proxy-hub"

    event_bus_name: str = "proxy-hub-events"

    schedule_group_name: str = "proxy-hub"
    task_runner_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:task-runner"
    scheduler_role_arn: str = "arn:aws:iam::123456789012:role/scheduler"
    schedule_dlq_arn: str = "arn:aws:sqs:us-east-1:123456789012:schedule-dlq"
    task_runner_function_name: str = "task-runner"
    cancel_state_machine_arn: str = ""
    # Recurring inventory sync: one rate() schedule per complete warehouse mapping, in the schedule group,
    # invoking the inventory-sync trigger function through its own scheduler role.
    inventory_sync_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:inventory-sync"
    inventory_sync_scheduler_role_arn: str = "arn:aws:iam::123456789012:role/inventory-sync-scheduler"

    hpk_connect_timeout_seconds: float = 5.0
    hpk_read_timeout_seconds: float = 20.0
    hpk_callback_secret_name: str = ""
    # Where OneWarehouse sends its pushes (a custom domain); empty: the address the API was called on.
    webhook_base_url: str = ""

    max_consecutive_failures: int = 5
    # A query task still polling after this many days goes to manual handling.
    query_task_max_age_days: int = Field(default=60, ge=1)
    lease_seconds: int = 900
    sweeper_grace_seconds: int = 300
    request_log_ttl_days: int = 90
    snapshot_ttl_days: int = 90
    # Step 1 of a sync (running the warehouse's open inbound/outbound tasks) gets at most this long.
    inventory_sync_open_tasks_budget_seconds: int = 120
    inventory_sync_page_size: int = 500
    request_log_body_limit: int = 8192

    # CSV exports: the private bucket the files go to, how long a download link lasts, and the size of
    # each multipart upload part (S3's minimum, 5 MiB, or more): what an export holds in memory.
    exports_bucket_name: str = "proxy-hub-exports"
    export_link_seconds: int = Field(default=900, ge=60, le=3600)
    export_part_bytes: int = Field(default=5 * 1024 * 1024, ge=5 * 1024 * 1024)

    # Operations: the topic alarms and the manual-handling digest publish to, the queue the
    # TaskNeedsManualHandling rule fills, and the SSM parameters holding the deployment's public
    # addresses (the console's, for links in messages; the GWMS API's, for the OneWarehouse push URLs).
    operations_topic_arn: str = ""
    manual_handling_queue_url: str = ""
    console_url_parameter: str = ""
    webhook_base_url_parameter: str = ""
    # The schedule repair leaves a task alone this long after it changed: its run may still be
    # creating the schedule. The local end-to-end tests set 0.
    schedule_repair_settle_seconds: int = Field(default=600, ge=0)

    # Local runner only: 60 makes a 30-minute poll fire after 30 s. Real time (1) in AWS.
    time_scale: float = 1.0


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

"""AWS adapters behind the domain's ports (Scheduler, Lambda, Step Functions, EventBridge)."""

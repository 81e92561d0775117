"""The local runner: `python -m proxyhub_dev.local` serves the whole stack without Docker or AWS.

- `template`: reads template.yaml (functions, HTTP routes); the single source of truth.
- `stack`: moto in this process with the template deployed into it (`LocalStack`).
- `invoker`: runs the real handlers (`LocalInvoker`, `route_lambda_invokes_to`).
- `gateway`: the HTTP API on 127.0.0.1 (payload format 2.0).
- `scheduler`: fires EventBridge Scheduler schedules (`SchedulerEmulator`); `timescale` compresses waits.
- `stepfunctions`: moto's Wait states under the time scale; executions stopped with the stack.
- `runner`: `run_local_stack()`, everything at once (with the HPK and OneWarehouse simulators).
- `demo`, `demo_session`: `make demo`, every flow driven through the API and the simulators.

Nothing here is imported by the Lambda functions; importing this package stays cheap on purpose.
"""

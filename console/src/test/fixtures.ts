import type {
  Adjustment,
  AuditEvent,
  Me,
  Overview,
  ProxySystem,
  Task,
  TaskDetail,
  TaskRun,
  WarehouseMapping,
} from '../api/types';

export function aTask(overrides: Partial<Task> = {}): Task {
  return {
    task_id: 'T-1001',
    task_type: 'create',
    business_type: 'inbound',
    status: 'waiting',
    order_no: 'IN-1001',
    third_party_order_no: 'HPK-IN-77',
    gwms_warehouse_code: 'GW-LA',
    proxy_warehouse_code: 'HPK-LA1',
    system_code: 'HPK01',
    execution_summary: 'Waiting for HPK to complete the inbound',
    error_message: null,
    request_id: 'req-1',
    attempts: 2,
    consecutive_failures: 0,
    created_at: '2026-06-04T08:32:00.000000Z',
    last_executed_at: '2026-06-04T09:02:00.000000Z',
    next_execution_at: '2026-06-04T09:32:00.000000Z',
    can_sync_now: true,
    ...overrides,
  };
}

export function aTaskDetail(overrides: Partial<TaskDetail> = {}): TaskDetail {
  return {
    ...aTask(),
    system_name: 'Hipacking LA',
    system_type: 'HPK',
    last_sync_now_by: null,
    last_sync_now_at: null,
    ...overrides,
  };
}

export function anOverview(overrides: Partial<Overview> = {}): Overview {
  return {
    primary: [
      { key: 'backlog', label: 'Backlog', count: 4, colour: 'yellow', filter: { status: 'pending,waiting' } },
      { key: 'running', label: 'Running', count: 1, colour: 'blue', filter: { status: 'running' } },
      { key: 'manual', label: 'Manual handling', count: 2, colour: 'red', filter: { status: 'manual' } },
    ],
    secondary: [
      {
        key: 'success_today',
        label: 'Succeeded today (UTC)',
        count: 9,
        colour: 'blue',
        filter: { status: 'success', updated_from: '2026-06-04' },
      },
      {
        key: 'cancelled_today',
        label: 'Cancelled today (UTC)',
        count: 0,
        colour: 'blue',
        filter: { status: 'cancelled', updated_from: '2026-06-04' },
      },
      {
        key: 'overdue',
        label: 'Overdue (schedule missed)',
        count: 1,
        colour: 'red',
        filter: { overdue: 'true' },
      },
    ],
    oldest_waiting: {
      task_id: 'T-0001',
      order_no: 'IN-0001',
      created_at: '2026-06-02T08:00:00.000000Z',
      waiting_hours: 48.5,
      colour: 'yellow',
    },
    reminders: ['2 task(s) need manual handling: fix the cause, then use Sync Now'],
    approximate: false,
    ...overrides,
  };
}

export function aWarehouseMapping(overrides: Partial<WarehouseMapping> = {}): WarehouseMapping {
  return {
    system_code: 'HPK01',
    proxy_warehouse_code: 'HPK-LA1',
    gwms_warehouse_code: 'GW-LA',
    virtual_putaway_location: 'HPK-VPA',
    defective_location: 'HPK-DEF',
    complete: true,
    missing: [],
    updated_at: '2026-06-04T08:00:00.000000Z',
    ...overrides,
  };
}

/** GET /v1/me of operator@example.com, in groups operator and admin. */
export function anAdmin(overrides: Partial<Me> = {}): Me {
  return {
    subject: '11111111-2222-3333-4444-555555555555',
    email: 'operator@example.com',
    door: 'operator',
    roles: ['operator', 'admin'],
    role: 'admin',
    can: { sync_now: true, resync: true, inventory_sync: true, bulk_actions: true, configure: true },
    ...overrides,
  };
}

/** GET /v1/me of viewer@example.com, in group viewer: reads everything, changes nothing. */
export function aViewer(overrides: Partial<Me> = {}): Me {
  return {
    subject: '66666666-7777-8888-9999-000000000000',
    email: 'viewer@example.com',
    door: 'operator',
    roles: ['viewer'],
    role: 'viewer',
    can: { sync_now: false, resync: false, inventory_sync: false, bulk_actions: false, configure: false },
    ...overrides,
  };
}

/** An operator without admin: Sync Now, Resync and Sync Inventory, but no configuration. */
export function anOperator(overrides: Partial<Me> = {}): Me {
  return {
    ...anAdmin(),
    email: 'ops@example.com',
    roles: ['operator'],
    role: 'operator',
    can: { sync_now: true, resync: true, inventory_sync: true, bulk_actions: true, configure: false },
    ...overrides,
  };
}

export function anAuditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    event_id: 'E-1',
    recorded_at: '2026-06-04T10:15:00.000000Z',
    actor: {
      door: 'operator',
      subject: '11111111-2222-3333-4444-555555555555',
      email: 'operator@example.com',
    },
    action: 'run Sync Now',
    method: 'POST',
    path: '/v1/tasks/T-1/sync-now',
    target: 'task T-1',
    request_id: 'req-9f2',
    status: 202,
    ...overrides,
  };
}

export function aProxySystem(overrides: Partial<ProxySystem> = {}): ProxySystem {
  return {
    code: 'HPK01',
    name: 'Hipacking LA',
    system_type: 'HPK',
    api_endpoint: 'http://test.hipacking.cn',
    account: 'demo',
    version: '5',
    enabled: true,
    password_set: true,
    created_at: '2026-06-01T00:00:00.000000Z',
    updated_at: '2026-06-01T00:00:00.000000Z',
    ...overrides,
  };
}

/** One entry of a task's History: a scheduled run that found HPK still busy. */
export function aRun(overrides: Partial<TaskRun> = {}): TaskRun {
  return {
    run_id: 'R-1',
    trigger: 'schedule',
    actor: null,
    started_at: '2026-06-04T09:02:00.000000Z',
    ended_at: '2026-06-04T09:02:01.400000Z',
    outcome: 'not_yet',
    status: 'waiting',
    summary: 'Waiting for HPK to complete the inbound',
    error: null,
    log_ids: ['L-1'],
    ...overrides,
  };
}

/** One correction of an inventory sync: 5 more qualified units on the virtual putaway location. */
export function anAdjustment(overrides: Partial<Adjustment> = {}): Adjustment {
  return {
    gwms_warehouse_code: 'GW-LA',
    gsku: 'GSKU-1',
    inventory_type: 'qualified',
    proxy_inbound_no: 'HPKIN-9',
    local_inbound_no: 'IN-1001',
    inbound_at: '2026-06-01T00:00:00.000000Z',
    location: 'HPK-VPA',
    before: 75,
    after: 80,
    delta: 5,
    available: 60,
    locked: 20,
    ...overrides,
  };
}

/**
 * Which runbook entry (docs/operations.md, shown at /console/runbook) explains an error message.
 * The messages are the API's own words; the first rule that matches wins, so a wrapper ("5 consecutive
 * failures, last: …", "Received, not put away: …") is matched before what it wraps.
 */
export interface RunbookEntry {
  anchor: string;
  title: string;
}

type Rule = [test: RegExp, anchor: string, title: string];

const RULES: Rule[] = [
  [/^\d+ consecutive failures/, 'consecutive-failures', 'Consecutive failures'],
  [/^Retries exhausted/, 'retries-exhausted', 'Retries exhausted'],
  [/^Received, not put away/, 'received-not-put-away', 'Received, not put away'],
  [/^Shipped, stock not deducted/, 'shipped-stock-not-deducted', 'Shipped, stock not deducted'],
  [
    /Virtual putaway location not configured/,
    'virtual-putaway-location-not-configured',
    'Virtual putaway location not configured',
  ],
  [
    /Defective location not configured/,
    'defective-location-not-configured',
    'Defective location not configured',
  ],
  [/Customer account not open/, 'customer-account-not-open', 'Customer account not open'],
  [/System configuration error/, 'system-configuration-error', 'System configuration error'],
  [/SKU sync failed/, 'sku-sync-failed', 'SKU sync failed'],
  [/^HPK rejected the data/, 'hpk-rejected-the-data', 'HPK rejected the data'],
  [/^HPK code \d+/, 'hpk-code', 'Rejected by the proxy warehouse'],
  [/^Proxy warehouse exception/, 'proxy-warehouse-exception', 'Proxy warehouse exception'],
  [/^Warehouse mapping \S+ not found/, 'warehouse-mapping-not-found', 'Warehouse mapping not found'],
  [/^(Inbound|Outbound) order \S+ not found/, 'order-not-found', 'Order not found'],
  [/is not (put away|shipped) yet/, 'not-put-away-or-shipped-yet', 'Order not put away or shipped yet'],
  [/Waybill not fetched yet/, 'waybill-not-fetched', 'Waybill not fetched'],
  [/^Unexpected error/, 'unexpected-error', 'Unexpected error'],
  [/^No executor for/, 'no-executor', 'No executor'],
  [
    /^Inventory sync task \S+ is already running/,
    'inventory-sync-already-running',
    'Inventory sync already running',
  ],
  [
    /Cancel rejected by the proxy warehouse|Drop shipping orders cannot be cancelled/,
    'cancel-rejected',
    'Cancel rejected',
  ],
  [
    /^(Waiting: HPK call not sent|Waiting for the proxy warehouse)/,
    'task-stays-waiting',
    'Task stays in waiting status',
  ],
];

export function runbookEntryFor(message: string | null | undefined): RunbookEntry | null {
  if (!message) {
    return null;
  }
  const rule = RULES.find(([test]) => test.test(message));
  return rule ? { anchor: rule[1], title: rule[2] } : null;
}

/** Every entry the console links to, for the check that the runbook has them all. */
export const RUNBOOK_ANCHORS: readonly string[] = RULES.map(([, anchor]) => anchor);

/** The runbook page of this console, at the entry. */
export function runbookHref(anchor: string): string {
  return `${import.meta.env.BASE_URL}runbook#${anchor}`;
}

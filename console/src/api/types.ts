import type { components } from './schema';

type Schemas = components['schemas'];

export type Task = Schemas['TaskView'];
export type TaskDetail = Schemas['TaskDetailView'];
export type TaskStatus = Schemas['TaskStatus'];
export type TaskType = Schemas['TaskType'];
export type BusinessType = Schemas['BusinessType'];
export type Overview = Schemas['OverviewView'];
export type OverviewMetric = Schemas['MetricView'];
export type RequestLog = Schemas['RequestLogView'];
export type SnapshotLine = Schemas['SnapshotLineView'];
export type ProxySystem = Schemas['ProxySystem'];
export type ProxySystemCreate = Schemas['ProxySystemCreate'];
export type ProxySystemUpdate = Schemas['ProxySystemUpdate'];
export type WarehouseMapping = Schemas['WarehouseMapping'];
export type WarehouseMappingInput = Schemas['WarehouseMappingInput'];
export type ChannelMapping = Schemas['ChannelMapping'];
export type SkuMapping = Schemas['SkuMapping'];
export type SkuSyncStatus = Schemas['SkuSyncStatus'];
export type Connection = Schemas['Connection'];
export type ConnectionInput = Schemas['ConnectionInput'];
export type Environment = Schemas['Connection']['environment'];
export type PushUrl = Schemas['PushUrl'];

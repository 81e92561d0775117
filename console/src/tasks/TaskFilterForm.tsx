import { SearchOutlined } from '@ant-design/icons';
import { Button, Col, DatePicker, Form, Input, Row, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { BusinessType, TaskType } from '../api/types';
import type { TaskFilter } from './taskFilters';
import { optionsOf } from '../components/options';
import { BUSINESS_TYPE_LABELS, TASK_STATUS_LABELS, TASK_TYPE_LABELS } from './taskLabels';

interface FormValues {
  status?: string[];
  business_type?: BusinessType;
  task_type?: TaskType;
  warehouse_code?: string;
  created?: [Dayjs | null, Dayjs | null] | null;
  order_no?: string;
}

interface TaskFilterFormProps {
  filter: TaskFilter;
  onSearch: (filter: TaskFilter) => void;
  onReset: () => void;
}

/** The filter bar (guide §2.1); shows what the URL holds and writes back to it on Search. */
export function TaskFilterForm({ filter, onSearch, onReset }: TaskFilterFormProps) {
  return (
    <Form<FormValues>
      // Rebuilt from the URL whenever the filter changes elsewhere (a card, Clear Filter, back button).
      key={JSON.stringify(filter)}
      layout="vertical"
      initialValues={toFormValues(filter)}
      onFinish={(values) => onSearch(toFilter(values))}
      className="filter-form"
    >
      <Row gutter={16}>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label="Status" name="status">
            <Select
              mode="multiple"
              allowClear
              placeholder="All statuses"
              options={optionsOf(TASK_STATUS_LABELS)}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label="Business Type" name="business_type">
            <Select allowClear placeholder="All business types" options={optionsOf(BUSINESS_TYPE_LABELS)} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label="Task Type" name="task_type">
            <Select allowClear placeholder="All task types" options={optionsOf(TASK_TYPE_LABELS)} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label="Warehouse" name="warehouse_code">
            <Input allowClear placeholder="GWMS warehouse code" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label="Created Time" name="created">
            <DatePicker.RangePicker style={{ width: '100%' }} allowEmpty={[true, true]} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label="Order No." name="order_no">
            <Input allowClear placeholder="Exact business order number" />
          </Form.Item>
        </Col>
        <Col xs={24} xl={12} className="filter-form-buttons">
          <Form.Item label=" ">
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined aria-hidden />}>
                Search
              </Button>
              <Button onClick={onReset}>Reset</Button>
            </Space>
          </Form.Item>
        </Col>
      </Row>
    </Form>
  );
}

function toFormValues(filter: TaskFilter): FormValues {
  return {
    status: filter.status?.split(',').filter(Boolean),
    business_type: filter.business_type,
    task_type: filter.task_type,
    warehouse_code: filter.warehouse_code,
    created: [toDay(filter.created_from), toDay(filter.created_to)],
    order_no: filter.order_no,
  };
}

// Whole local days, sent as instants, so "4 June" means 4 June where the operator sits.
function toFilter(values: FormValues): TaskFilter {
  const [from, to] = values.created ?? [null, null];
  return {
    status: values.status?.join(',') || undefined,
    business_type: values.business_type,
    task_type: values.task_type,
    warehouse_code: values.warehouse_code?.trim() || undefined,
    created_from: from?.startOf('day').toISOString(),
    created_to: to?.endOf('day').toISOString(),
    order_no: values.order_no?.trim() || undefined,
  };
}

function toDay(iso: string | undefined): Dayjs | null {
  return iso ? dayjs(iso) : null;
}

import { randomUUID } from 'node:crypto';

// Small valid messages of both versions for tests, each with a fresh message_id.

export type TestMessage = Record<string, unknown> & { message_type: string; message_id: string };

export const powerMeasurement = (value = 1500): TestMessage => ({
  message_type: 'PowerMeasurement',
  message_id: randomUUID(),
  measurement_timestamp: new Date().toISOString(),
  values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value }],
});

export const resourceManagerDetails = (types: string[] = ['FILL_RATE_BASED_CONTROL']): TestMessage => ({
  message_type: 'ResourceManagerDetails',
  message_id: randomUUID(),
  resource_id: randomUUID(),
  roles: [{ role: 'ENERGY_CONSUMER', commodity: 'ELECTRICITY' }],
  instruction_processing_delay: 100,
  available_control_types: types,
  provides_forecast: false,
  provides_power_measurement_types: ['ELECTRIC.POWER.L1'],
});

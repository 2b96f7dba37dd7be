/** Names of the environment variables global setup hands to every test file. */
export const TEST_ENV = {
  mongodbUri: 'OFFERFLOW_TEST_MONGODB_URI',
  temporalAddress: 'OFFERFLOW_TEST_TEMPORAL_ADDRESS',
  workflowBundle: 'OFFERFLOW_TEST_WORKFLOW_BUNDLE',
  dir: 'OFFERFLOW_TEST_DIR',
} as const;

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run the tests with jest (its global setup starts the servers)`);
  return value;
}

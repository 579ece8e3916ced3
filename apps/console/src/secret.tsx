import { Alert, Code } from '@mantine/core';

/** A secret the broker shows once: the page keeps it only until the user leaves. */
export function ShownOnce({ label, value }: { label: string; value: string | undefined }) {
  if (value === undefined) return null;
  return (
    <Alert color="yellow" mb="md" title={`${label}: copy it now, it is not shown again`}>
      <Code data-testid="shown-once">{value}</Code>
    </Alert>
  );
}

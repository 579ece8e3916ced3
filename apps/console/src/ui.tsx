import { Alert, Center, Code, Group, Loader, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md">
      <Title order={2}>{children}</Title>
      {actions}
    </Group>
  );
}

export function Problem({ error }: { error: string | undefined }) {
  if (error === undefined) return null;
  return (
    <Alert color="red" mb="md" role="alert">
      {error}
    </Alert>
  );
}

export function Loading({ loading }: { loading: boolean }) {
  return loading ? <Loader size="sm" /> : null;
}

export function Json({ value, maxHeight = 400 }: { value: unknown; maxHeight?: number }) {
  return (
    <ScrollArea.Autosize mah={maxHeight}>
      <Code block>{JSON.stringify(value, null, 2)}</Code>
    </ScrollArea.Autosize>
  );
}

export function When({ at }: { at: string | number | null }) {
  if (at === null)
    return (
      <Text span c="dimmed">
        never
      </Text>
    );
  const date = new Date(at);
  return <span title={date.toISOString()}>{date.toLocaleString()}</span>;
}

/** The card of the pages shown before sign-in: a titled form in the middle of the screen. */
export function FormCard({
  title,
  width,
  onSubmit,
  children,
}: {
  title: string;
  width: number;
  onSubmit: (event: FormEvent) => Promise<void>;
  children: ReactNode;
}) {
  return (
    <Center h="100vh">
      <Paper withBorder shadow="sm" p="xl" w={width}>
        <form onSubmit={(event) => void onSubmit(event)}>
          <Stack>
            <Title order={3}>{title}</Title>
            {children}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

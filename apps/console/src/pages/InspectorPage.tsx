import { Badge, Button, Card, Grid, Group, Select, Table, Text } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../api';
import { href } from '../router';
import type { InspectedMessage } from '../types';
import { Json, PageTitle, Problem } from '../ui';

// Enough for a support call; older messages are in the history.
const KEEP = 500;
const ALL = 'all';

type Feed = 'connecting' | 'live' | 'lost' | 'ended';

export function InspectorPage({ rmNodeId }: { rmNodeId: string }) {
  const id = encodeURIComponent(rmNodeId);
  const [messages, setMessages] = useState<InspectedMessage[]>([]);
  const [feed, setFeed] = useState<Feed>('connecting');
  const [type, setType] = useState<string>(ALL);
  const [selected, setSelected] = useState<InspectedMessage>();
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  useEffect(() => {
    let live = true;
    api<{ items: InspectedMessage[] }>('GET', `/api/v1/rms/${id}/messages?limit=100`).then(
      (page) => live && setMessages((current) => [...current, ...page.items].slice(0, KEEP)),
      (failure: unknown) => {
        if (live && !(failure instanceof ApiError && failure.status === 404)) setError(String(failure));
      },
    );
    return () => {
      live = false;
    };
  }, [id]);

  useEffect(() => {
    if (paused) return;
    const source = new EventSource(`/api/v1/rms/${id}/messages/live`, { withCredentials: true });
    source.onopen = () => setFeed('live');
    source.onerror = () => setFeed(source.readyState === EventSource.CLOSED ? 'lost' : 'connecting');
    source.addEventListener('message', (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as InspectedMessage;
      setMessages((current) => [message, ...current].slice(0, KEEP));
    });
    // The server drops what a slow page cannot take, and says how much.
    source.addEventListener('gap', (event: MessageEvent<string>) => {
      const { dropped } = JSON.parse(event.data) as { dropped: number };
      setNotice(`${dropped} messages were too many to show and were skipped.`);
    });
    // The pairing ended (or history was turned off): reconnecting would only be refused.
    source.addEventListener('end', (event: MessageEvent<string>) => {
      const { reason } = JSON.parse(event.data) as { reason: string };
      source.close();
      setFeed('ended');
      setNotice(`The live feed ended: ${reason}.`);
    });
    return () => source.close();
  }, [id, paused]);

  const types = useMemo(() => [...new Set(messages.map(typeOf))].sort(), [messages]);
  const shown = type === ALL ? messages : messages.filter((m) => typeOf(m) === type);

  return (
    <>
      <PageTitle
        actions={
          <Group>
            <Badge color={paused ? 'gray' : feed === 'live' ? 'teal' : 'orange'} data-testid="feed-state">
              {paused ? 'paused' : feed}
            </Badge>
            <Button variant="default" onClick={() => setPaused(!paused)}>
              {paused ? 'Resume' : 'Pause'}
            </Button>
            <Button component="a" variant="subtle" href={href(`/rms/${id}`)}>
              RM page
            </Button>
          </Group>
        }
      >
        Inspector: {rmNodeId}
      </PageTitle>
      <Problem error={error} />
      {notice && (
        <Text c="orange" mb="sm">
          {notice}
        </Text>
      )}
      <Select
        label="Message type"
        value={type}
        onChange={(v) => setType(v ?? ALL)}
        data={[{ value: ALL, label: 'All types' }, ...types]}
        w={300}
        mb="sm"
      />
      <Grid>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Table highlightOnHover data-testid="inspector-messages">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                <Table.Th>Direction</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Verdict</Table.Th>
                <Table.Th>Reception status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((message, i) => (
                <Table.Tr
                  key={`${message.at}-${i}`}
                  onClick={() => setSelected(message)}
                  bg={selected === message ? 'var(--mantine-color-teal-light)' : undefined}
                  style={{ cursor: 'pointer' }}
                >
                  <Table.Td ff="monospace">{new Date(message.at).toLocaleTimeString()}</Table.Td>
                  <Table.Td>{message.direction === 'rm_to_cem' ? 'RM → CEM' : 'CEM → RM'}</Table.Td>
                  <Table.Td>{typeOf(message)}</Table.Td>
                  <Table.Td>
                    <Badge color={VERDICT_COLORS[message.verdict]}>{message.verdict}</Badge>
                  </Table.Td>
                  <Table.Td>{receptionOf(message)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {shown.length === 0 && <Text c="dimmed">Waiting for messages…</Text>}
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Card withBorder>
            {selected ? (
              <>
                <Text fw={600}>{typeOf(selected)}</Text>
                {diagnosticOf(selected) && (
                  <Text c="red" size="sm" mb="xs">
                    {diagnosticOf(selected)}
                  </Text>
                )}
                <Json value={selected.message} maxHeight={480} />
                {selected.reply !== undefined && (
                  <>
                    <Text fw={600} mt="sm">
                      The broker's answer
                    </Text>
                    <Json value={selected.reply} maxHeight={200} />
                  </>
                )}
              </>
            ) : (
              <Text c="dimmed">Select a message to see its details.</Text>
            )}
          </Card>
        </Grid.Col>
      </Grid>
    </>
  );
}

const VERDICT_COLORS: Record<InspectedMessage['verdict'], string> = {
  delivered: 'teal',
  rejected: 'red',
  temporary_error: 'orange',
};

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

export function typeOf(message: InspectedMessage): string {
  const type = field(message.message, 'message_type');
  return typeof type === 'string' ? type : '(not an S2 message)';
}

function receptionOf(message: InspectedMessage): string {
  const status = field(message.reply, 'status');
  return typeof status === 'string' ? status : '';
}

function diagnosticOf(message: InspectedMessage): string | undefined {
  const label = field(message.reply, 'diagnostic_label');
  return typeof label === 'string' ? label : undefined;
}

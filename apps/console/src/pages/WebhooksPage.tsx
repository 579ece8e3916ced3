import { Anchor, Badge, Button, Checkbox, Group, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, messageOf } from '../api';
import { href } from '../router';
import { ShownOnce } from '../secret';
import { type DeadLetter, type Page, WEBHOOK_EVENT_TYPES, type Webhook } from '../types';
import { useAction, useLoad } from '../use-load';
import { Json, Loading, PageTitle, Problem, When } from '../ui';

export function WebhooksPage({ canChange }: { canChange: boolean }) {
  const hooks = useLoad(() => api<Page<Webhook>>('GET', '/api/v1/webhooks?limit=100'), []);
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<string[]>([...WEBHOOK_EVENT_TYPES]);
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<string>();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const created = await api<Webhook & { secret: string }>('POST', '/api/v1/webhooks', { url, eventTypes: types });
      setSecret(created.secret);
      setUrl('');
      hooks.reload();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <>
      <PageTitle>Webhooks</PageTitle>
      <Problem error={hooks.error ?? error} />
      <ShownOnce label="Signing secret" value={secret} />
      {canChange && (
        <form onSubmit={(event) => void create(event)}>
          <Group align="end" mb="md">
            <TextInput
              label="Endpoint URL"
              placeholder="https://example.com/s2-events"
              required
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              w={360}
            />
            <Checkbox.Group value={types} onChange={setTypes} label="Events">
              <Group>
                {WEBHOOK_EVENT_TYPES.map((type) => (
                  <Checkbox key={type} value={type} label={type} />
                ))}
              </Group>
            </Checkbox.Group>
            <Button type="submit">Add webhook</Button>
          </Group>
        </form>
      )}
      <Loading loading={hooks.loading} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>URL</Table.Th>
            <Table.Th>Events</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {hooks.data?.items.map((hook) => (
            <Table.Tr key={hook.id}>
              <Table.Td>
                <Anchor href={href(`/webhooks/${hook.id}`)}>{hook.url}</Anchor>
              </Table.Td>
              <Table.Td>{hook.eventTypes.join(', ')}</Table.Td>
              <Table.Td>
                <Badge color={hook.enabled ? 'teal' : 'gray'}>{hook.enabled ? 'enabled' : 'disabled'}</Badge>
              </Table.Td>
              <Table.Td>
                <When at={hook.createdAt} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {hooks.data?.items.length === 0 && <Text c="dimmed">No webhook yet.</Text>}
    </>
  );
}

export function WebhookPage({ id, canChange }: { id: string; canChange: boolean }) {
  const hook = useLoad(() => api<Webhook>('GET', `/api/v1/webhooks/${id}`), [id]);
  const letters = useLoad(() => api<Page<DeadLetter>>('GET', `/api/v1/webhooks/${id}/dead-letters?limit=100`), [id]);
  const [secret, setSecret] = useState<string>();
  const { error, run: act } = useAction();
  const toggle = (enabled: boolean) =>
    act(async () => {
      await api('PATCH', `/api/v1/webhooks/${id}`, { enabled });
      hook.reload();
    });
  const rotate = () =>
    act(async () => setSecret((await api<{ secret: string }>('POST', `/api/v1/webhooks/${id}/rotate-secret`)).secret));
  const redeliver = (deliveryId: string) =>
    act(async () => {
      await api('POST', `/api/v1/webhooks/${id}/dead-letters/${deliveryId}/redeliver`);
      letters.reload();
    });
  const remove = () =>
    act(async () => {
      if (!window.confirm('Delete this webhook?')) return;
      await api('DELETE', `/api/v1/webhooks/${id}`);
      window.location.hash = '#/webhooks';
    });

  return (
    <>
      <PageTitle
        actions={
          canChange &&
          hook.data && (
            <Group>
              <Switch
                label="Enabled"
                checked={hook.data.enabled}
                onChange={(e) => void toggle(e.currentTarget.checked)}
              />
              <Button variant="light" onClick={() => void rotate()}>
                Rotate secret
              </Button>
              <Button color="red" variant="light" onClick={() => void remove()}>
                Delete
              </Button>
            </Group>
          )
        }
      >
        Webhook {hook.data?.url}
      </PageTitle>
      <Problem error={hook.error ?? letters.error ?? error} />
      <ShownOnce label="New signing secret" value={secret} />
      <Text fw={600} mb="xs">
        Dead letters
      </Text>
      <Stack>
        {letters.data?.items.map((letter) => (
          <Stack key={letter.deliveryId} gap={4}>
            <Group>
              <Badge color="red">{letter.type}</Badge>
              <Text size="sm">
                {letter.attempts} attempts, last {letter.lastStatus ?? letter.lastError ?? 'no answer'}, dead{' '}
                <When at={letter.deadAt} />
              </Text>
              {canChange && (
                <Button size="xs" variant="light" onClick={() => void redeliver(letter.deliveryId)}>
                  Redeliver
                </Button>
              )}
            </Group>
            <Json value={letter.event} maxHeight={160} />
          </Stack>
        ))}
      </Stack>
      {letters.data?.items.length === 0 && <Text c="dimmed">No dead letter.</Text>}
    </>
  );
}

import { Badge, Button, Code, Group, Table, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api } from '../api';
import { ShownOnce } from '../secret';
import type { Page, ServiceAccount } from '../types';
import { useAction, useLoad } from '../use-load';
import { Loading, PageTitle, Problem, When } from '../ui';

export function ServiceAccountsPage({ canChange }: { canChange: boolean }) {
  const accounts = useLoad(() => api<Page<ServiceAccount>>('GET', '/api/v1/service-accounts?limit=1000'), []);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string>();
  const { error, run: act } = useAction(accounts.reload);
  const create = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      setSecret((await api<{ clientSecret: string }>('POST', '/api/v1/service-accounts', { name })).clientSecret);
      setName('');
    });
  };
  const rotate = (id: string) =>
    act(async () =>
      setSecret(
        (await api<{ clientSecret: string }>('POST', `/api/v1/service-accounts/${id}/rotate-secret`)).clientSecret,
      ),
    );
  const revoke = (id: string) =>
    act(async () => {
      if (window.confirm('Revoke this service account? Its tokens stop working.'))
        await api('POST', `/api/v1/service-accounts/${id}/revoke`);
    });

  return (
    <>
      <PageTitle>Service accounts</PageTitle>
      <Problem error={accounts.error ?? error} />
      <ShownOnce label="Client secret" value={secret} />
      {canChange && (
        <form onSubmit={create}>
          <Group align="end" mb="md">
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <Button type="submit">New service account</Button>
          </Group>
        </form>
      )}
      <Loading loading={accounts.loading} />
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Client id</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {accounts.data?.items.map((account) => (
            <Table.Tr key={account.id}>
              <Table.Td>{account.name}</Table.Td>
              <Table.Td>
                <Code>{account.clientId}</Code>
              </Table.Td>
              <Table.Td>
                <When at={account.lastUsedAt} />
              </Table.Td>
              <Table.Td>
                {account.revokedAt ? <Badge color="gray">revoked</Badge> : <Badge color="teal">active</Badge>}
              </Table.Td>
              <Table.Td>
                {canChange && !account.revokedAt && (
                  <Group gap="xs">
                    <Button size="xs" variant="light" onClick={() => void rotate(account.id)}>
                      Rotate secret
                    </Button>
                    <Button size="xs" color="red" variant="light" onClick={() => void revoke(account.id)}>
                      Revoke
                    </Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}

import { Badge, Button, Card, Group, SimpleGrid, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { allPages, api } from '../api';
import { ShownOnce } from '../secret';
import { useAction, useLoad } from '../use-load';
import { PageTitle, Problem, When } from '../ui';

interface TenantRow {
  id: string;
  name: string;
  status: string;
  counts: { cemNodes: number; pairings: number; liveSessions: number };
}

interface Replica {
  id: string;
  sessions: number;
  cemChannels: number;
  draining: boolean;
  alive: boolean;
  lastSeenAt: string;
}

interface Health {
  status: 'ok' | 'degraded';
  checks: { postgres: 'up' | 'down'; redis: 'up' | 'down' };
  replicas: { alive: number; draining: number };
}

interface CreatedTenant {
  id: string;
  name: string;
  serviceAccount: { clientId: string; clientSecret: string };
}

export function OperatorPage() {
  const tenants = useLoad(() => allPages<TenantRow>('/api/v1/operator/tenants'), []);
  const replicas = useLoad(() => api<{ items: Replica[] }>('GET', '/api/v1/operator/replicas'), []);
  const health = useLoad(() => api<Health>('GET', '/api/v1/operator/health'), []);
  const [name, setName] = useState('');
  const [shown, setShown] = useState<string>();
  const { error, run } = useAction(tenants.reload);
  const act = (action: () => Promise<string>) => run(async () => setShown(await action()));
  const create = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      const { name: created, serviceAccount } = await api<CreatedTenant>('POST', '/api/v1/operator/tenants', { name });
      return `${created}: client id ${serviceAccount.clientId}, client secret ${serviceAccount.clientSecret}`;
    });
  };
  const invite = (tenant: TenantRow) => {
    const email = window.prompt(`Email of ${tenant.name}'s first admin`);
    if (email)
      void act(
        async () =>
          (await api<{ invitationUrl: string }>('POST', `/api/v1/operator/tenants/${tenant.id}/invitations`, { email }))
            .invitationUrl,
      );
  };

  return (
    <>
      <PageTitle>Operator</PageTitle>
      <Problem error={tenants.error ?? replicas.error ?? error} />
      <ShownOnce label="Shown once" value={shown} />
      <form onSubmit={create}>
        <Group align="end" mb="md">
          <TextInput label="New tenant" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Button type="submit">Create tenant</Button>
        </Group>
      </form>
      <Table striped mb="xl">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Tenant</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Nodes</Table.Th>
            <Table.Th>Pairings</Table.Th>
            <Table.Th>Live sessions</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tenants.data?.map((tenant) => (
            <Table.Tr key={tenant.id}>
              <Table.Td>{tenant.name}</Table.Td>
              <Table.Td>
                <Badge variant="light">{tenant.status}</Badge>
              </Table.Td>
              <Table.Td>{tenant.counts.cemNodes}</Table.Td>
              <Table.Td>{tenant.counts.pairings}</Table.Td>
              <Table.Td>{tenant.counts.liveSessions}</Table.Td>
              <Table.Td>
                <Button size="xs" variant="light" onClick={() => invite(tenant)}>
                  Invite an admin
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={5} mb="xs">
            Gateway replicas
          </Title>
          <Table>
            <Table.Tbody>
              {replicas.data?.items.map((replica) => (
                <Table.Tr key={replica.id}>
                  <Table.Td ff="monospace">{replica.id}</Table.Td>
                  <Table.Td>{replica.sessions} sessions</Table.Td>
                  <Table.Td>{replica.cemChannels} CEM channels</Table.Td>
                  <Table.Td>
                    {!replica.alive ? (
                      <Badge color="red">silent</Badge>
                    ) : replica.draining ? (
                      <Badge color="orange">draining</Badge>
                    ) : (
                      <Badge color="teal">serving</Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <When at={replica.lastSeenAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {replicas.data?.items.length === 0 && <Text c="dimmed">No replica is reporting.</Text>}
        </Card>
        <Card withBorder>
          <Title order={5} mb="xs">
            Health
          </Title>
          <Problem error={health.error} />
          {health.data && (
            <Table>
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th>Broker</Table.Th>
                  <Table.Td>
                    <Badge color={health.data.status === 'ok' ? 'teal' : 'red'}>{health.data.status}</Badge>
                  </Table.Td>
                </Table.Tr>
                {Object.entries(health.data.checks).map(([name, state]) => (
                  <Table.Tr key={name}>
                    <Table.Th>{name === 'postgres' ? 'PostgreSQL' : 'Redis'}</Table.Th>
                    <Table.Td>
                      <Badge color={state === 'up' ? 'teal' : 'red'}>{state}</Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
                <Table.Tr>
                  <Table.Th>Gateway replicas</Table.Th>
                  <Table.Td>
                    {health.data.replicas.alive} alive, {health.data.replicas.draining} draining
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          )}
        </Card>
      </SimpleGrid>
    </>
  );
}
